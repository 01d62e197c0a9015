package mail

import (
	netmail "net/mail"
	"strings"
)

// NormalizeEmail lower-cases and trims an address; the local part is kept
// whole (plus-addressing stays distinct).
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail accepts a bare address with a dotted domain.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") {
		return false
	}
	addr, err := netmail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.HasSuffix(s, ".")
}

// FromAs is the From address from (the instance's, "Parvis <no-reply@…>"
// or a bare address) under the display name name, encoded for a header
// (RFC 2047 when not ASCII). An empty name, or a from that does not parse,
// leaves from as it is.
func FromAs(from, name string) string {
	name = strings.TrimSpace(strings.NewReplacer("\r", " ", "\n", " ").Replace(name))
	if name == "" {
		return from
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return from
	}
	return (&netmail.Address{Name: name, Address: addr.Address}).String()
}

// greetings are the words a hand-written message opens with when it
// greets its reader itself.
var greetings = []string{"bonjour", "bonsoir", "madame", "monsieur", "cher", "chère", "chers", "chères", "hello", "hi", "dear", "good morning", "good afternoon", "good evening"}

// StartsWithGreeting reports whether a hand-written body (a staff reply,
// a message to an event's registrants) opens with its own greeting, so
// that the e-mail around it does not greet the reader a second time.
func StartsWithGreeting(body string) bool {
	first := strings.ToLower(strings.TrimSpace(body))
	for _, g := range greetings {
		if rest, ok := strings.CutPrefix(first, g); ok {
			if rest == "" {
				return true
			}
			r := rest[0]
			if !(r >= 'a' && r <= 'z') && r < 0x80 {
				return true // "Bonjour," "Bonjour Marie" "Madame," but not "Bonjourno" nor "Hippolyte"
			}
		}
	}
	return false
}

// commonDomains are the mail domains most used in France; an address whose
// domain is one edit away from one of them is probably a typo.
var commonDomains = []string{
	"gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "hotmail.fr", "hotmail.com",
	"yahoo.fr", "yahoo.com", "outlook.fr", "outlook.com", "live.fr", "icloud.com", "neuf.fr", "bbox.fr",
	"aol.com", "gmx.fr", "protonmail.com", "proton.me", "numericable.fr", "club-internet.fr",
}

// knownTypos are frequent misspellings that are more than one edit away or
// that look like another valid domain.
var knownTypos = map[string]string{
	"gmial.com": "gmail.com", "gmal.com": "gmail.com", "gmail.fr": "gmail.com", "gamil.com": "gmail.com",
	"hotmial.fr": "hotmail.fr", "hotmial.com": "hotmail.com", "hotmal.fr": "hotmail.fr",
	"orange.fe": "orange.fr", "ornage.fr": "orange.fr", "wanado.fr": "wanadoo.fr", "yahou.fr": "yahoo.fr",
	"laposte.fr": "laposte.net", "outlok.fr": "outlook.fr", "free.fe": "free.fr",
}

// SuggestEmail returns a corrected address when email's domain looks like a
// typo of a common one ("" otherwise).
func SuggestEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	local, domain := email[:at], strings.ToLower(email[at+1:])
	if fix, ok := knownTypos[domain]; ok {
		return local + "@" + fix
	}
	for _, d := range commonDomains {
		if d == domain {
			return ""
		}
	}
	for _, d := range commonDomains {
		if editDistance(domain, d) == 1 {
			return local + "@" + d
		}
	}
	return ""
}

// editDistance is the Damerau–Levenshtein distance (with transpositions).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
