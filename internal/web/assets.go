package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// Assets serves the embedded static files under URLs that carry a hash of
// their content, so browsers may cache them for a year.
type Assets struct {
	byName map[string]string // "parvis.css" → "/static/parvis.3f2a9c1b.css"
	byURL  map[string]asset
}

type asset struct {
	body        []byte
	contentType string
}

func loadAssets() (*Assets, error) {
	a := &Assets{byName: map[string]string{}, byURL: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		a.byName[name] = url
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byURL[url] = asset{body: body, contentType: ct}
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a static file ("" if unknown).
func (a *Assets) URL(name string) string { return a.byName[name] }

// ServeHTTP serves a hashed static URL.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(f.body)
}
