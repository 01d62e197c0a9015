// Package personaldata writes the archive a resident downloads to exercise
// their rights of access and portability (RGPD art. 15 and 20): the same
// data twice, as JSON for another service to read and as one HTML page for
// the person to read, in a ZIP. The HTML page is self-contained (no link to
// the site, no script) so that it opens offline years later.
package personaldata

import (
	"archive/zip"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Names of the files in the archive; the README of the archive (the HTML
// page) says what each one is.
const (
	JSONName = "donnees.json"
	HTMLName = "donnees.html"
)

//go:embed page.html
var pageSource string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"t":    func(tr Translate, key string) string { return tr(key) },
	"when": func(t time.Time) string { return t.UTC().Format("02/01/2006 15:04 UTC") },
	"whenp": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("02/01/2006 15:04 UTC")
	},
}).Parse(pageSource))

// Translate returns the text of a catalogue key in the person's language.
type Translate func(key string) string

// WriteZIP writes the archive of d to w.
func WriteZIP(w io.Writer, d model.PersonalData, lang string, tr Translate) error {
	zw := zip.NewWriter(w)
	header := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: d.GeneratedAt})
	}
	jw, err := header(JSONName)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("personal data: json: %w", err)
	}
	hw, err := header(HTMLName)
	if err != nil {
		return err
	}
	if err := page.Execute(hw, struct {
		D    model.PersonalData
		Lang string
		T    Translate
	}{d, lang, tr}); err != nil {
		return fmt.Errorf("personal data: html: %w", err)
	}
	return zw.Close()
}
