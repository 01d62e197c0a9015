package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/reqinfo"
	"github.com/parvis/parvis/internal/store"
)

// Login throttling (docs/ACCOUNTS.md). Failures are counted per address and
// per client IP in the database, so every process sees the same counts.
const (
	ThrottleWindow      = 15 * time.Minute
	AccountFailureLimit = 5
	IPFailureLimit      = 20
	// The first block lasts firstBlock; each further failure doubles it, up
	// to maxBlock.
	firstBlock = time.Minute
	maxBlock   = 30 * time.Minute
)

// At most mailLimit account e-mails (verification, reset, notices) go to one
// address per mailWindow: the forms answer the same whatever happens, so
// without this anyone could flood a stranger's inbox through them.
const (
	mailLimit  = 5
	mailWindow = time.Hour
)

// ThrottledError refuses an attempt until Wait has passed.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string { return fmt.Sprintf("too many attempts, wait %s", e.Wait) }

// Unwrap lets callers test errors.Is(err, model.ErrRateLimited).
func (e *ThrottledError) Unwrap() error { return model.ErrRateLimited }

// Minutes is the wait rounded up to whole minutes, for messages.
func (e *ThrottledError) Minutes() int {
	return int((e.Wait + time.Minute - 1) / time.Minute)
}

func accountKey(email string) string { return "acct:" + email }
func ipKey(ip string) string         { return "ip:" + reqinfo.RateBucket(ip) } // IPv6: per /64
func mailKey(email string) string    { return "mail:" + email }

// reservation is one password check counted against its throttle rules
// before it runs.
type reservation struct {
	rules []core.ThrottleRule
	// blocked tells, per rule, that counting this attempt started a block
	// (undone with the count when the attempt turns out not to be a failure).
	blocked []bool
	// wait is the longest block counting this attempt started.
	wait time.Duration
}

// reserveAttempt counts one attempt against every rule, in one transaction
// that locks the rules' rows, before the (slow) password check. Counting
// after the check let 60 parallel guesses all be checked against a limit of
// 5 (issue 15): each read the count before any had written it. Now the
// attempt that reaches a limit starts the block at once, and the attempts
// behind it wait for its row and see the block. A key already blocked
// answers the wait and counts nothing (the attempt does not lengthen it).
func (s *Service) reserveAttempt(ctx context.Context, now time.Time, rules []core.ThrottleRule) (res reservation, blockedFor time.Duration, err error) {
	res = reservation{rules: rules, blocked: make([]bool, len(rules))}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// Rows are always locked in the rules' order (account, then IP),
		// so two attempts cannot wait on each other.
		states := make([]store.ThrottleState, len(rules))
		for i, r := range rules {
			st, err := tx.LockThrottle(ctx, r.Key, now)
			if err != nil {
				return err
			}
			if st.BlockedUntil != nil && st.BlockedUntil.After(now) {
				blockedFor = max(blockedFor, st.BlockedUntil.Sub(now))
			}
			states[i] = st
		}
		if blockedFor > 0 {
			return nil
		}
		for i, r := range rules {
			st := core.Freshen(states[i], ThrottleWindow, now)
			st.Failures++
			if st.Failures >= r.Limit {
				d := min(firstBlock<<min(st.Failures-r.Limit, 10), maxBlock)
				until := now.Add(d)
				st.BlockedUntil = &until
				res.blocked[i] = true
				res.wait = max(res.wait, d)
			}
			if err := tx.PutThrottle(ctx, r.Key, st); err != nil {
				return err
			}
		}
		return nil
	})
	return res, blockedFor, err
}

// refund takes back the reserved attempt from the rules from index `from`
// on (the right password, or a check that could not run): one failure
// less, and the block it started lifted.
func (s *Service) refund(ctx context.Context, res reservation, from int, now time.Time) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := from; i < len(res.rules); i++ {
			st, err := tx.LockThrottle(ctx, res.rules[i].Key, now)
			if err != nil {
				return err
			}
			st.Failures = max(st.Failures-1, 0)
			if res.blocked[i] {
				st.BlockedUntil = nil
			}
			if err := tx.PutThrottle(ctx, res.rules[i].Key, st); err != nil {
				return err
			}
		}
		return nil
	})
}

// ErrPasswordsBusy means too many passwords are being checked at this
// moment on this process (their memory is bounded): try again in a few
// seconds. The attempt is not counted.
var ErrPasswordsBusy = fmt.Errorf("%w: too many password checks at once", model.ErrRateLimited)

// checkReserved checks password (against hash, or a dummy one when hash is
// "") after reserving the attempt. It returns nil for the right password
// (the caller then refunds or clears the rules), ErrPasswordsBusy, a
// ThrottledError for a failure that started a block, or errMismatch.
func (s *Service) checkReserved(ctx context.Context, now time.Time, rules []core.ThrottleRule, hash, password string) (reservation, error) {
	res, wait, err := s.reserveAttempt(ctx, now, rules)
	if err != nil {
		return res, err
	}
	if wait > 0 {
		return res, &ThrottledError{Wait: wait}
	}
	if hash == "" {
		err = s.Passwords.DummyVerify(password)
		if err == nil {
			err = passwords.ErrMismatch
		}
	} else {
		err = s.Passwords.Verify(hash, password)
	}
	switch {
	case err == nil:
		return res, nil
	case errors.Is(err, passwords.ErrBusy):
		if rerr := s.refund(ctx, res, 0, now); rerr != nil {
			return res, rerr
		}
		return res, ErrPasswordsBusy
	case !errors.Is(err, passwords.ErrMismatch):
		return res, fmt.Errorf("verify password: %w", err)
	case res.wait > 0:
		return res, &ThrottledError{Wait: res.wait}
	}
	return res, errMismatch
}

// errMismatch is a wrong password counted by checkReserved.
var errMismatch = errors.New("wrong password")

// MailAllowed counts one account e-mail to addr and reports whether it may
// go out.
func (s *Service) MailAllowed(ctx context.Context, tx *store.Tx, addr string) (bool, error) {
	now := s.Now()
	st, err := core.CountEvent(ctx, tx, mailKey(addr), mailWindow, now)
	if err != nil {
		return false, err
	}
	if err := tx.PutThrottle(ctx, mailKey(addr), st); err != nil {
		return false, err
	}
	if st.Failures > mailLimit {
		s.Logger.Warn("account e-mail limit reached; message not sent", "limit", mailLimit, "window", mailWindow)
		return false, nil
	}
	return true, nil
}
