package screen

import (
	"math/big"
	"regexp"
	"strings"
)

// Personal data is held, never rejected: the comment may be fine once the
// author removes the number or address, and the reason tells them so.
var (
	// phoneRe is anchored and tried only where a number can start, which
	// is much cheaper than scanning every comment with it.
	phoneRe = regexp.MustCompile(`^(?:\+\s?33\s?(?:\(0\)\s?)?|0033\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?:\D|$)`)
	// spelledEmailRe is an address written to dodge filters: "jean (at)
	// exemple point fr". Addresses with "@" are checked by emailAt.
	spelledEmailRe = regexp.MustCompile(`(?i)[a-z0-9._\-]+\s?(?:\[at\]|\(at\)|\barobase\b)\s?[a-z0-9\-]+\s?(?:\.|\[dot\]|\bpoint\b)\s?(?:fr|com|net|org|eu|be|ch)\b`)
	// A street address: number, type of way, name. Alone it is often just a
	// place ("le trou devant le 12 rue des Lilas"); it is personal data with a
	// postcode or with words saying someone lives there.
	streetRe   = regexp.MustCompile(`(?i)\b\d{1,4}\s?(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|all[ée]e|place|route|quai|cours|square|passage|lotissement|r[ée]sidence|lieu-dit)\s+[\p{L}'’\- ]{2,40}`)
	postcodeRe = regexp.MustCompile(`\b(?:0[1-9]|[1-8]\d|9[0-8])\d{3}\b`)
	livesRe    = regexp.MustCompile(`(?i)\b(?:habite|habitent|domicile|domicili[ée]|adresse|vit au|vit à|chez (?:lui|elle|eux)|sa maison|son appartement|son appart|sa porte|r[ée]side|loge au|log[ée]e? au|demeure au)`)
	// plateRe is a French registration plate (SIV, since 2009): it
	// identifies a car's owner.
	plateRe = regexp.MustCompile(`\b[A-HJ-NP-TV-Z]{2}[- ]\d{3}[- ][A-HJ-NP-TV-Z]{2}\b`)
	nirRe   = regexp.MustCompile(`\b([12])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[ABab])\s?(\d{3})\s?(\d{3})\s?(\d{2})\b`)
	ibanRe  = regexp.MustCompile(`(?i)\b([a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,4})?)\b`)
)

// streetWords gate the street-address regexp, which is the slowest check.
var streetWords = wordSet("rue avenue av boulevard bd chemin impasse allee place route quai cours square passage lotissement residence lieu")

// personalData returns the French reasons for personal data found in text.
func personalData(text string, toks []token) []string {
	var out []string
	digits := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			digits++
		}
	}
	if digits >= 9 && hasPhone(text) {
		out = append(out, "donnée personnelle : numéro de téléphone (à retirer avant publication)")
	}
	if hasEmail(text) {
		out = append(out, "donnée personnelle : adresse e-mail (à retirer avant publication)")
	}
	if digits >= 1 && hasAddress(text, toks) {
		out = append(out, "donnée personnelle : adresse postale (à retirer avant publication)")
	}
	if digits >= 3 && plateRe.MatchString(text) {
		out = append(out, "donnée personnelle : plaque d'immatriculation (à retirer avant publication)")
	}
	if digits >= 13 && hasValidNIR(text) {
		out = append(out, "donnée personnelle : numéro de sécurité sociale (à retirer avant publication)")
	}
	if digits >= 10 && hasValidIBAN(text) {
		out = append(out, "donnée personnelle : IBAN (à retirer avant publication)")
	}
	return out
}

// hasEmail looks for an address around "@" and its spelled-out forms,
// which is where an address can be.
func hasEmail(text string) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '@':
			if emailAt(text, i) {
				return true
			}
		case c == '[' || c == '(' || c == 'a' || c == 'A':
			if !strings.HasPrefix(text[i:], "[at]") && !strings.HasPrefix(text[i:], "(at)") &&
				!(len(text)-i >= 7 && strings.EqualFold(text[i:i+7], "arobase")) {
				continue
			}
			if spelledEmailRe.MatchString(text[max(0, i-64):min(len(text), i+128)]) {
				return true
			}
		}
	}
	return false
}

// emailAt reports whether the "@" at text[at] is in an address: what the
// regexp `(?i)[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,6}\b`
// matches, checked by hand because that regexp, tried at every position of
// the text around each "@", was a fifth of the time of a whole Check.
func emailAt(text string, at int) bool {
	if at == 0 || !emailLocal(text[at-1]) {
		return false
	}
	// Labels of [a-z0-9-] separated by single dots; after any dot that
	// follows at least one label, 2 to 6 letters ending at a word boundary
	// make an address.
	i := at + 1
	for {
		start := i
		for i < len(text) && emailDomain(text[i]) {
			i++
		}
		if i == start || i >= len(text) || text[i] != '.' {
			return false
		}
		i++ // the dot
		n := 0
		for i+n < len(text) && asciiLetter(text[i+n]) {
			n++
		}
		for k := min(n, 6); k >= 2; k-- { // the regexp backtracks over shorter runs
			if i+k == len(text) || !asciiWord(text[i+k]) {
				return true
			}
		}
	}
}

func asciiLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func asciiWord(c byte) bool   { return asciiLetter(c) || (c >= '0' && c <= '9') || c == '_' }
func emailDomain(c byte) bool { return asciiLetter(c) || (c >= '0' && c <= '9') || c == '-' }
func emailLocal(c byte) bool {
	return emailDomain(c) || c == '.' || c == '_' || c == '%' || c == '+'
}

// hasAddress looks for a street address around each street word; it is
// personal data with a postcode after it or with words saying someone lives
// there.
func hasAddress(text string, toks []token) bool {
	for _, t := range toks {
		if !streetWords[t.text] {
			continue
		}
		w := text[max(0, t.start-16):min(len(text), t.end+48)]
		if loc := streetRe.FindStringIndex(w); loc != nil {
			end := t.start - 16 + loc[1]
			if t.start < 16 {
				end = loc[1]
			}
			if postcodeRe.MatchString(text[end:min(len(text), end+40)]) || livesRe.MatchString(text) {
				return true
			}
		}
	}
	return false
}

func hasPhone(text string) bool {
	for i := 0; i < len(text); i++ {
		if (text[i] == '0' || text[i] == '+') && (i == 0 || text[i-1] < '0' || text[i-1] > '9') &&
			phoneRe.MatchString(text[i:min(len(text), i+24)]) {
			return true
		}
	}
	return false
}

// hasValidNIR accepts a social security number only when its two-digit key
// checks out, so that other long numbers (invoices, references) pass.
func hasValidNIR(text string) bool {
	for _, m := range nirRe.FindAllStringSubmatch(text, -1) {
		body := strings.ToUpper(m[1] + m[2] + m[3] + m[4] + m[5] + m[6])
		// Corsica: 2A and 2B count as 19 and 18 for the key.
		body = strings.Replace(body, "2A", "19", 1)
		body = strings.Replace(body, "2B", "18", 1)
		n, ok := new(big.Int).SetString(body, 10)
		if !ok {
			continue
		}
		key := 97 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
		if m[7] == twoDigits(key) {
			return true
		}
	}
	return false
}

func twoDigits(n int64) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

// hasValidIBAN applies the ISO 13616 mod-97 check.
func hasValidIBAN(text string) bool {
	for _, m := range ibanRe.FindAllString(text, -1) {
		s := strings.ToUpper(strings.ReplaceAll(m, " ", ""))
		if len(s) < 15 || len(s) > 34 {
			continue
		}
		s = s[4:] + s[:4]
		rem := 0
		for _, c := range s {
			switch {
			case c >= '0' && c <= '9':
				rem = (rem*10 + int(c-'0')) % 97
			case c >= 'A' && c <= 'Z':
				rem = (rem*100 + int(c-'A'+10)) % 97
			}
		}
		if rem == 1 {
			return true
		}
	}
	return false
}
