package core

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/reqinfo"
	"github.com/parvis/parvis/internal/store"
)

// Public forms that send an e-mail to the address typed in them (the
// question form, event registration) are limited per client (IPv4
// address or IPv6 /64) and per address, so that nobody can turn them into
// a mail cannon (docs/EMAIL.md). The counts are taken inside the form's
// own write transaction, on locked rows: parallel posts are all counted.
const (
	FormPerClient  = 20
	FormPerAddress = 5
	FormWindow     = time.Hour
)

// FormLimitError refuses a public form until Wait has passed.
type FormLimitError struct{ Wait time.Duration }

func (e *FormLimitError) Error() string {
	return fmt.Sprintf("too many submissions of this form, wait %s", e.Wait)
}

// Unwrap lets callers test errors.Is(err, model.ErrRateLimited).
func (e *FormLimitError) Unwrap() error { return model.ErrRateLimited }

// Minutes is the wait rounded up to whole minutes, for messages.
func (e *FormLimitError) Minutes() int { return int((e.Wait + time.Minute - 1) / time.Minute) }

// CountPublicForm counts one submission of form from ip for address and
// refuses it past the limits. A refused submission is not counted (the
// transaction it would have been part of rolls back).
func (c *Core) CountPublicForm(ctx context.Context, tx *store.Tx, form, ip, address string) error {
	now := c.Now()
	var rules []ThrottleRule
	if ip != "" {
		rules = append(rules, ThrottleRule{"form:" + form + ":ip:" + reqinfo.RateBucket(ip), FormPerClient})
	}
	if address != "" {
		rules = append(rules, ThrottleRule{"form:" + form + ":mail:" + address, FormPerAddress})
	}
	for _, r := range rules { // always in this order: no lock-order deadlock between two posts
		st, err := CountEvent(ctx, tx, r.Key, FormWindow, now)
		if err != nil {
			return err
		}
		if st.Failures > r.Limit {
			return &FormLimitError{Wait: max(st.WindowStart.Add(FormWindow).Sub(now), time.Minute)}
		}
		if err := tx.PutThrottle(ctx, r.Key, st); err != nil {
			return err
		}
	}
	return nil
}

// ThrottleRule is a key and the failures it tolerates.
type ThrottleRule struct {
	Key   string
	Limit int
}

// CountEvent adds one event to key's window and returns the new state,
// which the caller saves.
func CountEvent(ctx context.Context, tx *store.Tx, key string, window time.Duration, now time.Time) (store.ThrottleState, error) {
	st, err := tx.LockThrottle(ctx, key, now)
	if err != nil {
		return st, err
	}
	st = Freshen(st, window, now)
	st.Failures++
	return st, nil
}

// Freshen starts a new window when key has been quiet for a whole one. A
// window ends after `window` without events nor block, so a blocked key
// keeps its count (and its growing block) until it has been quiet for a
// whole window.
func Freshen(st store.ThrottleState, window time.Duration, now time.Time) store.ThrottleState {
	quiet := st.WindowStart
	if st.BlockedUntil != nil && st.BlockedUntil.After(quiet) {
		quiet = *st.BlockedUntil
	}
	if now.Sub(quiet) > window {
		return store.ThrottleState{WindowStart: now}
	}
	return st
}
