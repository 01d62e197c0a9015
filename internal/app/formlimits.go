package app

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

// countPublicForm counts one submission of form from ip for address and
// refuses it past the limits. A refused submission is not counted (the
// transaction it would have been part of rolls back).
func (a *App) countPublicForm(ctx context.Context, tx *store.Tx, form, ip, address string) error {
	now := a.Now()
	var rules []throttleRule
	if ip != "" {
		rules = append(rules, throttleRule{"form:" + form + ":ip:" + reqinfo.RateBucket(ip), FormPerClient})
	}
	if address != "" {
		rules = append(rules, throttleRule{"form:" + form + ":mail:" + address, FormPerAddress})
	}
	for _, r := range rules { // always in this order: no lock-order deadlock between two posts
		st, err := countEvent(ctx, tx, r.key, FormWindow, now)
		if err != nil {
			return err
		}
		if st.Failures > r.limit {
			return &FormLimitError{Wait: max(st.WindowStart.Add(FormWindow).Sub(now), time.Minute)}
		}
		if err := tx.PutThrottle(ctx, r.key, st); err != nil {
			return err
		}
	}
	return nil
}
