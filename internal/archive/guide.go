package archive

import (
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
)

//go:embed LISEZMOI.html
var guideFR string

//go:embed README.txt
var guideEN string

// Guides writes the reader's guides (French first, then English), the
// first files of a package so that the manifest lists them.
func (w *Writer) Guides() error {
	for _, g := range [][2]string{{"LISEZMOI.html", guideFR}, {"README.txt", guideEN}} {
		if err := w.Copy(g[0], strings.NewReader(g[1])); err != nil {
			return err
		}
	}
	return nil
}

//go:embed publication.html
var publicationSource string

var publicationPage = template.Must(template.New("publication").Funcs(template.FuncMap{
	"iso": func(t *time.Time) string { return t.UTC().Format(time.RFC3339) },
	"day": func(t *time.Time) string { return dates.DayFR(*t) },
}).Parse(publicationSource))

// PublicationHTML writes the publication as published at name: a page of
// its own, with links to media rewritten to the package's media/ folder
// (name is two folders deep) so that it reads offline.
func (w *Writer) PublicationHTML(name string, org Organisation, p model.ArchivePublication) error {
	f, err := w.Create(name)
	if err != nil {
		return err
	}
	// body_html was sanitised when it was rendered (package markdown).
	body := strings.NewReplacer(`"/media/`, `"../../media/`, `, /media/`, `, ../../media/`).Replace(p.BodyHTML)
	err = publicationPage.Execute(f, struct {
		Org  Organisation
		P    model.ArchivePublication
		Body template.HTML
	}{org, p, template.HTML(body)}) //nolint:gosec // sanitised at rendering
	if err != nil {
		return fmt.Errorf("archive: %s: %w", name, err)
	}
	return nil
}
