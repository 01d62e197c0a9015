package core

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/markdown"
	"github.com/parvis/parvis/internal/model"
	"golang.org/x/text/unicode/norm"
)

// AccountLang is the language of e-mails to acct: its own choice, else the
// language of the page it acted from, else French.
func AccountLang(acct model.Account, fallback string) string {
	if i18n.Supported(acct.Locale) {
		return acct.Locale
	}
	if i18n.Supported(fallback) {
		return fallback
	}
	return i18n.Default
}

// LangOr is l, or the default language when l is empty (a message to
// someone whose language is not known).
func LangOr(l string) string {
	if l == "" {
		return i18n.Default
	}
	return l
}

// Excerpt shortens text to at most n runes, for notifications and lists.
func Excerpt(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// Lines splits a form's text into its non-blank lines, trimmed: one rule,
// word or item per line.
func Lines(text string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Slugify makes an ASCII, lower-case, hyphenated slug: "État civil" → "etat-civil".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// accents dropped: "é" is "e" + combining acute after NFD
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == 'œ':
			b.WriteString("oe")
			dash = false
		case r == 'æ':
			b.WriteString("ae")
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 60 {
		out = strings.TrimSuffix(out[:60], "-")
	}
	return out
}

// TooLong reports whether s exceeds n characters.
func TooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// RenderBody renders a publication or newsletter body, a text over the Markdown limits (nesting,
// links in one paragraph, size) being the body field's error.
func RenderBody(src string, sizes markdown.ImageSizes) (markdown.Result, error) {
	r, err := markdown.RenderWithImages(src, sizes)
	var le *markdown.LimitError
	if errors.As(err, &le) {
		return r, &model.FieldError{Field: "body", Code: "pub.error." + le.Code}
	}
	return r, err
}
