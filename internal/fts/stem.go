package fts

import "strings"

// Stem reduces a folded (lowercase, unaccented) French word to a stem. It is
// a light stemmer in the spirit of Savoy's French light stemmer and of
// Snowball's first steps: it removes plural and feminine endings and the
// most frequent derivational suffixes, and never shortens a word below three
// letters. Conflating too little costs recall and too much costs precision;
// what matters most is that it is deterministic, since the same function
// stems the index and the queries.
func Stem(w string) string {
	if len(w) < 4 || !isASCIILetters(w) {
		return w
	}
	// 1. Plural: journaux → journal, écoles → école, prix stays.
	switch {
	case strings.HasSuffix(w, "eaux") && len(w) > 5:
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "aux") && len(w) > 4:
		w = w[:len(w)-3] + "al"
	case strings.HasSuffix(w, "ail") && len(w) > 4: // travail and travaux meet
		w = w[:len(w)-3] + "al"
	case (w[len(w)-1] == 's' || w[len(w)-1] == 'x') && w[len(w)-2] != 's' && len(w) > 4:
		w = w[:len(w)-1]
	}
	// 2. Derivational suffixes, longest first; the remaining stem must keep
	// at least three letters.
	for _, s := range suffixes {
		if strings.HasSuffix(w, s.from) && len(w)-len(s.from) >= 3 {
			w = w[:len(w)-len(s.from)] + s.to
			break
		}
	}
	// 3. Feminine and verb endings: inscrite → inscrit, rencontrer → rencontr.
	switch {
	case strings.HasSuffix(w, "ee") && len(w) > 5:
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "er") && len(w) > 5:
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "e") && len(w) > 4:
		w = w[:len(w)-1]
	}
	// 4. A final doubled consonant: ancienn(e) → ancien, nouvell(e) → nouvel.
	if n := len(w); n > 4 && w[n-1] == w[n-2] && !isVowel(w[n-1]) {
		w = w[:n-1]
	}
	return w
}

type suffix struct{ from, to string }

// suffixes are tried in order; longer ones come first where they overlap.
var suffixes = []suffix{
	{"issements", "iss"}, {"issement", "iss"},
	{"atrices", "at"}, {"atrice", "at"}, {"ateurs", "at"}, {"ateur", "at"},
	{"ations", "at"}, {"ation", "at"},
	{"logies", "log"}, {"logie", "log"},
	{"ements", "e"}, {"ement", "e"},
	{"ments", ""}, {"ment", ""},
	{"ances", ""}, {"ance", ""}, {"ences", ""}, {"ence", ""},
	{"ismes", ""}, {"isme", ""}, {"istes", ""}, {"iste", ""},
	{"ables", ""}, {"able", ""}, {"ibles", ""}, {"ible", ""},
	{"iques", ""}, {"ique", ""},
	{"euses", ""}, {"euse", ""}, {"eux", ""},
	{"ives", ""}, {"ive", ""}, {"ifs", ""}, {"if", ""},
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// isASCIILetters reports whether w is made of a–z only: numbers and words of
// other scripts are left as they are.
func isASCIILetters(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
