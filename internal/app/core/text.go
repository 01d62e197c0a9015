package core

import (
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
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
