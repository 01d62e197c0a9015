package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Lifetimes of the links sent by e-mail (docs/ACCOUNTS.md).
const (
	VerifyLifetime      = 48 * time.Hour
	ResetLifetime       = time.Hour
	ChangeEmailLifetime = 48 * time.Hour
)

// Reasons a link from an e-mail cannot be used.
const (
	TokenInvalid = "invalid"
	TokenExpired = "expired"
	TokenUsed    = "used"
)

// TokenError is a link that cannot be used, with the reason to tell.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return "link " + e.Reason }

// Unwrap maps the reason to a sentinel.
func (e *TokenError) Unwrap() error {
	if e.Reason == TokenExpired {
		return model.ErrExpired
	}
	return model.ErrNotFound
}

// linkMail is the data of an e-mail carrying a link.
type linkMail struct {
	Name  string
	Link  string
	Hours int
	Days  int    // the grace period of an inactivity warning
	Email string // the address concerned, for notices
	Base  string // the instance's URL
	// Site names the account in the text: the organisation's name when
	// the person came from its pages, "" for the instance's name.
	Site string
}

// issueToken invalidates the account's previous links of that purpose, stores
// a new one and returns the link to e-mail.
func (s *Service) issueToken(ctx context.Context, tx *store.Tx, accountID string, purpose model.TokenPurpose,
	payload string, life time.Duration, path string) (string, error) {
	now := s.Now()
	if err := tx.InvalidateTokens(ctx, accountID, purpose, now); err != nil {
		return "", err
	}
	secret, hash := core.NewSecret()
	err := tx.CreateToken(ctx, model.Token{Hash: hash, AccountID: accountID, Purpose: purpose, Payload: payload,
		ExpiresAt: now.Add(life), CreatedAt: now})
	if err != nil {
		return "", err
	}
	return s.BaseURL + path + secret, nil
}

// checkToken finds a usable token from the secret in a link.
func (s *Service) checkToken(ctx context.Context, q *store.Queries, secret string, purpose model.TokenPurpose) (model.Token, error) {
	if secret == "" || len(secret) > 100 {
		return model.Token{}, &TokenError{TokenInvalid}
	}
	t, err := q.TokenByHash(ctx, core.HashSecret(secret), purpose)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return t, &TokenError{TokenInvalid}
	case err != nil:
		return t, err
	case t.UsedAt != nil:
		return t, &TokenError{TokenUsed}
	case !s.Now().Before(t.ExpiresAt):
		return t, &TokenError{TokenExpired}
	}
	return t, nil
}

// useToken checks and consumes a token in tx; of two parallel clicks, one
// wins and the other finds the link used.
func (s *Service) useToken(ctx context.Context, tx *store.Tx, secret string, purpose model.TokenPurpose) (model.Token, error) {
	t, err := s.checkToken(ctx, tx.Queries, secret, purpose)
	if err != nil {
		return t, err
	}
	if err := tx.UseToken(ctx, t.Hash, s.Now()); errors.Is(err, model.ErrNotFound) {
		return t, &TokenError{TokenUsed}
	} else if err != nil {
		return t, err
	}
	return t, nil
}
