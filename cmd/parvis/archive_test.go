package main

import (
	"archive/zip"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/archive"
	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestArchiveCommands: `parvis archive export` writes the demo's package
// with the chain head in its manifest; `parvis archive verify` holds, then
// names the row a direct UPDATE changed and fails; a row inserted behind
// the application is unchained until `parvis archive backfill` links it.
func TestArchiveCommands(t *testing.T) {
	t.Setenv("LANG", "en_GB.UTF-8")
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ts := testserver.Start(t, testserver.Options{Engine: engine})
			if _, err := demo.Seed(t.Context(), ts.App); err != nil {
				t.Fatal(err)
			}
			db := []string{"--data", ts.Data, "--log-level", "warn"}
			if engine == store.Postgres {
				db = append(db, "--database", ts.Store.DSN())
			}
			args := func(a ...string) []string { return append(a, db...) }
			out := filepath.Join(t.TempDir(), "bellerive.zip")
			year := ts.App.Now().Format("2006")
			if _, err := cli(t, "", args("archive", "export", "--org", "bellerive", "--from", year+"-01-01", "--to", year+"-12-31", "--out", out)...); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.OpenReader(out)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			f, err := zr.Open(archive.ManifestName)
			if err != nil {
				t.Fatal(err)
			}
			var m archive.Manifest
			if err := json.NewDecoder(f).Decode(&m); err != nil || m.ChainHead.Seq == 0 || m.Counts["publications"] == 0 {
				t.Fatalf("manifest %+v: %v", m, err)
			}
			if _, err := cli(t, "", args("archive", "export", "--org", "bellerive", "--from", year+"-12-31", "--to", year+"-01-01", "--out", out)...); err == nil ||
				!strings.Contains(err.Error(), "--to: The end of the period") {
				t.Fatalf("period backwards: %v", err)
			}

			if o, err := cli(t, "", args("archive", "verify", "--org", "bellerive")...); err != nil || !strings.Contains(o, "holds") {
				t.Fatalf("verify: %q %v", o, err)
			}
			var id string
			if err := ts.Store.DB().QueryRow(`SELECT r.id FROM comment_revisions r ORDER BY r.id LIMIT 1`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if _, err := ts.Store.DB().Exec(`UPDATE comment_revisions SET body = 'texte réécrit' WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			if _, err := cli(t, "", args("archive", "verify", "--org", "bellerive")...); err == nil ||
				!strings.Contains(err.Error(), "comment_revision "+id+" (changed)") {
				t.Fatalf("verify after tampering: %v", err)
			}
		})
	}
}

// TestArchiveBackfill: rows older than the history are reported unchained,
// linked by the backfill, and the history then holds.
func TestArchiveBackfill(t *testing.T) {
	t.Setenv("LANG", "en_GB.UTF-8")
	ts := testserver.Start(t, testserver.Options{Engine: store.SQLite})
	org := ts.Org(t, "bellerive")
	db := []string{"--data", ts.Data, "--log-level", "warn"}
	if _, err := ts.Store.DB().Exec(`INSERT INTO audit_log (id, org_id, actor_id, action, target, detail, created_at)
		VALUES ('old-entry', $1, '', 'org.create', '', '', $2)`, org.ID, ts.App.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, "", append([]string{"archive", "verify", "--org", "bellerive"}, db...)...); err == nil ||
		!strings.Contains(err.Error(), "audit old-entry (unchained)") {
		t.Fatalf("verify before backfill: %v", err)
	}
	if o, err := cli(t, "", append([]string{"archive", "backfill", "--org", "bellerive"}, db...)...); err != nil || !strings.Contains(o, "rows linked in the history of bellerive: 1") {
		t.Fatalf("backfill: %q %v", o, err)
	}
	if o, err := cli(t, "", append([]string{"archive", "verify", "--org", "bellerive"}, db...)...); err != nil || !strings.Contains(o, "holds") {
		t.Fatalf("verify after backfill: %q %v", o, err)
	}
	// The instance's own history: audit entries of no organisation.
	if err := ts.Store.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.Audit(t.Context(), model.AuditEntry{ID: "instance-entry", Action: "account.delete", CreatedAt: ts.App.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	if o, err := cli(t, "", append([]string{"archive", "verify", "--instance"}, db...)...); err != nil || !strings.Contains(o, "history of the instance holds") {
		t.Fatalf("verify --instance: %q %v", o, err)
	}
	if _, err := ts.Store.DB().Exec(`UPDATE audit_log SET detail = 'changed' WHERE id = 'instance-entry'`); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, "", append([]string{"archive", "verify", "--instance"}, db...)...); err == nil || !strings.Contains(err.Error(), "audit instance-entry (changed)") {
		t.Fatalf("verify --instance after tampering: %v", err)
	}
	if _, err := cli(t, "", append([]string{"archive", "verify"}, db...)...); err == nil || !strings.Contains(err.Error(), "give --org") {
		t.Fatalf("verify without --org: %v", err)
	}
}
