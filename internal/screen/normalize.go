package screen

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a comment after normalisation. Matching works on
// tokens rather than on raw text so that a lexicon entry written once
// ("connard") matches every disguise of it ("C0NN4RD", "c o n n a r d",
// "cоnnard" with a Cyrillic о, "connnnard").
type token struct {
	text     string // normalised form
	at       int    // byte offset of text in the normalised text
	start    int    // byte offset of the first rune in the original text
	end      int    // byte offset just after the last rune in the original text
	sentence int    // index of the sentence the token belongs to
	quoted   bool   // inside quotation marks: may be a quote being condemned
	repeated bool   // had a run of three or more identical letters
	disguise bool   // leetspeak, spaced letters or homoglyphs were undone
}

// Normalize returns the normalised form of text used for matching: lowercase,
// accents folded, homoglyphs mapped to Latin letters, zero-width characters
// dropped, leetspeak undone inside words, spaced-out letters joined, runs of
// three or more identical letters reduced to one, and words separated by a
// single space. Punctuation is dropped; other symbols (emoji) are kept as
// one-rune words so that an emoji-only text still has a fingerprint.
func Normalize(text string) string {
	_, norm := tokenize(text)
	return norm
}

// rawTok is a token during the first pass, before spaced letters are joined.
type rawTok struct {
	runes    []rune // slice of a buffer shared by all tokens
	start    int
	end      int
	sentence int
	quoted   bool
	disguise bool
	hasAlpha bool
	hasLeet  bool
	gapNL    bool // the gap before this token contains a line break or sentence end
	gapLen   int  // bytes between the previous token and this one
}

// tokenize splits and normalises text. It never fails: invalid UTF-8 bytes
// are treated as separators.
func tokenize(text string) ([]token, string) {
	raws := make([]rawTok, 0, len(text)/5+1)
	runes := make([]rune, 0, len(text)+8)
	var cur *rawTok
	sentence := 0
	quoted := false
	lastEnd := 0
	gapNL := false
	flush := func() {
		if cur != nil {
			cur.runes = runes[len(runes)-len(cur.runes) : len(runes) : len(runes)]
			raws = append(raws, *cur)
			lastEnd = cur.end
			cur = nil
			gapNL = false
		}
	}
	start := func(i int) {
		cur = &rawTok{start: i, sentence: sentence, quoted: quoted, gapNL: gapNL, gapLen: i - lastEnd}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			flush()
			i += max(size, 1)
			continue
		}
		if invisible(r) {
			// Zero-width characters inside a word must not split it.
			if cur != nil {
				cur.end = i + size
			}
			i += size
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			// Combining accents fold away; they belong to the previous letter.
			if cur != nil {
				cur.end = i + size
			}
			i += size
			continue
		}
		l1, l2, glyph := foldRune(r)
		switch {
		case unicode.IsLetter(l1) || unicode.IsDigit(l1):
			if cur == nil {
				start(i)
			}
			runes = append(runes, l1)
			cur.runes = runes[len(runes)-len(cur.runes)-1:]
			if l2 != 0 {
				runes = append(runes, l2)
				cur.runes = runes[len(runes)-len(cur.runes)-1:]
			}
			if unicode.IsLetter(l1) {
				cur.hasAlpha = true
			} else {
				cur.hasLeet = true
			}
			cur.disguise = cur.disguise || glyph
			cur.end = i + size
		case isLeetSymbol(r) && nextIsAlnum(text[i+size:]):
			// "!mbec!le", "@brut1", "$alope": a symbol followed by a letter or
			// digit stands for a letter; at a word end it is punctuation.
			if cur == nil {
				start(i)
			}
			runes = append(runes, r)
			cur.runes = runes[len(runes)-len(cur.runes)-1:]
			cur.hasLeet = true
			cur.end = i + size
		default:
			flush()
			switch {
			case r == '«' || r == '“' || r == '„':
				quoted = true
			case r == '»' || r == '”':
				quoted = false
			case r == '"':
				quoted = !quoted
			case r == '\n' || r == '\r':
				gapNL = true
				sentence++
				quoted = false
			case r == '.' || r == '!' || r == '?' || r == ';' || r == '…':
				// "c.o.n" keeps going: a full stop ends a sentence only
				// when followed by a space or the end of the text.
				if r != '.' || i+size >= len(text) || text[i+size] == ' ' {
					gapNL = true
					sentence++
				}
			case unicode.IsSymbol(r) && !isLeetSymbol(r) && r != '*' && r != '+' && r != '=':
				// Emoji and other symbols are one-rune words.
				start(i)
				runes = append(runes, r)
				cur.runes = runes[len(runes)-1:]
				cur.end = i + size
				flush()
			}
		}
		i += size
	}
	flush()
	return finishTokens(raws)
}

// finishTokens undoes leetspeak, joins spaced-out letters and collapses long
// letter runs. All token texts are slices of one string, the normalised text
// with single spaces, so tokenising costs few allocations.
func finishTokens(raws []rawTok) ([]token, string) {
	toks := make([]token, 0, len(raws))
	buf := make([]byte, 0, 2*len(raws)*4+8)
	type span struct{ a, b int }
	spans := make([]span, 0, len(raws))
	var spaced []rune
	for i := 0; i < len(raws); i++ {
		rt := &raws[i]
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		a := len(buf)
		// Spaced letters: three or more one-letter words separated by short
		// gaps on one line ("c o n n a r d", "c.o.n", "t-u-e-r").
		if j := spacedRun(raws, i); j-i >= 3 {
			spaced = spaced[:0]
			for k := i; k < j; k++ {
				r := raws[k].runes[0]
				if m, ok := leet(r); ok {
					r = m
				}
				spaced = append(spaced, r)
			}
			var rep bool
			buf, rep = appendCollapsed(buf, spaced)
			spans = append(spans, span{a, len(buf)})
			toks = append(toks, token{start: raws[i].start, end: raws[j-1].end,
				sentence: raws[i].sentence, quoted: raws[i].quoted, repeated: rep, disguise: true})
			i = j - 1
			continue
		}
		if rt.hasAlpha && rt.hasLeet {
			for j, r := range rt.runes {
				if m, ok := leet(r); ok {
					rt.runes[j] = m
				}
			}
			rt.disguise = true
		}
		var rep bool
		buf, rep = appendCollapsed(buf, rt.runes)
		spans = append(spans, span{a, len(buf)})
		toks = append(toks, token{start: rt.start, end: rt.end, sentence: rt.sentence,
			quoted: rt.quoted, repeated: rep, disguise: rt.disguise})
	}
	norm := string(buf)
	for i, sp := range spans {
		toks[i].text, toks[i].at = norm[sp.a:sp.b], sp.a
	}
	return toks, norm
}

// spacedRun returns the end (exclusive) of a run of one-rune tokens starting
// at i; it returns i when raws[i] is not a one-letter token.
func spacedRun(raws []rawTok, i int) int {
	j := i
	for j < len(raws) && len(raws[j].runes) == 1 && !unicode.IsSymbol(raws[j].runes[0]) {
		if j > i && (raws[j].gapNL && raws[j].gapLen > 1 || raws[j].gapLen > 3) {
			break
		}
		if j > i && raws[j].sentence != raws[i].sentence && raws[j].gapLen > 1 {
			break
		}
		j++
	}
	return j
}

// appendCollapsed appends rs to buf, reducing runs of three or more
// identical letters to one ("connnnnard" → "conard", "saloooope" →
// "salope"). Doubled letters stay, because French spells with them.
func appendCollapsed(buf []byte, rs []rune) ([]byte, bool) {
	rep := false
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 && unicode.IsLetter(rs[i]) {
			n = 1
			rep = true
		}
		for k := 0; k < n; k++ {
			buf = utf8.AppendRune(buf, rs[i])
		}
		i = j
	}
	return buf, rep
}

// skeleton collapses every doubled letter, so that a word written with a
// long run ("connnnard" → "conard") still finds "connard".
func skeleton(s string) string {
	var b strings.Builder
	var prev rune = -1
	for _, r := range s {
		if r != prev {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func nextIsAlnum(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	l, _, _ := foldRune(r)
	return unicode.IsLetter(l) || unicode.IsDigit(l)
}

func isLeetSymbol(r rune) bool {
	switch r {
	case '@', '$', '€', '!', '|':
		return true
	}
	return false
}

// leet maps the digits and symbols commonly used for letters.
func leet(r rune) (rune, bool) {
	switch r {
	case '0':
		return 'o', true
	case '1', '!', '|':
		return 'i', true
	case '3', '€':
		return 'e', true
	case '4', '@':
		return 'a', true
	case '5', '$':
		return 's', true
	case '7':
		return 't', true
	case '8':
		return 'b', true
	}
	return r, false
}

// invisible reports characters that render as nothing and are used to break
// up words without changing how they look.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x2060 && r <= 0x2064, r == 0xFEFF,
		r == 0x00AD, r == 0x034F, r == 0x180E, r == 0x061C:
		return true
	case r >= 0xFE00 && r <= 0xFE0F: // variation selectors
		return true
	}
	return false
}

// Fingerprint is the hash of a text's normalised form: the same words, with
// any disguise (case, accents, zero-width characters, homoglyphs) undone.
// Removed comments are remembered by it, so that the same text posted again
// is refused.
func Fingerprint(text string) string {
	sum := sha256.Sum256([]byte(Normalize(text)))
	return hex.EncodeToString(sum[:])
}
