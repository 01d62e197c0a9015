package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/archive"
	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// unzipArchive reads a package and checks it against its manifest: every
// file listed has the size and SHA-256 given, and every file is listed.
func unzipArchive(t *testing.T, body string) (archive.Manifest, map[string][]byte) {
	t.Helper()
	files := unzip(t, body)
	var m archive.Manifest
	if err := json.Unmarshal(files[archive.ManifestName], &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if len(m.Files) != len(files)-1 {
		t.Errorf("manifest lists %d files, the ZIP holds %d besides it", len(m.Files), len(files)-1)
	}
	for _, f := range m.Files {
		b, ok := files[f.Path]
		sum := sha256.Sum256(b)
		if !ok || int64(len(b)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s: in the ZIP %t, %d bytes, sha256 %x; manifest says %d bytes, %s", f.Path, ok, len(b), sum, f.Size, f.SHA256)
		}
	}
	return m, files
}

// An administrator of the demo commune downloads the archives package of
// the year from the staff area: publications with every revision and
// transition and the HTML as published, comments with their earlier texts,
// the moderation decision with its reasons and appeal, the audit log and
// the media, each file as the manifest says. Bad dates come back in French
// beside the field; a period with nothing in it gives an empty package; a
// manager may not export; each export is in the journal.
func TestArchivesExportFromTheStaffArea(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		if _, err := demo.Seed(t.Context(), ts.App); err != nil {
			t.Fatal(err)
		}
		admin := ts.Client(t)
		ts.LoginAs(t, admin, "admin@bellerive.example")
		page := admin.Get("/admin/bellerive/archives")
		if page.Status != 200 || !strings.Contains(page.Body, "Versement aux archives") {
			t.Fatalf("archives page: %d %.300s", page.Status, page.Body)
		}
		bad := admin.Post("/admin/bellerive/archives", url.Values{"from": {"2026-13-45"}, "to": {"2026-01-01"}})
		if bad.Status != 422 || !strings.Contains(bad.Body, "Saisissez une date au format AAAA-MM-JJ") ||
			!strings.Contains(bad.Body, `value="2026-13-45"`) || !strings.Contains(bad.Body, `aria-invalid="true"`) {
			t.Fatalf("bad date: %d %.2000s", bad.Status, bad.Body)
		}
		backwards := admin.Post("/admin/bellerive/archives", url.Values{"from": {"2026-03-01"}, "to": {"2026-02-01"}})
		if backwards.Status != 422 || !strings.Contains(backwards.Body, "La fin de la période doit être") {
			t.Fatalf("period backwards: %d", backwards.Status)
		}

		year := ts.App.Now().Year()
		from, to := yearDay(year-1, "01-01"), yearDay(year+1, "12-31")
		res := admin.Post("/admin/bellerive/archives", url.Values{"from": {from}, "to": {to}})
		if res.Status != 200 || res.Header.Get("Content-Type") != "application/zip" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "archives-bellerive-"+from+"-"+to+".zip") {
			t.Fatalf("download: %d %v", res.Status, res.Header)
		}
		m, files := unzipArchive(t, res.Body)
		if m.Organisation.Handle != "bellerive" || m.FormatVersion != archive.FormatVersion || m.ChainHead.Seq == 0 || len(m.ChainHead.Hash) != 64 {
			t.Fatalf("manifest: %+v", m)
		}
		for _, what := range []string{"publications", "publications.news", "publications.event", "comments", "moderation_decisions", "audit_entries", "media"} {
			if m.Counts[what] == 0 {
				t.Errorf("no %s in the package: %v", what, m.Counts)
			}
		}
		checkArchiveRecords(t, files)

		empty := admin.Post("/admin/bellerive/archives", url.Values{"from": {"2001-01-01"}, "to": {"2001-12-31"}})
		if m, files := unzipArchive(t, empty.Body); len(m.Counts) != 0 || len(files) != 4 || string(files["audit/journal.json"]) != "[\n]\n" {
			t.Errorf("a period with nothing: counts %v, %d files", m.Counts, len(files))
		}

		manager := ts.Client(t)
		ts.LoginAs(t, manager, "communication@bellerive.example")
		if r := manager.Post("/admin/bellerive/archives", url.Values{"from": {from}, "to": {to}}); r.Status != 403 {
			t.Errorf("a manager exports: %d", r.Status)
		}
		org := ts.Org(t, "bellerive")
		exports := 0
		rows, err := ts.App.Organisations.Journal(t.Context(), ts.Account(t, "admin@bellerive.example").ID, org.ID, "", 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Action == "archive.export" {
				exports++
			}
		}
		if exports != 2 {
			t.Errorf("%d exports in the journal, want 2 (the refused ones are not exports)", exports)
		}
		rep, err := ts.Store.VerifyChain(t.Context(), org.ID)
		if err != nil || rep.Break != nil {
			t.Fatalf("history after the demo and the exports: %+v %v", rep.Break, err)
		}
	})
}

func yearDay(year int, day string) string { return fmt.Sprintf("%d-%s", year, day) }

// checkArchiveRecords reads the records of a package: a publication revised
// after publication has both versions, its transitions and its HTML; an
// edited comment keeps its earlier text; the decision carries its reasons.
func checkArchiveRecords(t *testing.T, files map[string][]byte) {
	t.Helper()
	var revised, edited, decided, asPublished bool
	for name, b := range files {
		switch {
		case strings.HasPrefix(name, "publications/") && strings.HasSuffix(name, ".json"):
			var p model.ArchivePublication
			if err := json.Unmarshal(b, &p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !strings.HasPrefix(name, "publications/"+p.Kind+"/") || len(p.Revisions) == 0 || p.Revisions[len(p.Revisions)-1].Revision != p.Revision {
				t.Errorf("%s: kind %s, %d revisions, at %d", name, p.Kind, len(p.Revisions), p.Revision)
			}
			if len(p.Revisions) > 1 && len(p.Transitions) > 0 {
				revised = true
			}
			if p.PublishedAt != nil {
				page := string(files[strings.TrimSuffix(name, ".json")+".html"])
				if !strings.Contains(page, "<h1>"+html.EscapeString(p.Title)+"</h1>") {
					t.Errorf("%s: no HTML as published", name)
				}
				asPublished = true
			}
			for _, path := range p.Media {
				if _, ok := files[path]; !ok {
					t.Errorf("%s refers to %s, not in the package", name, path)
				}
			}
		case strings.HasPrefix(name, "comments/"):
			var c model.ArchiveComment
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(c.Revisions) > 0 && c.Revisions[0].Body != c.Body {
				edited = true
			}
		case strings.HasPrefix(name, "moderation/"):
			var d model.ArchiveDecision
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if d.RuleText != "" && d.Note != "" && d.Appeal != nil {
				decided = true
			}
		}
	}
	if !revised || !edited || !decided || !asPublished {
		t.Errorf("revised publication %t, edited comment %t, decision with reasons and appeal %t, HTML %t", revised, edited, decided, asPublished)
	}
	var audit []model.ArchiveAuditEntry
	if err := json.Unmarshal(files["audit/journal.json"], &audit); err != nil || len(audit) == 0 {
		t.Errorf("audit journal: %d entries, %v", len(audit), err)
	}
}
