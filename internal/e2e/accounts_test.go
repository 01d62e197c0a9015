package e2e

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/smtpsink"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

const goodPassword = "une longue phrase de passe"

// mailTo waits until at least n messages to `to` with subject containing
// subject have arrived and returns the n-th (1-based).
func mailTo(t *testing.T, ts *testserver.TS, to, subject string, n int) smtpsink.Message {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var got []smtpsink.Message
		for _, m := range ts.Mail.Messages() {
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) && strings.Contains(m.Subject, subject) {
					got = append(got, m)
				}
			}
		}
		if len(got) >= n {
			return got[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d to %s with subject %q never came (got %d)", n, to, subject, len(got))
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// mailLink waits for the n-th such message and returns its link containing part.
func mailLink(t *testing.T, ts *testserver.TS, to, subject, part string, n int) string {
	t.Helper()
	return testserver.Link(t, mailTo(t, ts, to, subject, n).Text, part)
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// sessionCookie returns the client's session cookie value ("" if none).
func sessionCookie(ts *testserver.TS, c *testserver.Client) string {
	u, _ := url.Parse(ts.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "parvis_session" {
			return ck.Value
		}
	}
	return ""
}

// mustStatus fails unless r has the wanted status.
func mustStatus(t *testing.T, what string, r testserver.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d; location %q; body:\n%s", what, r.Status, want, r.Location, excerpt(r.Body))
	}
}

func mustContain(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("%s: body lacks %q:\n%s", what, p, excerpt(body))
		}
	}
}

// excerpt keeps failure output readable: the page's main content only.
func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000]
	}
	return body
}

// signedIn reports whether the client's session is live.
func signedIn(t *testing.T, c *testserver.Client) bool {
	t.Helper()
	r := c.Get("/account")
	switch {
	case r.Status == 200:
		return true
	case r.Status == 303 && strings.HasPrefix(r.Location, "/login?next="):
		return false
	}
	t.Fatalf("GET /account = %d %q", r.Status, r.Location)
	return false
}

// newAccount creates a verified account directly.
func newAccount(t *testing.T, ts *testserver.TS, email, name string) model.Account {
	t.Helper()
	a, err := ts.App.Accounts.CreateAccount(context.Background(), accounts.NewAccount{Email: email, DisplayName: name, Password: goodPassword, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func login(t *testing.T, c *testserver.Client, email, password string) testserver.Response {
	t.Helper()
	return c.Post("/login", form("email", email, "password", password))
}

func mustLogin(t *testing.T, c *testserver.Client, email, password string) {
	t.Helper()
	r := login(t, c, email, password)
	mustStatus(t, "login "+email, r, 303)
}

func TestSignupVerifyLoginLogout(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		c := ts.Client(t)
		mustStatus(t, "GET /signup", c.Get("/signup"), 200)
		r := c.Post("/signup", form("email", "Jeanne.Martin@Example.org", "display_name", "Jeanne M.", "password", goodPassword))
		mustStatus(t, "signup", r, 303)
		if r.Location != "/signup/sent" {
			t.Fatalf("signup went to %q", r.Location)
		}
		mustContain(t, "sent page", c.Get("/signup/sent").Body, "Consultez votre messagerie")
		acct, err := ts.Store.AccountByEmail(ctx, "jeanne.martin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if acct.Verified() || acct.Locale != "fr" {
			t.Fatalf("new account verified=%v locale=%q", acct.Verified(), acct.Locale)
		}
		msg := mailTo(t, ts, "jeanne.martin@example.org", "Confirmez votre adresse", 1)
		mustContain(t, "verification e-mail", msg.Text, "Bonjour Jeanne M.", "48 heure")
		mustContain(t, "verification e-mail HTML", msg.HTML, "Confirmer mon adresse")
		link := testserver.Link(t, msg.Text, "/verify/")
		// The secret is stored hashed only.
		secret := strings.TrimPrefix(link, "/verify/")
		if _, err := ts.Store.TokenByHash(ctx, secret, model.TokenVerifyEmail); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("token stored in clear: %v", err)
		}

		// An unverified account may log in; its page asks to verify.
		mustLogin(t, c, "jeanne.martin@example.org", goodPassword)
		page := c.Get("/account")
		mustStatus(t, "account", page, 200)
		mustContain(t, "unverified banner", page.Body, "Confirmez votre adresse électronique", `action="/account/verify"`)
		// The banner's button sends a new link.
		mustStatus(t, "resend from account", c.Post("/account/verify", nil), 303)
		link2 := mailLink(t, ts, "jeanne.martin@example.org", "Confirmez votre adresse", "/verify/", 2)
		if link2 == link {
			t.Fatal("resend reused the same link")
		}
		// Only the newest link works.
		mustContain(t, "superseded link", c.Get(link).Body, "déjà été utilisé")
		r = c.Get(link2)
		mustStatus(t, "verify", r, 200)
		mustContain(t, "verified page", r.Body, "Adresse confirmée")
		if acct, _ = ts.Store.AccountByEmail(ctx, "jeanne.martin@example.org"); !acct.Verified() {
			t.Fatal("account not verified after the link")
		}
		r = c.Get(link2)
		mustStatus(t, "verify again", r, 410)
		mustContain(t, "used link", r.Body, "Ce lien a déjà été utilisé", `action="/verify/resend"`)
		if strings.Contains(c.Get("/account").Body, `action="/account/verify"`) {
			t.Fatal("verified account still shows the banner")
		}
		mustStatus(t, "bogus link", c.Get("/verify/n-importe-quoi"), 404)

		r = c.Post("/logout", nil)
		mustStatus(t, "logout", r, 303)
		if sessionCookie(ts, c) != "" {
			t.Fatal("session cookie kept after logout")
		}
		r = c.Get("/account")
		if r.Status != 303 || r.Location != "/login?next="+url.QueryEscape("/account") {
			t.Fatalf("anonymous /account = %d %q", r.Status, r.Location)
		}
		// next is honoured after login, and kept in the form.
		mustContain(t, "login form", c.Get("/login?next=/account").Body, `name="next" value="/account"`)
		r = c.Post("/login", form("email", "jeanne.martin@example.org", "password", goodPassword, "next", "/account"))
		if r.Status != 303 || r.Location != "/account" {
			t.Fatalf("login with next = %d %q", r.Status, r.Location)
		}
		r = c.Post("/login", form("email", "jeanne.martin@example.org", "password", goodPassword, "next", "//evil.example/"))
		if r.Location != "/account" {
			t.Fatalf("open redirect: %q", r.Location)
		}
	})
}

func TestLoginRotatesTheSession(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "paul@example.org", "Paul")
		c := ts.Client(t)
		// A session id planted before login is never adopted.
		u, _ := url.Parse(ts.URL)
		c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "parvis_session", Value: "planted-by-someone-else", Path: "/"}})
		mustLogin(t, c, "paul@example.org", goodPassword)
		first := sessionCookie(ts, c)
		if first == "" || first == "planted-by-someone-else" {
			t.Fatalf("session after login = %q", first)
		}
		// Logging in again replaces the session and ends the previous one.
		mustLogin(t, c, "paul@example.org", goodPassword)
		second := sessionCookie(ts, c)
		if second == first {
			t.Fatal("login kept the pre-login session id")
		}
		old := ts.Client(t)
		old.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "parvis_session", Value: first, Path: "/"}})
		if signedIn(t, old) {
			t.Fatal("previous session still valid after a new login")
		}
		if !signedIn(t, c) {
			t.Fatal("new session not valid")
		}
	})
}

func TestLoginAnswersTheSameForUnknownAddresses(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "connu@example.org", "Connu")
		c := ts.Client(t)
		known := login(t, c, "connu@example.org", "pas le bon mot de passe")
		unknown := login(t, c, "inconnu@example.org", "pas le bon mot de passe")
		mustStatus(t, "wrong password", known, 422)
		mustStatus(t, "unknown address", unknown, 422)
		mustContain(t, "wrong password", known.Body, "Adresse électronique ou mot de passe incorrect", `value="connu@example.org"`, `aria-invalid="true"`)
		if strings.Contains(known.Body, "pas le bon mot de passe") {
			t.Fatal("password echoed back")
		}
		if strings.ReplaceAll(known.Body, "connu@", "X@") != strings.ReplaceAll(unknown.Body, "inconnu@", "X@") {
			t.Fatal("known and unknown addresses get different answers")
		}
		r := login(t, c, "", "")
		mustStatus(t, "empty login", r, 422)
		mustContain(t, "empty login", r.Body, "Saisissez votre adresse électronique.", "Saisissez votre mot de passe.")
		mustLogin(t, c, "CONNU@example.org ", goodPassword)
	})
}

func TestSignupAnswersTheSameForKnownAddresses(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		owner := newAccount(t, ts, "deja@example.org", "Déjà Là")
		c := ts.Client(t)
		fresh := c.Post("/signup", form("email", "nouveau@example.org", "display_name", "Nouveau", "password", goodPassword))
		again := c.Post("/signup", form("email", "deja@example.org", "display_name", "Intrus", "password", "un autre mot de passe"))
		if fresh.Status != again.Status || fresh.Location != again.Location || fresh.Body != again.Body {
			t.Fatalf("answers differ: %d %q vs %d %q", fresh.Status, fresh.Location, again.Status, again.Location)
		}
		notice := mailTo(t, ts, "deja@example.org", "Tentative d'inscription", 1)
		mustContain(t, "notice", notice.Text, "Bonjour Déjà Là", "/password/forgot", "/login")
		acct, err := ts.Store.AccountByEmail(context.Background(), "deja@example.org")
		if err != nil || acct.ID != owner.ID || acct.DisplayName != "Déjà Là" || acct.PasswordHash != owner.PasswordHash {
			t.Fatalf("existing account changed: %+v, %v", acct, err)
		}
		mailTo(t, ts, "nouveau@example.org", "Confirmez votre adresse", 1)
		ts.WaitJobsIdle(t) // a second notice would have been sent by now
		if n := ts.Mail.Count("deja@example.org"); n != 1 {
			t.Fatalf("%d messages to the existing address", n)
		}
	})
}

func TestRefusedSignupKeepsInput(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		c := ts.Client(t)
		r := c.Post("/signup", form("email", "pas-une-adresse", "display_name", "X", "password", "court"))
		mustStatus(t, "bad signup", r, 422)
		mustContain(t, "bad signup", r.Body,
			`value="pas-une-adresse"`, `value="X"`,
			"Saisissez une adresse électronique valide",
			"Le nom affiché doit compter de 2 à 60 caractères",
			"Le mot de passe doit compter au moins 12 caractères",
			`aria-invalid="true"`, "Le formulaire contient des erreurs")
		if strings.Contains(r.Body, `value="court"`) {
			t.Fatal("password echoed back")
		}
		r = c.Post("/signup", form("email", "ok@example.org", "display_name", "Camille", "password", "motdepasse123"))
		mustStatus(t, "common password", r, 422)
		mustContain(t, "common password", r.Body, "trop courant", `value="ok@example.org"`, `value="Camille"`)
		if _, err := ts.Store.AccountByEmail(context.Background(), "ok@example.org"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("refused sign-up left an account: %v", err)
		}
		r = c.Post("/password/forgot", form("email", "nimporte"))
		mustStatus(t, "bad forgot", r, 422)
		mustContain(t, "bad forgot", r.Body, `value="nimporte"`, "Saisissez une adresse électronique valide")
		r = c.Post("/verify/resend", form("email", "nimporte"))
		mustStatus(t, "bad resend", r, 422)
		mustContain(t, "bad resend", r.Body, `value="nimporte"`, "Saisissez une adresse électronique valide")
	})
}

func TestVerificationLinkExpires(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		c := ts.Client(t)
		mustStatus(t, "signup", c.Post("/signup", form("email", "lent@example.org", "display_name", "Lent", "password", goodPassword)), 303)
		link := mailLink(t, ts, "lent@example.org", "Confirmez", "/verify/", 1)
		ts.Clock.Advance(accounts.VerifyLifetime + time.Minute)
		r := c.Get(link)
		mustStatus(t, "expired link", r, 410)
		mustContain(t, "expired link", r.Body, "Ce lien a expiré", `action="/verify/resend"`, `name="email"`)
		// Unknown and known addresses get the same answer.
		unknown := c.Post("/verify/resend", form("email", "personne@example.org"))
		known := c.Post("/verify/resend", form("email", "lent@example.org"))
		if unknown.Status != known.Status || unknown.Location != known.Location || known.Location != "/verify/sent" {
			t.Fatalf("resend answers: %d %q vs %d %q", unknown.Status, unknown.Location, known.Status, known.Location)
		}
		fresh := mailLink(t, ts, "lent@example.org", "Confirmez", "/verify/", 2)
		mustStatus(t, "fresh link", c.Get(fresh), 200)
		ts.WaitJobsIdle(t) // a mail to the unknown address would have been sent by now
		if ts.Mail.Count("personne@example.org") != 0 {
			t.Fatal("mail sent to an unknown address")
		}
	})
}

func TestForgottenPasswordReset(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "oubli@example.org", "Oublieuse")
		laptop, phone := ts.Client(t), ts.Client(t)
		mustLogin(t, laptop, "oubli@example.org", goodPassword)
		mustLogin(t, phone, "oubli@example.org", goodPassword)

		c := ts.Client(t)
		mustStatus(t, "forgot form", c.Get("/password/forgot"), 200)
		known := c.Post("/password/forgot", form("email", "oubli@example.org"))
		unknown := c.Post("/password/forgot", form("email", "fantome@example.org"))
		if known.Status != 303 || known.Status != unknown.Status || known.Location != unknown.Location || known.Body != unknown.Body {
			t.Fatalf("forgot answers differ: %d %q vs %d %q", known.Status, known.Location, unknown.Status, unknown.Location)
		}
		mustContain(t, "sent page", c.Get(known.Location).Body, "Si un compte utilise cette adresse")
		msg := mailTo(t, ts, "oubli@example.org", "Choisissez un nouveau mot de passe", 1)
		mustContain(t, "reset e-mail", msg.Text, "1 heure")
		link := testserver.Link(t, msg.Text, "/password/reset/")
		r := c.Get(link)
		mustStatus(t, "reset form", r, 200)
		mustContain(t, "reset form", r.Body, `name="password"`)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Error("reset page may be cached")
		}
		r = c.Post(link, form("password", "trop court"))
		mustStatus(t, "weak reset", r, 422)
		mustContain(t, "weak reset", r.Body, "au moins 12 caractères")
		const newPassword = "un tout nouveau secret bien long"
		r = c.Post(link, form("password", newPassword))
		mustStatus(t, "reset", r, 303)
		if r.Location != "/account" || !signedIn(t, c) {
			t.Fatalf("reset did not log in: %q", r.Location)
		}
		if signedIn(t, laptop) || signedIn(t, phone) {
			t.Fatal("other sessions survived the reset")
		}
		mailTo(t, ts, "oubli@example.org", "Votre mot de passe a été changé", 1)
		mustStatus(t, "old password", login(t, ts.Client(t), "oubli@example.org", goodPassword), 422)
		mustLogin(t, ts.Client(t), "oubli@example.org", newPassword)
		r = c.Get(link)
		mustStatus(t, "reset link reuse", r, 410)
		mustContain(t, "reset link reuse", r.Body, "déjà été utilisé", `action="/password/forgot"`)
		ts.WaitJobsIdle(t) // a mail to the unknown address would have been sent by now
		if ts.Mail.Count("fantome@example.org") != 0 {
			t.Fatal("mail sent to an unknown address")
		}

		// A reset link lasts one hour.
		mustStatus(t, "forgot again", c.Post("/password/forgot", form("email", "oubli@example.org")), 303)
		late := mailLink(t, ts, "oubli@example.org", "Choisissez un nouveau mot de passe", "/password/reset/", 2)
		ts.Clock.Advance(accounts.ResetLifetime + time.Second)
		mustContain(t, "expired reset", c.Get(late).Body, "Ce lien a expiré")
		r = c.Post(late, form("password", "encore un autre secret long"))
		mustStatus(t, "expired reset post", r, 410)
	})
}

func TestChangeEmail(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		acct := newAccount(t, ts, "ancienne@example.org", "Lou")
		newAccount(t, ts, "prise@example.org", "Autre")
		c := ts.Client(t)
		mustLogin(t, c, "ancienne@example.org", goodPassword)
		r := c.Post("/account/email", form("new_email", "nouvelle@example.org", "email_password", "mauvais mot de passe"))
		mustStatus(t, "wrong password", r, 422)
		mustContain(t, "wrong password", r.Body, "Le mot de passe actuel est incorrect", `value="nouvelle@example.org"`)
		r = c.Post("/account/email", form("new_email", "ancienne@example.org", "email_password", goodPassword))
		mustStatus(t, "same address", r, 422)
		mustContain(t, "same address", r.Body, "déjà l&#39;adresse de votre compte")
		r = c.Post("/account/email", form("new_email", "Nouvelle@Example.org", "email_password", goodPassword))
		mustStatus(t, "change", r, 303)
		link := mailLink(t, ts, "nouvelle@example.org", "Confirmez votre nouvelle adresse", "/email/confirm/", 1)
		notice := mailTo(t, ts, "ancienne@example.org", "Changement d'adresse demandé", 1)
		mustContain(t, "notice", notice.Text, "nouvelle@example.org")
		if a, _ := ts.Store.AccountByID(ctx, acct.ID); a.Email != "ancienne@example.org" {
			t.Fatalf("address changed before the link: %q", a.Email)
		}
		r = c.Get(link)
		mustStatus(t, "confirm", r, 200)
		mustContain(t, "confirm", r.Body, "Adresse modifiée")
		if a, _ := ts.Store.AccountByID(ctx, acct.ID); a.Email != "nouvelle@example.org" || !a.Verified() {
			t.Fatalf("after confirm: %q verified=%v", a.Email, a.Verified())
		}
		mustStatus(t, "old address login", login(t, ts.Client(t), "ancienne@example.org", goodPassword), 422)
		mustLogin(t, ts.Client(t), "nouvelle@example.org", goodPassword)
		mustStatus(t, "confirm again", c.Get(link), 410)

		// An address taken by another account: the form says nothing (it
		// would tell who has an account), the link explains.
		r = c.Post("/account/email", form("new_email", "prise@example.org", "email_password", goodPassword))
		mustStatus(t, "change to taken", r, 303)
		taken := mailLink(t, ts, "prise@example.org", "Confirmez votre nouvelle adresse", "/email/confirm/", 1)
		r = c.Get(taken)
		mustStatus(t, "confirm taken", r, 409)
		mustContain(t, "confirm taken", r.Body, "déjà utilisée par un autre compte")
		if a, _ := ts.Store.AccountByID(ctx, acct.ID); a.Email != "nouvelle@example.org" {
			t.Fatalf("address changed to a taken one: %q", a.Email)
		}
	})
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "mdp@example.org", "Sam")
		c, other := ts.Client(t), ts.Client(t)
		mustLogin(t, c, "mdp@example.org", goodPassword)
		mustLogin(t, other, "mdp@example.org", goodPassword)
		r := c.Post("/account/password", form("current_password", "faux mot de passe", "new_password", "nouvelle phrase secrète"))
		mustStatus(t, "wrong current", r, 422)
		mustContain(t, "wrong current", r.Body, "Le mot de passe actuel est incorrect")
		r = c.Post("/account/password", form("current_password", goodPassword, "new_password", "court"))
		mustStatus(t, "weak new", r, 422)
		mustContain(t, "weak new", r.Body, "au moins 12 caractères")
		const newPassword = "nouvelle phrase secrète"
		r = c.Post("/account/password", form("current_password", goodPassword, "new_password", newPassword))
		mustStatus(t, "change", r, 303)
		mustContain(t, "flash", c.Get("/account").Body, "Votre mot de passe a été changé")
		if !signedIn(t, c) || signedIn(t, other) {
			t.Fatal("change password must keep this session and end the others")
		}
		mustStatus(t, "old password", login(t, ts.Client(t), "mdp@example.org", goodPassword), 422)
		mustLogin(t, ts.Client(t), "mdp@example.org", newPassword)
		mailTo(t, ts, "mdp@example.org", "Votre mot de passe a été changé", 1)
	})
}

var endSessionRE = regexp.MustCompile(`action="(/account/sessions/[0-9a-f]+/end)"`)

func TestSessionsListAndLogOutElsewhere(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "multi@example.org", "Multi")
		c, phone, tablet := ts.Client(t), ts.Client(t), ts.Client(t)
		for _, x := range []*testserver.Client{c, phone, tablet} {
			mustLogin(t, x, "multi@example.org", goodPassword)
		}
		page := c.Get("/account").Body
		mustContain(t, "sessions", page, "Appareils connectés", "Cet appareil", "127.0.0.1", "Go-http-client", "Me déconnecter partout ailleurs")
		ends := endSessionRE.FindAllStringSubmatch(page, -1)
		if len(ends) != 2 {
			t.Fatalf("%d end buttons, want 2", len(ends))
		}
		// End one of the other sessions individually.
		mustStatus(t, "end one", c.Post(ends[0][1], nil), 303)
		mustStatus(t, "end one twice", c.Post(ends[0][1], nil), 303)
		left := 0
		for _, x := range []*testserver.Client{phone, tablet} {
			if signedIn(t, x) {
				left++
			}
		}
		if left != 1 || !signedIn(t, c) {
			t.Fatalf("after ending one session, %d others left", left)
		}
		mustStatus(t, "end others", c.Post("/account/sessions/others", nil), 303)
		if signedIn(t, phone) || signedIn(t, tablet) || !signedIn(t, c) {
			t.Fatal("log out everywhere else failed")
		}
		if strings.Contains(c.Get("/account").Body, "Me déconnecter partout ailleurs") {
			t.Fatal("button shown with no other session")
		}
		// Another account cannot end this one's session.
		newAccount(t, ts, "intrus@example.org", "Intrus")
		intruder := ts.Client(t)
		mustLogin(t, intruder, "intrus@example.org", goodPassword)
		mustLogin(t, phone, "multi@example.org", goodPassword)
		theirs := endSessionRE.FindStringSubmatch(c.Get("/account").Body)
		mustStatus(t, "intruder", intruder.Post(theirs[1], nil), 303)
		if !signedIn(t, phone) {
			t.Fatal("another account ended this account's session")
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org, err := ts.App.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bourg", Name: "Bourg"})
		if err != nil {
			t.Fatal(err)
		}
		acct, err := ts.App.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: "partir@example.org", DisplayName: "Partante",
			Password: goodPassword, Verified: true, OrgHandle: "bourg", Role: model.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		c, other := ts.Client(t), ts.Client(t)
		mustLogin(t, c, "partir@example.org", goodPassword)
		mustLogin(t, other, "partir@example.org", goodPassword)
		mustStatus(t, "forgot", c.Post("/password/forgot", form("email", "partir@example.org")), 303)
		mailTo(t, ts, "partir@example.org", "Choisissez", 1)
		r := c.Post("/account/delete", form("delete_password", "pas le bon"))
		mustStatus(t, "wrong password", r, 422)
		mustContain(t, "wrong password", r.Body, "Le mot de passe actuel est incorrect")
		if _, err := ts.Store.AccountByID(ctx, acct.ID); err != nil {
			t.Fatal("account deleted despite a wrong password")
		}
		r = c.Post("/account/delete", form("delete_password", goodPassword))
		mustStatus(t, "delete", r, 303)
		if sessionCookie(ts, c) != "" || signedIn(t, other) {
			t.Fatal("sessions survived deletion")
		}
		if _, err := ts.Store.AccountByID(ctx, acct.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("account still there: %v", err)
		}
		if _, err := ts.Store.Membership(ctx, acct.ID, org.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("membership still there: %v", err)
		}
		var tokens int
		if err := ts.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE account_id=$1`, acct.ID).Scan(&tokens); err != nil || tokens != 0 {
			t.Fatalf("%d tokens left (%v)", tokens, err)
		}
		mailTo(t, ts, "partir@example.org", "Votre compte a été supprimé", 1)
		entries, err := ts.Store.AuditOf(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			if e.Action == "account.delete" && e.Target == acct.ID {
				found = true
				if strings.Contains(e.Detail, "@") {
					t.Errorf("audit keeps personal data: %q", e.Detail)
				}
			}
		}
		if !found {
			t.Fatal("no audit entry for the deletion")
		}
		mustStatus(t, "login after deletion", login(t, ts.Client(t), "partir@example.org", goodPassword), 422)
	})
}

func TestLoginThrottling(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "cible@example.org", "Cible")
		c := ts.Client(t)
		for i := 1; i < accounts.AccountFailureLimit; i++ {
			mustStatus(t, "failure", login(t, c, "cible@example.org", "essai au hasard"), 422)
		}
		r := login(t, c, "cible@example.org", "essai au hasard")
		mustStatus(t, "limit reached", r, 429)
		mustContain(t, "throttled", r.Body, "Trop de tentatives de connexion", "réessayez dans 1 minute", "/password/forgot", `value="cible@example.org"`)
		// Even the right password waits: the block is real.
		r = login(t, c, "cible@example.org", goodPassword)
		mustStatus(t, "right password while blocked", r, 429)
		// An unknown address is throttled the same way, so blocking tells
		// nothing about which addresses have accounts.
		for i := 0; i < accounts.AccountFailureLimit; i++ {
			r = login(t, c, "personne@example.org", "essai au hasard")
		}
		mustStatus(t, "unknown address", r, 429)

		// The delay grows: the next failure after the block doubles it.
		ts.Clock.Advance(61 * time.Second)
		r = login(t, c, "cible@example.org", "encore faux")
		mustStatus(t, "second block", r, 429)
		mustContain(t, "second block", r.Body, "réessayez dans 2 minutes")
		ts.Clock.Advance(2*time.Minute + time.Second)
		mustLogin(t, c, "cible@example.org", goodPassword)

		// The owner is never locked out: a reset clears the block.
		other := ts.Client(t)
		for i := 0; i < accounts.AccountFailureLimit; i++ {
			r = login(t, other, "cible@example.org", "essai au hasard")
		}
		mustStatus(t, "blocked again", r, 429)
		mustStatus(t, "forgot", other.Post("/password/forgot", form("email", "cible@example.org")), 303)
		link := mailLink(t, ts, "cible@example.org", "Choisissez", "/password/reset/", 1)
		mustStatus(t, "reset", other.Post(link, form("password", "la clé est sous le paillasson")), 303)
		mustLogin(t, ts.Client(t), "cible@example.org", "la clé est sous le paillasson")
	})
}

func TestLoginThrottlingPerIP(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "victime@example.org", "Victime")
		c := ts.Client(t)
		// Many addresses, few tries each: the per-address limit never
		// triggers, the per-IP one does.
		var r testserver.Response
		for i := 0; i < accounts.IPFailureLimit; i++ {
			r = login(t, c, "essai"+string(rune('a'+i))+"@example.org", "mot de passe au hasard")
		}
		mustStatus(t, "IP limit", r, 429)
		mustStatus(t, "same IP, other account", login(t, c, "victime@example.org", goodPassword), 429)
		ts.Clock.Advance(2 * time.Minute)
		mustLogin(t, c, "victime@example.org", goodPassword)
	})
}

func TestAccountLanguage(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		newAccount(t, ts, "lang@example.org", "Alex")
		c := ts.Client(t) // sends Accept-Language: fr
		mustLogin(t, c, "lang@example.org", goodPassword)
		mustContain(t, "French page", c.Get("/account").Body, `<html lang="fr">`, "Mon compte")
		r := c.Post("/account/profile", form("display_name", "A", "locale", "de"))
		mustStatus(t, "bad profile", r, 422)
		mustContain(t, "bad profile", r.Body, `value="A"`, "Le nom affiché doit compter", "Choisissez le français ou l&#39;anglais")
		mustStatus(t, "profile", c.Post("/account/profile", form("display_name", "Alex Martin", "locale", "en")), 303)
		page := c.Get("/account").Body
		mustContain(t, "English page", page, `<html lang="en">`, "My account", `value="Alex Martin"`, "Your profile is saved.")
		// E-mails go in the recipient's language, whatever the page that
		// asked for them.
		mustStatus(t, "forgot", ts.Client(t).Post("/password/forgot", form("email", "lang@example.org")), 303)
		msg := mailTo(t, ts, "lang@example.org", "Choose a new password", 1)
		mustContain(t, "English e-mail", msg.Text, "Hello Alex Martin")
	})
}

func TestSignupInOutboxMode(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{Outbox: true})
	c := ts.Client(t)
	mustStatus(t, "signup", c.Post("/signup", form("email", "boite@example.org", "display_name", "Boîte", "password", goodPassword)), 303)
	var files []string
	deadline := time.Now().Add(15 * time.Second)
	for len(files) == 0 && time.Now().Before(deadline) {
		files = ts.OutboxFiles(t)
		time.Sleep(30 * time.Millisecond)
	}
	if len(files) != 1 {
		t.Fatalf("%d .eml files in the outbox, want 1", len(files))
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if to := msg.Header.Get("To"); !strings.Contains(to, "boite@example.org") {
		t.Fatalf("To: %q", to)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if !strings.Contains(subject, "Confirmez votre adresse") {
		t.Fatalf("Subject: %q", subject)
	}
	text := plainText(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	link := testserver.Link(t, text, "/verify/")
	mustStatus(t, "verify from outbox", c.Get(link), 200)
}

// plainText returns the text/plain part of a MIME body.
func plainText(t *testing.T, contentType, encoding string, body io.Reader) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				t.Fatal("no text/plain part")
			}
			if s := plainText(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); s != "" {
				return s
			}
		}
	}
	if mt != "text/plain" {
		return ""
	}
	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCleanupRemovesExpiredSessionsAndTokens(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		newAccount(t, ts, "vieux@example.org", "Vieux")
		c := ts.Client(t)
		mustLogin(t, c, "vieux@example.org", goodPassword)
		mustStatus(t, "forgot", c.Post("/password/forgot", form("email", "vieux@example.org")), 303)
		mustStatus(t, "failure", login(t, ts.Client(t), "vieux@example.org", "raté raté raté"), 422)
		org := ts.Org(t, "ville-nettoyee")
		now := ts.App.Now()
		if err := ts.Store.CreateInvitation(ctx, model.Invitation{ID: "inv-1", OrgID: org.ID, Email: "jamais@example.org",
			Role: model.RoleEditor, TokenHash: "h-inv-1", ExpiresAt: now.Add(7 * 24 * time.Hour), CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		count := func(table string) int {
			var n int
			if err := ts.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count("sessions") != 1 || count("tokens") != 1 || count("login_throttle") == 0 {
			t.Fatalf("before: %d sessions, %d tokens, %d throttles", count("sessions"), count("tokens"), count("login_throttle"))
		}
		if err := ts.App.Accounts.CleanupExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if count("sessions") != 1 || count("tokens") != 1 || count("invitations") != 1 {
			t.Fatal("cleanup removed live rows")
		}
		ts.Clock.Advance(accounts.SessionLifetime + time.Hour)
		if err := ts.App.Accounts.CleanupExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if s, tk, th, inv := count("sessions"), count("tokens"), count("login_throttle"), count("invitations"); s != 0 || tk != 0 || th != 0 || inv != 0 {
			t.Fatalf("after: %d sessions, %d tokens, %d throttles, %d invitations", s, tk, th, inv)
		}
	})
}
