package screen

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

var (
	linkRe = regexp.MustCompile(`(?i)\bhttps?://[^\s]+|\bwww\.[^\s]+`)
	// Shorteners hide where a link goes; one is enough to hold.
	shortenerRe = regexp.MustCompile(`(?i)\b(?:bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|is\.gd|buff\.ly|cutt\.ly|rebrand\.ly|shorturl\.at|tiny\.cc|s\.id|rb\.gy|t\.ly|lnkd\.in)/`)
)

const (
	maxLinks     = 3  // this many links or more looks like spam
	capsMinCount = 30 // letters before ALL CAPITALS counts as shouting
)

// spamSignals returns the French reasons for spam-like text. toks is the
// normalised text, used to spot repetition whatever the disguise.
func spamSignals(text string, toks []token) []string {
	var out []string
	if strings.Contains(text, "http") || strings.Contains(text, "www.") || strings.Contains(text, "/") && strings.Contains(text, ".") {
		if n := len(linkRe.FindAllStringIndex(text, maxLinks+1)); n >= maxLinks {
			out = append(out, fmt.Sprintf("spam : %d liens ou plus", n))
		}
		if m := shortenerRe.FindString(text); m != "" {
			out = append(out, fmt.Sprintf("spam : lien raccourci (%s)", strings.TrimSuffix(strings.ToLower(m), "/")))
		}
	}
	if repeated(toks) {
		out = append(out, "spam : texte répété")
	}
	upper, letters := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters >= capsMinCount && upper*10 >= letters*9 {
		out = append(out, "spam : texte en majuscules")
	}
	return out
}

// repeated spots copy-pasted text: few distinct words among many, or the
// same word many times in a row. Distinct words are counted in a bitmap of
// their hashes, which is close enough and allocates nothing.
func repeated(toks []token) bool {
	if len(toks) < 12 {
		return false
	}
	var seen [8192 / 64]uint64
	distinct := 0
	run, maxRun := 1, 1
	for i, t := range toks {
		h := uint32(2166136261)
		for k := 0; k < len(t.text); k++ {
			h = (h ^ uint32(t.text[k])) * 16777619
		}
		h %= 8192
		if seen[h/64]&(1<<(h%64)) == 0 {
			seen[h/64] |= 1 << (h % 64)
			distinct++
		}
		if i > 0 && t.text == toks[i-1].text {
			run++
			maxRun = max(maxRun, run)
		} else {
			run = 1
		}
	}
	return maxRun >= 6 || distinct*4 < len(toks)
}
