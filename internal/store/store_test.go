package store_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
)

// columns lists table.column pairs of our own schema (not goose's or River's).
func columns(t *testing.T, s *store.Store) []string {
	t.Helper()
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type='table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'goose_%' AND m.name NOT LIKE 'river_%'
		-- FTS5's virtual table and its shadow tables exist only on SQLite; PostgreSQL indexes
		-- publication_search with GIN instead (see migration 00040).
		AND m.name NOT LIKE 'publication_search_fts%'`
	if s.Engine() == store.Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose_%' AND table_name NOT LIKE 'river_%'`
	}
	rows, err := s.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func TestSchemaParity(t *testing.T) {
	lite := columns(t, storetest.SQLite(t))
	pg := columns(t, storetest.Postgres(t))
	if len(lite) < 20 {
		t.Fatalf("suspiciously few columns on SQLite: %d", len(lite))
	}
	if strings.Join(lite, "\n") != strings.Join(pg, "\n") {
		t.Fatalf("schemas differ\nsqlite only: %v\npostgres only: %v", minus(lite, pg), minus(pg, lite))
	}
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func TestAccountsAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		a := model.Account{ID: "a1", Email: "marie@example.fr", DisplayName: "Marie", PasswordHash: "h", CreatedAt: now, UpdatedAt: now}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		dup := a
		dup.ID = "a2"
		if err := s.CreateAccount(ctx, dup); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("duplicate e-mail: got %v, want ErrConflict", err)
		}
		if _, err := s.AccountByEmail(ctx, "nobody@example.fr"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown e-mail: got %v, want ErrNotFound", err)
		}
		sess := model.Session{IDHash: "h1", AccountID: "a1", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		got, acct, err := s.SessionAccount(ctx, "h1", now)
		if err != nil {
			t.Fatal(err)
		}
		if acct.Email != a.Email || acct.Verified() || !got.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Fatalf("session account = %+v, %+v", got, acct)
		}
		if _, _, err := s.SessionAccount(ctx, "h1", now.Add(2*time.Hour)); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("expired session: got %v", err)
		}
		// A transaction that fails leaves nothing behind.
		boom := errors.New("boom")
		err = s.InTx(ctx, func(tx *store.Tx) error {
			b := a
			b.ID, b.Email = "a3", "paul@example.fr"
			if err := tx.CreateAccount(ctx, b); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v", err)
		}
		if _, err := s.AccountByID(ctx, "a3"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("rolled-back account exists: %v", err)
		}
		// Tokens are single-use even when used twice.
		tok := model.Token{Hash: "t1", AccountID: "a1", Purpose: model.TokenVerifyEmail, ExpiresAt: now.Add(time.Hour), CreatedAt: now}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := s.UseToken(ctx, "t1", now); err != nil {
			t.Fatal(err)
		}
		if err := s.UseToken(ctx, "t1", now); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("second use: %v", err)
		}
	})
}

func TestMembershipsAreScopedToTheOrganisation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		for _, h := range []string{"ville-a", "ville-b"} {
			if err := s.CreateOrganisation(ctx, model.Organisation{ID: h, Handle: h, Name: h, Kind: model.KindCommune, CreatedAt: now, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateOrganisation(ctx, model.Organisation{ID: "x", Handle: "ville-a", Name: "x", Kind: model.KindCommune, CreatedAt: now, UpdatedAt: now}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("duplicate handle: %v", err)
		}
		if err := s.CreateService(ctx, model.Service{ID: "svc-b", OrgID: "ville-b", Name: "Voirie", Slug: "voirie", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccount(ctx, model.Account{ID: "a1", Email: "agent@example.fr", DisplayName: "Agent", PasswordHash: "h", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		// A service of another organisation cannot be attached.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.PutMembership(ctx, model.Membership{AccountID: "a1", OrgID: "ville-a", Role: model.RoleAgent, ServiceIDs: []string{"svc-b"}, CreatedAt: now})
		})
		if !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("cross-organisation service: %v", err)
		}
		if _, err := s.Membership(ctx, "a1", "ville-a"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("half-written membership left: %v", err)
		}
		if err := s.PutMembership(ctx, model.Membership{AccountID: "a1", OrgID: "ville-b", Role: model.RoleAgent, ServiceIDs: []string{"svc-b"}, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		m, err := s.Membership(ctx, "a1", "ville-b")
		if err != nil || m.Role != model.RoleAgent || len(m.ServiceIDs) != 1 || m.ServiceIDs[0] != "svc-b" {
			t.Fatalf("membership = %+v, %v", m, err)
		}
	})
}
