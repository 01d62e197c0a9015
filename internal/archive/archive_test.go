package archive_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/archive"
	"github.com/parvis/parvis/internal/model"
)

// TestWriterManifest: every file written is in the manifest with its size
// and SHA-256, the manifest is last and not listed, paths that would leave
// the package or repeat are refused, and the HTML as published points its
// media into the package.
func TestWriterManifest(t *testing.T) {
	var buf bytes.Buffer
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	w := archive.NewWriter(&buf, at)
	if err := w.Guides(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../etc/passwd", "/abs", "a/../b", archive.ManifestName, "README.txt"} {
		if _, err := w.Create(bad); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	published := at
	p := model.ArchivePublication{ID: "p1", Kind: "news", Title: "Travaux <rue>", Revision: 2, State: "published",
		BodyHTML: `<p><img src="/media/org/a.png" srcset="/media/org/a-320.png 320w, /media/org/a.png 640w" alt="x"></p>`, PublishedAt: &published}
	if err := w.JSON("publications/news/p1.json", p); err != nil {
		t.Fatal(err)
	}
	if err := w.PublicationHTML("publications/news/p1.html", archive.Organisation{Name: "Ville"}, p); err != nil {
		t.Fatal(err)
	}
	if err := w.Copy("media/org/a.png", strings.NewReader("png bytes")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(archive.Manifest{Organisation: archive.Organisation{Handle: "ville"}}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	contents := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		contents[f.Name] = b
		order = append(order, f.Name)
	}
	if order[len(order)-1] != archive.ManifestName {
		t.Errorf("manifest not last: %v", order)
	}
	var m archive.Manifest
	if err := json.Unmarshal(contents[archive.ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	if m.Format != "parvis-archive" || m.FormatVersion != archive.FormatVersion || len(m.Files) != len(order)-1 || m.MissingMedia == nil {
		t.Fatalf("manifest: %+v", m)
	}
	for _, f := range m.Files {
		sum := sha256.Sum256(contents[f.Path])
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(contents[f.Path])) != f.Size {
			t.Errorf("%s: manifest %d %s, file %d %x", f.Path, f.Size, f.SHA256, len(contents[f.Path]), sum)
		}
	}
	page := string(contents["publications/news/p1.html"])
	if !strings.Contains(page, `src="../../media/org/a.png"`) || !strings.Contains(page, `, ../../media/org/a.png 640w`) ||
		!strings.Contains(page, "<h1>Travaux &lt;rue&gt;</h1>") {
		t.Errorf("HTML as published: %s", page)
	}
}
