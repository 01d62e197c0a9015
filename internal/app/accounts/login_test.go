package accounts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// right is the password of the account loginService creates.
const right = "une phrase assez longue"

// loginService is the accounts use cases on s with a test clock and cheap
// password hashing, holding one account, a@example.org, whose password is
// right.
func loginService(t *testing.T, s *store.Store) (*accounts.Service, *testserver.Clock) {
	t.Helper()
	clk := &testserver.Clock{}
	clk.Set(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC))
	svc := accounts.New(&core.Core{Store: s, Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		accounts.Deps{Passwords: passwords.New(passwords.Params{Memory: 1024, Time: 1, Threads: 1})})
	if _, err := svc.CreateAccount(context.Background(), accounts.NewAccount{Email: "a@example.org", DisplayName: "Ana", Password: right}); err != nil {
		t.Fatal(err)
	}
	return svc, clk
}

// The block after the limit starts at one minute and doubles with each
// further failure, up to 30 minutes; a quiet window resets the count.
func TestLoginBlocksGrow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk := loginService(t, s)
		attempt := func(password string) error {
			_, err := svc.Login(ctx, "a@example.org", password, "192.0.2.7")
			return err
		}
		for i := 1; i < accounts.AccountFailureLimit; i++ {
			if err := attempt("faux"); !errors.Is(err, accounts.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 30 * time.Minute, 30 * time.Minute} {
			var te *accounts.ThrottledError
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
		clk.Advance(accounts.ThrottleWindow + time.Second)
		if err := attempt("faux"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("after a quiet window: %v", err)
		}
		if _, err := svc.Login(ctx, "A@Example.org", "une phrase assez longue", "192.0.2.7"); err != nil {
			t.Fatalf("right password: %v", err)
		}
	})
}

func TestThrottledMinutesRoundUp(t *testing.T) {
	for d, want := range map[time.Duration]int{time.Second: 1, time.Minute: 1, 61 * time.Second: 2, 30 * time.Minute: 30} {
		if got := (&accounts.ThrottledError{Wait: d}).Minutes(); got != want {
			t.Errorf("Minutes(%s) = %d, want %d", d, got, want)
		}
	}
}
