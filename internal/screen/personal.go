package screen

import (
	"math/big"
	"regexp"
	"strings"
)

// Personal data is held, never rejected: the comment may be fine once the
// author removes the number or address, and the reason tells them so.
var (
	phoneRe = regexp.MustCompile(`(?:\+\s?33\s?(?:\(0\)\s?)?|0033\s?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b`)
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,6}\b|[a-z0-9._\-]+\s?(?:\[at\]|\(at\)|\barobase\b)\s?[a-z0-9\-]+\s?(?:\.|\[dot\]|\bpoint\b)\s?(?:fr|com|net|org|eu|be|ch)\b`)
	// A street address: number, type of way, name. Alone it is often just a
	// place ("le trou devant le 12 rue des Lilas"); it is personal data with a
	// postcode or with words saying someone lives there.
	streetRe   = regexp.MustCompile(`(?i)\b\d{1,4}\s?(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|all[ée]e|place|route|quai|cours|square|passage|lotissement|r[ée]sidence|lieu-dit)\s+[\p{L}'’\- ]{2,40}`)
	postcodeRe = regexp.MustCompile(`\b(?:0[1-9]|[1-8]\d|9[0-8])\d{3}\b`)
	livesRe    = regexp.MustCompile(`(?i)\b(?:habite|habitent|domicile|domicili[ée]|adresse|vit au|vit à|chez (?:lui|elle|eux))`)
	nirRe      = regexp.MustCompile(`\b([12])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[ABab])\s?(\d{3})\s?(\d{3})\s?(\d{2})\b`)
	ibanRe     = regexp.MustCompile(`(?i)\b([a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,4})?)\b`)
)

// personalData returns the French reasons for personal data found in text.
func personalData(text string) []string {
	var out []string
	digits := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			digits++
		}
	}
	if digits >= 9 && phoneRe.MatchString(text) {
		out = append(out, "donnée personnelle : numéro de téléphone (à retirer avant publication)")
	}
	if (strings.Contains(text, "@") || strings.Contains(text, "[at]") || strings.Contains(text, "(at)") ||
		strings.Contains(strings.ToLower(text), "arobase")) && emailRe.MatchString(text) {
		out = append(out, "donnée personnelle : adresse e-mail (à retirer avant publication)")
	}
	if digits >= 1 {
		if loc := streetRe.FindStringIndex(text); loc != nil {
			after := text[loc[1]:min(len(text), loc[1]+40)]
			if postcodeRe.MatchString(after) || livesRe.MatchString(text) {
				out = append(out, "donnée personnelle : adresse postale (à retirer avant publication)")
			}
		}
	}
	if digits >= 13 && hasValidNIR(text) {
		out = append(out, "donnée personnelle : numéro de sécurité sociale (à retirer avant publication)")
	}
	if digits >= 10 && hasValidIBAN(text) {
		out = append(out, "donnée personnelle : IBAN (à retirer avant publication)")
	}
	return out
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
