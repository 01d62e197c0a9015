package accounts

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// SessionLifetime is how long an idle session stays valid; each visit
// extends it.
const SessionLifetime = 30 * 24 * time.Hour

// sessionTouchEvery limits writes: a session is extended at most this often.
const sessionTouchEvery = 10 * time.Minute

// SessionAccount returns the account of a live session and extends it.
func (s *Service) SessionAccount(ctx context.Context, sessionHash string) (model.Account, error) {
	now := s.Now()
	sess, acct, err := s.Store.SessionAccount(ctx, sessionHash, now)
	if err != nil {
		return model.Account{}, err
	}
	if now.Sub(sess.LastSeenAt) > sessionTouchEvery {
		if err := s.Store.TouchSession(ctx, sessionHash, now, now.Add(SessionLifetime)); err != nil {
			s.Logger.Warn("extend session", "error", err)
		}
	}
	return acct, nil
}

// StartSession creates a session for the account and returns its secret
// (for the cookie). Callers delete any previous session first (rotation).
func (s *Service) StartSession(ctx context.Context, accountID, userAgent, ip string) (string, error) {
	secret, hash := core.NewSecret()
	now := s.Now()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSession(ctx, model.Session{IDHash: hash, AccountID: accountID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime), UserAgent: userAgent, IP: ip}); err != nil {
			return err
		}
		// A sign-in restarts the inactivity clock (see retention.go).
		return tx.MarkAccountActive(ctx, accountID, now)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// EndSession logs one session out.
func (s *Service) EndSession(ctx context.Context, sessionHash string) error {
	return s.Store.DeleteSession(ctx, sessionHash)
}

// Sessions lists an account's live sessions, most recently seen first.
func (s *Service) Sessions(ctx context.Context, accountID string) ([]model.Session, error) {
	return s.Store.SessionsOf(ctx, accountID, s.Now())
}

// SessionRef names a session in pages and forms without showing even the
// hash that the database keys it by.
func SessionRef(idHash string) string { return core.HashSecret(idHash)[:16] }

// EndOtherSessions logs the account out everywhere but keep.
func (s *Service) EndOtherSessions(ctx context.Context, accountID, keep string) error {
	return s.Store.DeleteSessionsOf(ctx, accountID, keep)
}

// EndSessionByRef logs out one of the account's own sessions.
func (s *Service) EndSessionByRef(ctx context.Context, accountID, ref string) error {
	sessions, err := s.Sessions(ctx, accountID)
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		if SessionRef(sess.IDHash) == ref {
			return s.Store.DeleteSession(ctx, sess.IDHash)
		}
	}
	return model.ErrNotFound
}
