// Package i18n holds the interface's message catalogues (French first, then
// English) and picks a reader's language. Handlers and templates never carry
// user-facing strings: they name a key.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"golang.org/x/text/language"
)

//go:embed catalogues/*.json
var files embed.FS

// Default is the language used when nothing else is known.
const Default = "fr"

// Langs lists the supported languages, default first.
var Langs = []string{"fr", "en"}

// Catalogue maps language → key → message. Messages use fmt verbs (%s, %d).
type Catalogue struct {
	msgs    map[string]map[string]string
	matcher language.Matcher
}

// Load reads every embedded catalogue. Each catalogue is a JSON object of
// key → message; keys may be spread over several files per language
// (catalogues/fr.json, catalogues/fr-publishing.json…), so that features keep
// their own messages together.
func Load() (*Catalogue, error) {
	c := &Catalogue{msgs: map[string]map[string]string{}}
	entries, err := fs.ReadDir(files, "catalogues")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		lang, _, _ := strings.Cut(name, "-")
		raw, err := files.ReadFile(path.Join("catalogues", e.Name()))
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", e.Name(), err)
		}
		if c.msgs[lang] == nil {
			c.msgs[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return nil, fmt.Errorf("catalogue %s: key %q defined twice", e.Name(), k)
			}
			c.msgs[lang][k] = v
		}
	}
	tags := make([]language.Tag, len(Langs))
	for i, l := range Langs {
		tags[i] = language.Make(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// T returns the message for key in lang, falling back to French, then to the
// key itself (a test checks that no key is missing).
func (c *Catalogue) T(lang, key string, args ...any) string {
	msg, ok := c.msgs[lang][key]
	if !ok {
		msg, ok = c.msgs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N returns the message for a count n: key+".one" or key+".other" by the
// language's plural rule (French treats 0 and 1 as singular, English only
// 1), formatted with args, or with n alone when there are none. A key with
// no plural forms is used as is, so "%d élément(s)" never has to appear in
// a catalogue again.
func (c *Catalogue) N(lang, key string, n int, args ...any) string {
	if len(args) == 0 {
		args = []any{n}
	}
	form := key + ".other"
	if singular(lang, n) {
		form = key + ".one"
	}
	if c.Has(lang, form) || c.Has(Default, form) {
		return c.T(lang, form, args...)
	}
	if msg := c.T(lang, key); !strings.ContainsRune(msg, '%') {
		return msg
	}
	return c.T(lang, key, args...)
}

// singular is CLDR's "one" category for the languages Parvis speaks.
func singular(lang string, n int) bool {
	if lang == "fr" {
		return n == 0 || n == 1
	}
	return n == 1
}

// Has reports whether key exists in lang.
func (c *Catalogue) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys returns every key of lang.
func (c *Catalogue) Keys(lang string) []string {
	out := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	return out
}

// Negotiate picks a supported language from an Accept-Language header.
func (c *Catalogue) Negotiate(acceptLanguage string) string {
	if acceptLanguage == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Langs[idx]
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}
