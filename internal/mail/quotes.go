package mail

import (
	"regexp"
	"strings"
)

// StripQuoted keeps the new text of a reply: it cuts at the first line that
// introduces the quoted history or a signature, and drops the remaining
// lines quoted with ">". Recognised (French first, then English):
//
//   - Gmail, Apple Mail, Thunderbird: "Le lun. 7 déc. 2026 à 10:12, X <x@y> a
//     écrit :" (Gmail may wrap it over two or three lines), "On … wrote:";
//   - Outlook: "De : … / Envoyé : …" (or "From: … / Sent: …") header blocks,
//     "-----Message d'origine-----", "-----Original Message-----", and the
//     line of underscores Outlook puts above them;
//   - Thunderbird's "-------- Message original --------";
//   - the "-- " signature delimiter and mobile signatures ("Envoyé de mon
//     iPhone", "Envoyé depuis mon smartphone Samsung Galaxy", "Obtenir
//     Outlook pour Android", "Sent from my iPhone"…).
func StripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	cut := len(lines)
	for i := range lines {
		if startsHistory(lines, i) {
			cut = i
			break
		}
	}
	var out []string
	for _, l := range lines[:cut] {
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			continue
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	return strings.TrimSpace(collapseBlankLines(strings.Join(out, "\n")))
}

var (
	// "Le … a écrit :" / "On … wrote:", once joined when wrapped.
	attribution = regexp.MustCompile(`(?i)^(le|on)\s.{4,300}\s(a\s+écrit|wrote)\s*:\s*$`)
	// Outlook's header block, one field per line.
	headerFrom = regexp.MustCompile(`(?i)^\*?(de|from)\s*:\s*\S`)
	headerSent = regexp.MustCompile(`(?i)^\*?(envoyé|sent|date)\s*:\s*\S`)
	separators = regexp.MustCompile(`(?i)^-{3,}\s*(message d'origine|original message|message original|message transféré|forwarded message)\s*-{3,}$`)
	underscore = regexp.MustCompile(`^_{10,}$`)
)

// mobileSignatures start the lines phones and webmails add under a reply.
var mobileSignatures = []string{
	"envoyé de mon ", "envoyé depuis mon ", "envoyé depuis ", "envoyé à partir de ", "envoye de mon ",
	"obtenir outlook pour ", "télécharger outlook pour ", "sent from my ", "sent from outlook", "sent from mail for ",
	"get outlook for ", "sent from yahoo mail", "envoyé par l'application mail orange",
}

// startsHistory reports whether the history (or the signature) starts at line i.
func startsHistory(lines []string, i int) bool {
	l := normSpace(lines[i])
	t := strings.TrimSpace(l)
	switch {
	case t == "--" && strings.TrimRight(lines[i], "\r") == "-- ":
		return true
	case separators.MatchString(t), underscore.MatchString(t):
		return true
	}
	low := strings.ToLower(t)
	for _, p := range mobileSignatures {
		if strings.HasPrefix(low, p) && len(t) < 90 {
			return true
		}
	}
	if headerFrom.MatchString(t) {
		// Outlook: "De :" followed within a few lines by "Envoyé :".
		for j := i + 1; j < len(lines) && j <= i+3; j++ {
			if headerSent.MatchString(strings.TrimSpace(normSpace(lines[j]))) {
				return true
			}
		}
	}
	if strings.HasPrefix(low, "le ") || strings.HasPrefix(low, "on ") {
		// Gmail wraps a long attribution over up to three lines.
		joined := t
		for j := i; j < len(lines) && j <= i+2; j++ {
			if j > i {
				joined += " " + strings.TrimSpace(normSpace(lines[j]))
			}
			if attribution.MatchString(joined) {
				return true
			}
		}
	}
	return false
}

// normSpace turns the no-break spaces French typography puts before ":"
// into plain spaces.
func normSpace(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}
