package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
)

// ErrBadCredentials is a wrong address or password; it never says which.
var ErrBadCredentials = fmt.Errorf("%w: wrong e-mail or password", model.ErrUnauthorized)

func loginRules(email, ip string) []core.ThrottleRule {
	return []core.ThrottleRule{{Key: accountKey(email), Limit: AccountFailureLimit}, {Key: ipKey(ip), Limit: IPFailureLimit}}
}

// Login checks an address and password, with throttling per address and per
// client IP. An unknown address costs the same time as a known one and
// counts as a failure too, so neither timing nor blocking tells whether an
// account exists.
func (s *Service) Login(ctx context.Context, email, password, ip string) (model.Account, error) {
	email = mail.NormalizeEmail(email)
	now := s.Now()
	rules := loginRules(email, ip)
	acct, err := s.Store.AccountByEmail(ctx, email)
	hash := acct.PasswordHash
	switch {
	case errors.Is(err, model.ErrNotFound):
		hash = "" // a dummy check, as long as a real one
	case err != nil:
		return model.Account{}, err
	}
	res, err := s.checkReserved(ctx, now, rules, hash, password)
	switch {
	case err == nil:
		// The account's count is cleared; the IP's attempt is refunded
		// but its count left to decay: clearing it would let one address
		// reset it by logging into an account of its own.
		if err := s.Store.ClearThrottle(ctx, accountKey(email)); err != nil {
			return model.Account{}, err
		}
		if err := s.refund(ctx, res, 1, now); err != nil {
			return model.Account{}, err
		}
		return acct, nil
	case errors.Is(err, errMismatch):
		return model.Account{}, ErrBadCredentials
	}
	return model.Account{}, err
}
