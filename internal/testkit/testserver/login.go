package testserver

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/web"
)

// TestPassword is the password of accounts created by Account and LoginAs.
const TestPassword = "une phrase de passe solide pour les tests"

// Account returns the account with that e-mail, creating it (verified, with
// TestPassword) if needed. The display name is derived from the address.
func (ts *TS) Account(t testing.TB, email string) model.Account {
	t.Helper()
	ctx := context.Background()
	if a, err := ts.Store.AccountByEmail(ctx, mail.NormalizeEmail(email)); err == nil {
		return a
	} else if !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("account %s: %v", email, err)
	}
	name, _, _ := strings.Cut(email, "@")
	if len(name) < 2 {
		name += " (test)"
	}
	a, err := ts.App.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: email, DisplayName: name, Password: TestPassword, Verified: true})
	if err != nil {
		t.Fatalf("create account %s: %v", email, err)
	}
	return a
}

// Session creates a session for the account with that e-mail (creating the
// account if needed) and returns the cookie value, without going through a
// login form. Browser tests set it with network.SetCookie.
func (ts *TS) Session(t testing.TB, email string) (model.Account, string) {
	t.Helper()
	a := ts.Account(t, email)
	secret, err := ts.App.Accounts.StartSession(context.Background(), a.ID, "testserver", "127.0.0.1")
	if err != nil {
		t.Fatalf("start session for %s: %v", email, err)
	}
	return a, secret
}

// LoginAs signs the client in as the account with that e-mail (created,
// verified, if needed) by putting a fresh session cookie in its jar.
func (ts *TS) LoginAs(t testing.TB, c *Client, email string) model.Account {
	t.Helper()
	a, secret := ts.Session(t, email)
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: secret, Path: "/"}})
	return a
}

// Org returns the organisation with that handle, creating it (a commune
// named after the handle) if needed.
func (ts *TS) Org(t testing.TB, handle string) model.Organisation {
	t.Helper()
	ctx := context.Background()
	if o, err := ts.Store.OrganisationByHandle(ctx, handle); err == nil {
		return o
	} else if !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("organisation %s: %v", handle, err)
	}
	o, err := ts.App.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: handle, Name: "Ville de " + handle, Kind: model.KindCommune})
	if err != nil {
		t.Fatalf("create organisation %s: %v", handle, err)
	}
	return o
}

// Staff makes the account with that e-mail (created if needed) staff of the
// organisation with that handle (created if needed), with role, and returns
// the account. serviceIDs must belong to the organisation.
func (ts *TS) Staff(t testing.TB, email, handle string, role model.Role, serviceIDs ...string) model.Account {
	t.Helper()
	a := ts.Account(t, email)
	o := ts.Org(t, handle)
	err := ts.Store.PutMembership(context.Background(), model.Membership{AccountID: a.ID, OrgID: o.ID, Role: role,
		ServiceIDs: serviceIDs, CreatedAt: ts.App.Now()})
	if err != nil {
		t.Fatalf("make %s %s of %s: %v", email, role, handle, err)
	}
	return a
}
