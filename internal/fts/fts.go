// Package fts prepares French text for full-text search: it folds case and
// accents, splits words, drops the most common stop words and reduces words
// to a stem with a light French stemmer, so that "École" and "ecoles", or
// "inscriptions" and "inscription", meet. The same functions are applied to
// indexed text and to queries (SQLite's FTS5 has no French stemmer; we store
// stemmed text in it). It also builds search-result snippets with the
// matching words highlighted, HTML-escaped. Pure functions, no I/O.
package fts

import (
	"html"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases w and removes diacritics ("École" → "ecole", "œuvre" →
// "oeuvre").
func Fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isWordRune tells which characters make words: letters and digits. An
// apostrophe splits "l'école" into "l" and "école".
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// IsWordRune reports whether r belongs to a word (letters and digits).
func IsWordRune(r rune) bool { return isWordRune(r) }

// span is one word of a text, by byte offsets.
type span struct{ start, end int }

// words returns the byte spans of the words of s.
func words(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

// Terms returns the stems of the meaningful words of s, in order (with
// repetitions): what is indexed, and what a query looks for.
func Terms(s string) []string {
	ws := words(s)
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if t := term(s[w.start:w.end]); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// term folds and stems one word, or returns "" for a stop word.
func term(w string) string {
	f := Fold(w)
	if stopWords[f] {
		return ""
	}
	return Stem(f)
}

// Document returns the stemmed form of s to store in an index: its terms
// separated by spaces.
func Document(s string) string { return strings.Join(Terms(s), " ") }

// QueryTerms returns the distinct stems of a query, in order, at most max.
func QueryTerms(q string, max int) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range Terms(q) {
		if seen[t] || len(out) >= max {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// MatchExpression turns query stems into an FTS5 MATCH expression requiring
// every term. Each term is quoted, so nothing the reader types is FTS5
// syntax.
func MatchExpression(stems []string) string {
	parts := make([]string, len(stems))
	for i, s := range stems {
		parts[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return strings.Join(parts, " ")
}

// StripTags turns sanitized HTML into plain text: tags become spaces,
// entities are decoded. It is meant for our own rendered Markdown, not for
// hostile markup.
func StripTags(h string) string {
	if !strings.ContainsAny(h, "<&") {
		return h
	}
	var b strings.Builder
	b.Grow(len(h))
	in := false
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '<':
			in = true
			b.WriteByte(' ')
		case c == '>' && in:
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// matcher tells whether a word's stem is one of the query's, remembering
// each distinct word: a text repeats its words, and folding and stemming
// them was most of a snippet's cost (profiled on search pages).
type matcher struct {
	stems map[string]bool
	seen  map[string]bool
}

func newMatcher(stems []string) *matcher {
	m := &matcher{stems: make(map[string]bool, len(stems)), seen: map[string]bool{}}
	for _, t := range stems {
		m.stems[t] = true
	}
	return m
}

func (m *matcher) match(w string) bool {
	if ok, known := m.seen[w]; known {
		return ok
	}
	ok := m.stems[term(w)]
	m.seen[w] = ok
	return ok
}

// Highlight escapes s and wraps in <mark> every word whose stem is one of
// stems.
func Highlight(s string, stems []string) template.HTML {
	return highlight(s, words(s), newMatcher(stems))
}

func highlight(s string, ws []span, m *matcher) template.HTML {
	var b strings.Builder
	last := 0
	for _, w := range ws {
		if !m.match(s[w.start:w.end]) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(s[last:w.start]))
		b.WriteString("<mark>")
		b.WriteString(template.HTMLEscapeString(s[w.start:w.end]))
		b.WriteString("</mark>")
		last = w.end
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String()) //nolint:gosec // every piece of s went through HTMLEscapeString
}

// Snippet returns about width words of s around the first word matching
// stems, escaped, with the matches highlighted and "…" where s was cut.
func Snippet(s string, stems []string, width int) template.HTML {
	m := newMatcher(stems)
	ws := words(s)
	if len(ws) <= width {
		return highlight(s, ws, m)
	}
	first := 0
	for i, w := range ws {
		if m.match(s[w.start:w.end]) {
			first = i
			break
		}
	}
	from := max(first-width/4, 0)
	to := min(from+width, len(ws))
	from = max(to-width, 0)
	start, end := ws[from].start, ws[to-1].end
	if to < len(ws) {
		// keep the punctuation right after the last word
		for end < len(s) && !isWordRune(rune(s[end])) && s[end] != ' ' && s[end] < utf8.RuneSelf {
			end++
		}
	}
	part := highlight(s[start:end], words(s[start:end]), m)
	out := string(part)
	if from > 0 {
		out = "… " + out
	}
	if to < len(ws) {
		out += " …"
	}
	return template.HTML(out) //nolint:gosec // built from highlight's escaped output
}

// stopWords are folded French words too common to help a search.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a au aux avec ce ces cet cette d dans de des du elle elles en est et
		eux il ils je l la le les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ou
		par pas pour qu que qui s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous
		y c j sera ete etre a`) {
		m[w] = true
	}
	return m
}()
