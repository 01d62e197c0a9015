package app

import (
	"context"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
)

// SessionLifetime is how long an idle session stays valid; each visit
// extends it.
const SessionLifetime = 30 * 24 * time.Hour

// sessionTouchEvery limits writes: a session is extended at most this often.
const sessionTouchEvery = 10 * time.Minute

// SessionAccount returns the account of a live session and extends it.
func (a *App) SessionAccount(ctx context.Context, sessionHash string) (model.Account, error) {
	now := a.Now()
	s, acct, err := a.Store.SessionAccount(ctx, sessionHash, now)
	if err != nil {
		return model.Account{}, err
	}
	if now.Sub(s.LastSeenAt) > sessionTouchEvery {
		if err := a.Store.TouchSession(ctx, sessionHash, now, now.Add(SessionLifetime)); err != nil {
			a.Logger.Warn("extend session", "error", err)
		}
	}
	return acct, nil
}

// StartSession creates a session for the account and returns its secret
// (for the cookie). Callers delete any previous session first (rotation).
func (a *App) StartSession(ctx context.Context, accountID, userAgent, ip string) (string, error) {
	secret, hash := core.NewSecret()
	now := a.Now()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	err := a.Store.CreateSession(ctx, model.Session{IDHash: hash, AccountID: accountID, CreatedAt: now,
		LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime), UserAgent: userAgent, IP: ip})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// EndSession logs one session out.
func (a *App) EndSession(ctx context.Context, sessionHash string) error {
	return a.Store.DeleteSession(ctx, sessionHash)
}
