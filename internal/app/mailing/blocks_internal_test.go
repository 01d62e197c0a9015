package mailing

import "testing"

// TestBlockIsWhatTheRendererReads: every block the editor's lists can make
// is one the newsletter renderer expands, with the same filter, slug and
// count; what the syntax cannot carry is refused rather than written broken.
func TestBlockIsWhatTheRendererReads(t *testing.T) {
	for _, c := range []struct {
		filter, slug string
		n            int
		want         string
	}{
		{"", "", 5, "[[publications 5]]"},
		{"sujet", "travaux", 3, "[[publications sujet=travaux 3]]"},
		{"quartier", "les-rives", 20, "[[publications quartier=les-rives 20]]"},
	} {
		got, ok := Block(c.filter, c.slug, c.n)
		if !ok || got != c.want {
			t.Fatalf("Block(%q, %q, %d) = %q, %v; want %q", c.filter, c.slug, c.n, got, ok, c.want)
		}
		m := blockRE.FindStringSubmatch(got)
		if m == nil || m[1] != c.filter || m[2] != c.slug {
			t.Fatalf("%q is not read back by the renderer: %q", got, m)
		}
	}
	for _, c := range []struct {
		filter, slug string
		n            int
	}{
		{"", "", 0}, {"", "", 21}, {"sujet", "", 3}, {"sujet", "Travaux ]]", 3},
		{"auteur", "karim", 3}, {"", "travaux", 3}, {"quartier", "les rives", 3},
	} {
		if got, ok := Block(c.filter, c.slug, c.n); ok {
			t.Errorf("Block(%q, %q, %d) = %q, want refused", c.filter, c.slug, c.n, got)
		}
	}
}
