package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// right is the password of the account loginApp creates.
const right = "une phrase assez longue"

// loginApp is an App on s with a test clock and cheap password hashing,
// holding one account, a@example.org, whose password is right.
func loginApp(t *testing.T, s *store.Store) (*app.App, *testserver.Clock) {
	t.Helper()
	clk := &testserver.Clock{}
	clk.Set(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC))
	a := &app.App{Core: &core.Core{Store: s, Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Deps: app.Deps{Passwords: passwords.New(passwords.Params{Memory: 1024, Time: 1, Threads: 1})}}
	if _, err := a.CreateAccount(context.Background(), app.NewAccount{Email: "a@example.org", DisplayName: "Ana", Password: right}); err != nil {
		t.Fatal(err)
	}
	return a, clk
}

// The block after the limit starts at one minute and doubles with each
// further failure, up to 30 minutes; a quiet window resets the count.
func TestLoginBlocksGrow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, clk := loginApp(t, s)
		attempt := func(password string) error {
			_, err := a.Login(ctx, "a@example.org", password, "192.0.2.7")
			return err
		}
		for i := 1; i < app.AccountFailureLimit; i++ {
			if err := attempt("faux"); !errors.Is(err, app.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 30 * time.Minute, 30 * time.Minute} {
			var te *app.ThrottledError
			if err := attempt("faux"); !errors.As(err, &te) || te.Wait != want {
				t.Fatalf("want a block of %s, got %v", want, err)
			}
			if !errors.Is(te, model.ErrRateLimited) {
				t.Fatal("ThrottledError must unwrap to ErrRateLimited")
			}
			// Blocked: even the right password waits, and the attempt does
			// not lengthen the block.
			if err := attempt("une phrase assez longue"); !errors.As(err, &te) || te.Wait != want {
				t.Fatalf("while blocked: %v", err)
			}
			clk.Advance(want)
		}
		// A whole quiet window after the last block: back to normal.
		clk.Advance(app.ThrottleWindow + time.Second)
		if err := attempt("faux"); !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("after a quiet window: %v", err)
		}
		if _, err := a.Login(ctx, "A@Example.org", "une phrase assez longue", "192.0.2.7"); err != nil {
			t.Fatalf("right password: %v", err)
		}
	})
}

func TestThrottledMinutesRoundUp(t *testing.T) {
	for d, want := range map[time.Duration]int{time.Second: 1, time.Minute: 1, 61 * time.Second: 2, 30 * time.Minute: 30} {
		if got := (&app.ThrottledError{Wait: d}).Minutes(); got != want {
			t.Errorf("Minutes(%s) = %d, want %d", d, got, want)
		}
	}
}
