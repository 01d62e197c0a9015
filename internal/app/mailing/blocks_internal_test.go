package mailing

import (
	"strconv"
	"testing"
)

// TestBlockIsWhatTheRendererReads: every block the editor's lists can make
// is one the newsletter renderer expands, with the same filter, slug and
// count; what the syntax cannot carry is refused rather than written broken.
func TestBlockIsWhatTheRendererReads(t *testing.T) {
	for _, c := range []struct {
		kind, filter, slug string
		n                  int
		want               string
	}{
		{"publications", "", "", 5, "[[publications 5]]"},
		{"publications", "sujet", "travaux", 3, "[[publications sujet=travaux 3]]"},
		{"publications", "quartier", "les-rives", 20, "[[publications quartier=les-rives 20]]"},
		{"agenda", "", "", 1, "[[agenda 1]]"},
		{"agenda", "sujet", "culture", 4, "[[agenda sujet=culture 4]]"},
	} {
		got, ok := Block(c.kind, c.filter, c.slug, c.n)
		if !ok || got != c.want {
			t.Fatalf("Block(%q, %q, %q, %d) = %q, %v; want %q", c.kind, c.filter, c.slug, c.n, got, ok, c.want)
		}
		m := blockRE.FindStringSubmatch(got)
		if m == nil || m[1] != c.kind || m[2] != c.filter || m[3] != c.slug || m[4] != strconv.Itoa(c.n) {
			t.Fatalf("%q is not read back by the renderer: %q", got, m)
		}
	}
	for _, c := range []struct {
		kind, filter, slug string
		n                  int
	}{
		{"publications", "", "", 0}, {"publications", "", "", 21}, {"publications", "sujet", "", 3},
		{"publications", "sujet", "Travaux ]]", 3}, {"publications", "auteur", "karim", 3},
		{"publications", "", "travaux", 3}, {"agenda", "quartier", "les rives", 3}, {"pages", "", "", 3},
	} {
		if got, ok := Block(c.kind, c.filter, c.slug, c.n); ok {
			t.Errorf("Block(%q, %q, %q, %d) = %q, want refused", c.kind, c.filter, c.slug, c.n, got)
		}
	}
}
