package screen

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheck: any input gets a valid verdict, never a panic. The seeds run as
// a normal test with `go test`; `go test -fuzz FuzzCheck` explores further.
func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		"", " ", "\n\n", "😀🔥💩", "\xff\xfe\x00", "c0nn4rd", "c o n n a r d", "c.o.n", "cоnnard", "con\u200bnard",
		"مرحبا hello bonjour connard", "Le maire est scandaleux", "06 12 34 56 78", "FR76 3000 6000 0112 3456 7890 189",
		"« connard » est inadmissible", `"je vais te tuer" a-t-il dit`, "a b c d e f g", "!!!!@@@@$$$$", "1 85 05 78 006 084 91",
		strings.Repeat("é", 5000), strings.Repeat("x ", 3000), "e\u0301\u0301\u0301", "\u202ecbrannoc",
	} {
		f.Add(seed, "watched", "blocked")
	}
	s, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, watched, blocked string) {
		r := s.Check(text, WordLists{Watched: []string{watched}, Blocked: []string{blocked}, Allowed: []string{watched}})
		switch r.Verdict {
		case Allow, Hold, Reject:
		default:
			t.Fatalf("verdict %q", r.Verdict)
		}
		if r.Score < 0 || r.Score > 1 || r.Reasons == nil {
			t.Fatalf("score %v reasons %v", r.Score, r.Reasons)
		}
		for _, reason := range r.Reasons {
			if !utf8.ValidString(reason) {
				// Reasons quote the text; an invalid quote would break JSON consumers.
				t.Fatalf("invalid UTF-8 in reason %q", reason)
			}
		}
		n := Normalize(text)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", text, n)
		}
	})
}
