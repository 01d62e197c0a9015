package screen

import "unicode"

// foldRune lowercases r, folds its accent and maps look-alike letters from
// other scripts to Latin. It returns up to two runes (œ → o, e) and whether
// the rune was a homoglyph, i.e. a likely disguise.
func foldRune(r rune) (rune, rune, bool) {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A', 0, false
		}
		return r, 0, false
	}
	// Fullwidth ASCII (ｃｏｎ) and mathematical alphanumerics (𝐜𝐨𝐧) look like
	// plain letters.
	if r >= 0xFF01 && r <= 0xFF5E {
		l, _, _ := foldRune(r - 0xFF01 + '!')
		return l, 0, true
	}
	if r >= 0x1D400 && r <= 0x1D6A3 {
		i := (r - 0x1D400) % 52
		if i >= 26 {
			i -= 26
		}
		return 'a' + i, 0, true
	}
	if r >= 0x1D7CE && r <= 0x1D7FF {
		return '0' + (r-0x1D7CE)%10, 0, true
	}
	l := unicode.ToLower(r)
	if f, ok := accentFold[l]; ok {
		return f[0], f[1], false
	}
	if f, ok := homoglyphs[l]; ok {
		return f, 0, true
	}
	return l, 0, false
}

// accentFold covers the Latin letters French (and its neighbours) write;
// decomposed accents are dropped separately as combining marks.
var accentFold = map[rune][2]rune{
	'à': {'a'}, 'á': {'a'}, 'â': {'a'}, 'ã': {'a'}, 'ä': {'a'}, 'å': {'a'}, 'ā': {'a'},
	'ç': {'c'}, 'ć': {'c'}, 'č': {'c'},
	'è': {'e'}, 'é': {'e'}, 'ê': {'e'}, 'ë': {'e'}, 'ē': {'e'}, 'ę': {'e'}, 'ě': {'e'},
	'ì': {'i'}, 'í': {'i'}, 'î': {'i'}, 'ï': {'i'}, 'ī': {'i'}, 'ı': {'i'},
	'ñ': {'n'}, 'ń': {'n'},
	'ò': {'o'}, 'ó': {'o'}, 'ô': {'o'}, 'õ': {'o'}, 'ö': {'o'}, 'ø': {'o'}, 'ō': {'o'},
	'ù': {'u'}, 'ú': {'u'}, 'û': {'u'}, 'ü': {'u'}, 'ū': {'u'},
	'ý': {'y'}, 'ÿ': {'y'},
	'š': {'s'}, 'ž': {'z'}, 'ł': {'l'},
	'œ': {'o', 'e'}, 'æ': {'a', 'e'}, 'ß': {'s', 's'},
}

// homoglyphs maps Cyrillic and Greek letters that look like Latin ones.
var homoglyphs = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j',
	'ѕ': 's', 'ԁ': 'd', 'ɡ': 'g', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w',
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'ϲ': 'c',
}
