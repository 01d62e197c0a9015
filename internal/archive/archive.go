// Package archive writes the package an organisation hands to its archives
// service (docs/ARCHIVES.md): a ZIP of JSON records, the HTML as published,
// the media, a reader's guide and a manifest giving the size and SHA-256 of
// every file. It streams: each file is written and hashed as it comes, so an
// export of a large organisation never sits whole in memory. It knows
// nothing of the database; app/archives feeds it.
package archive

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// FormatVersion is the version of the documented format; a reader checks
// it before anything else.
const FormatVersion = 1

// ManifestName is the manifest's path in the package: written last, it is
// the one file the manifest does not list.
const ManifestName = "manifest.json"

// File is one file of the package as the manifest lists it.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Organisation names the organisation the package comes from.
type Organisation struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

// ChainHead is the last link of the organisation's tamper-evident history
// when the export began: keeping it proves later that nothing before it
// changed (`parvis archive verify`).
type ChainHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Manifest describes the package.
type Manifest struct {
	Format        string              `json:"format"`
	FormatVersion int                 `json:"format_version"`
	Generator     string              `json:"generator"`
	Organisation  Organisation        `json:"organisation"`
	Period        model.ArchivePeriod `json:"period"`
	GeneratedAt   time.Time           `json:"generated_at"`
	ChainHead     ChainHead           `json:"chain_head"`
	Counts        map[string]int      `json:"counts"`
	MissingMedia  []string            `json:"missing_media"`
	Files         []File              `json:"files"`
}

// Generator names the program and version that wrote a package.
func Generator() string {
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	return "parvis " + v
}

// Writer writes a package. Create each file, then Close with the manifest.
type Writer struct {
	zw       *zip.Writer
	modified time.Time
	files    []File
	seen     map[string]bool
	open     *entry
}

type entry struct {
	path string
	w    io.Writer
	h    hash.Hash
	n    int64
}

func (e *entry) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	e.h.Write(p[:n])
	e.n += int64(n)
	return n, err
}

// NewWriter starts a package on w; every file is dated at.
func NewWriter(w io.Writer, at time.Time) *Writer {
	return &Writer{zw: zip.NewWriter(w), modified: at, seen: map[string]bool{}}
}

// Create starts the file at name (a slash-separated relative path) and
// returns where to write it; the previous file is finished.
func (w *Writer) Create(name string) (io.Writer, error) {
	clean := path.Clean(name)
	if clean != name || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "../") || name == ManifestName {
		return nil, fmt.Errorf("archive: bad path %q", name)
	}
	if w.seen[name] {
		return nil, fmt.Errorf("archive: %s written twice", name)
	}
	w.finish()
	zf, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.modified})
	if err != nil {
		return nil, fmt.Errorf("archive: %s: %w", name, err)
	}
	w.seen[name] = true
	w.open = &entry{path: name, w: zf, h: sha256.New()}
	return w.open, nil
}

// Has reports whether name was written already.
func (w *Writer) Has(name string) bool { return w.seen[name] }

func (w *Writer) finish() {
	if w.open == nil {
		return
	}
	w.files = append(w.files, File{Path: w.open.path, Size: w.open.n, SHA256: hex.EncodeToString(w.open.h.Sum(nil))})
	w.open = nil
}

// JSON writes v, indented, as the file name.
func (w *Writer) JSON(name string, v any) error {
	f, err := w.Create(name)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("archive: %s: %w", name, err)
	}
	return nil
}

// Copy writes what r holds as the file name.
func (w *Writer) Copy(name string, r io.Reader) error {
	f, err := w.Create(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		return fmt.Errorf("archive: %s: %w", name, err)
	}
	return nil
}

// Close writes the manifest, listing every file written, and ends the ZIP.
func (w *Writer) Close(m Manifest) error {
	w.finish()
	m.Format, m.FormatVersion = "parvis-archive", FormatVersion
	if m.Generator == "" {
		m.Generator = Generator()
	}
	m.Files = w.files
	if m.MissingMedia == nil {
		m.MissingMedia = []string{}
	}
	zf, err := w.zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: w.modified})
	if err != nil {
		return fmt.Errorf("archive: manifest: %w", err)
	}
	enc := json.NewEncoder(zf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("archive: manifest: %w", err)
	}
	return w.zw.Close()
}
