package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// cli runs the parvis command line as main does, with stdin.
func cli(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	if err != nil {
		t.Logf("parvis %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), err
}

// TestOrgAndUserCreateBesideARunningServer runs `parvis org create` and
// `parvis user create` on the database of a running server (SQLite file and
// PostgreSQL schema), checks their clear refusals, and that the server sees
// the result at once.
func TestOrgAndUserCreateBesideARunningServer(t *testing.T) {
	t.Setenv("LANG", "en_GB.UTF-8") // messages in English; no t.Parallel with Setenv
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ts := testserver.Start(t, testserver.Options{Engine: engine})
			db := []string{"--data", ts.Data, "--log-level", "warn"}
			if engine == store.Postgres {
				db = append(db, "--database", ts.Store.DSN())
			}
			args := func(a ...string) []string { return append(a, db...) }

			out, err := cli(t, "", args("org", "create", "--handle", "bellerive", "--name", "Ville de Bellerive-sur-Loire")...)
			if err != nil || !strings.Contains(out, "created organisation bellerive") {
				t.Fatalf("org create: %q, %v", out, err)
			}
			if r := ts.Client(t).Get("/bellerive/"); r.Status != 200 || !strings.Contains(r.Body, "Ville de Bellerive-sur-Loire") {
				t.Fatalf("the running server does not see the new organisation: %d", r.Status)
			}
			if _, err := cli(t, "", args("org", "create", "--handle", "bellerive", "--name", "Autre")...); err == nil ||
				!strings.Contains(err.Error(), "--handle:") || !strings.Contains(err.Error(), "already used") {
				t.Fatalf("duplicate handle: %v", err)
			}
			if _, err := cli(t, "", args("org", "create", "--handle", "admin", "--name", "X")...); err == nil || !strings.Contains(err.Error(), "reserved") {
				t.Fatalf("reserved handle: %v", err)
			}
			if _, err := cli(t, "", args("org", "create", "--handle", "val-de-loire", "--name", "CC", "--kind", "canton")...); err == nil || !strings.Contains(err.Error(), "--kind:") {
				t.Fatalf("bad kind: %v", err)
			}

			user := func(stdin string, extra ...string) (string, error) {
				return cli(t, stdin, args(append([]string{"user", "create", "--email", "karim@bellerive.test", "--name", "Karim Benali", "--password-stdin"}, extra...)...)...)
			}
			if _, err := user("court\n", "--org", "bellerive", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "--password:") || !strings.Contains(err.Error(), "12 characters") {
				t.Fatalf("weak password: %v", err)
			}
			if _, err := user("une phrase de passe assez longue\n", "--org", "nowhere", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "--org:") {
				t.Fatalf("unknown organisation: %v", err)
			}
			if _, err := user("une phrase de passe assez longue\n", "--org", "bellerive", "--role", "boss"); err == nil || !strings.Contains(err.Error(), "--role:") {
				t.Fatalf("unknown role: %v", err)
			}
			if _, err := ts.Store.AccountByEmail(t.Context(), "karim@bellerive.test"); err == nil {
				t.Fatal("a refused command left an account behind")
			}
			out, err = user("une phrase de passe assez longue\n", "--org", "bellerive", "--role", "agent")
			if err != nil || !strings.Contains(out, "created account karim@bellerive.test, agent of bellerive") {
				t.Fatalf("user create: %q, %v", out, err)
			}
			if _, err := user("une phrase de passe assez longue\n"); err == nil || !strings.Contains(err.Error(), "--email:") {
				t.Fatalf("duplicate e-mail: %v", err)
			}
			acct, err := ts.Store.AccountByEmail(t.Context(), "karim@bellerive.test")
			if err != nil || !acct.Verified() {
				t.Fatalf("account: %+v, %v", acct, err)
			}
			org, _ := ts.Store.OrganisationByHandle(t.Context(), "bellerive")
			if m, err := ts.Store.Membership(t.Context(), acct.ID, org.ID); err != nil || m.Role != model.RoleAgent {
				t.Fatalf("membership: %+v, %v", m, err)
			}
			if err := ts.App.Passwords.Verify(acct.PasswordHash, "une phrase de passe assez longue"); err != nil {
				t.Fatal("the password read from stdin does not verify")
			}
			c := ts.Client(t)
			ts.LoginAs(t, c, "karim@bellerive.test")
			if r := c.Get("/admin/bellerive/"); r.Status != 200 {
				t.Fatalf("staff area on the running server = %d", r.Status)
			}
		})
	}
}
