package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/parvis/parvis/internal/i18n"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// Templates renders the messages Parvis sends. Each message NAME is defined in
// templates/*.tmpl as three blocks: NAME.subject, NAME.text and NAME.html;
// their words come from the i18n catalogues through the `t` function.
type Templates struct {
	cat  *i18n.Catalogue
	text *texttemplate.Template
	html *htmltemplate.Template
}

// LoadTemplates parses the embedded templates once, at start-up.
func LoadTemplates(cat *i18n.Catalogue) (*Templates, error) {
	// `t` is replaced per render with the recipient's language.
	tfuncs := texttemplate.FuncMap{"t": func(string, ...any) string { return "" }, "tn": func(string, int, ...any) string { return "" }}
	hfuncs := htmltemplate.FuncMap{"t": func(string, ...any) string { return "" }, "tn": func(string, int, ...any) string { return "" }}
	text, err := texttemplate.New("mail").Funcs(tfuncs).ParseFS(templateFiles, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail templates (text): %w", err)
	}
	html, err := htmltemplate.New("mail").Funcs(hfuncs).ParseFS(templateFiles, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail templates (html): %w", err)
	}
	return &Templates{cat: cat, text: text, html: html}, nil
}

// Rendered is a message's subject and bodies.
type Rendered struct{ Subject, Text, HTML string }

// Render executes NAME for lang with data.
func (t *Templates) Render(name, lang string, data any) (Rendered, error) {
	tr := func(key string, args ...any) string { return t.cat.T(lang, key, args...) }
	trn := func(key string, n int, args ...any) string { return t.cat.N(lang, key, n, args...) }
	var r Rendered
	text, err := t.text.Clone()
	if err != nil {
		return r, err
	}
	text.Funcs(texttemplate.FuncMap{"t": tr, "tn": trn})
	html, err := t.html.Clone()
	if err != nil {
		return r, err
	}
	html.Funcs(htmltemplate.FuncMap{"t": tr, "tn": trn})
	var b bytes.Buffer
	if err := text.ExecuteTemplate(&b, name+".subject", data); err != nil {
		return r, fmt.Errorf("render %s subject: %w", name, err)
	}
	r.Subject = strings.TrimSpace(b.String())
	b.Reset()
	if err := text.ExecuteTemplate(&b, name+".text", data); err != nil {
		return r, fmt.Errorf("render %s text: %w", name, err)
	}
	r.Text = strings.TrimSpace(b.String()) + "\n"
	b.Reset()
	var body bytes.Buffer
	if err := html.ExecuteTemplate(&body, name+".html", data); err != nil {
		return r, fmt.Errorf("render %s html: %w", name, err)
	}
	if err := html.ExecuteTemplate(&b, "layout.html", struct {
		Lang string
		Body htmltemplate.HTML
	}{lang, htmltemplate.HTML(body.String())}); err != nil { // body was escaped by its own template
		return r, fmt.Errorf("render layout: %w", err)
	}
	r.HTML = b.String()
	return r, nil
}
