package fts

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"École": "ecole", "ÉTÉ": "ete", "œuvre": "oeuvre", "Noël": "noel", "façade": "facade", "abc": "abc",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// Words that a reader expects to find each other must share a stem.
func TestStemConflatesFrenchForms(t *testing.T) {
	groups := [][]string{
		{"école", "écoles", "ecole", "Ecoles"},
		{"inscription", "inscriptions", "Inscriptions"},
		{"travaux", "travail"},
		{"journal", "journaux"},
		{"bureau", "bureaux"},
		{"culturel", "culturelle", "culturels", "culturelles"},
		{"inscrit", "inscrite", "inscrits", "inscrites"},
		{"rapide", "rapidement"},
		{"logement", "logements"},
		{"journée", "journées"},
		{"marché", "marchés"},
		{"activité", "activités"},
		{"nouvel", "nouvelle", "nouvelles"},
	}
	for _, g := range groups {
		want := Terms(g[0])
		if len(want) != 1 {
			t.Fatalf("Terms(%q) = %v", g[0], want)
		}
		for _, w := range g[1:] {
			if got := Terms(w); len(got) != 1 || got[0] != want[0] {
				t.Errorf("stem(%q) = %v, want %v (as %q)", w, got, want, g[0])
			}
		}
	}
}

// Words that mean different things should stay apart.
func TestStemKeepsDistinctWordsApart(t *testing.T) {
	pairs := [][2]string{{"école", "écluse"}, {"marché", "mairie"}, {"piscine", "piste"}, {"culture", "voirie"}, {"prix", "pris"}}
	for _, p := range pairs {
		a, b := Terms(p[0]), Terms(p[1])
		if len(a) == 1 && len(b) == 1 && a[0] == b[0] {
			t.Errorf("%q and %q share stem %q", p[0], p[1], a[0])
		}
	}
	// Short words, numbers and other scripts are kept.
	for _, w := range []string{"bus", "2026", "Noël", "Ελλάδα"} {
		if len(Terms(w)) != 1 {
			t.Errorf("%q lost", w)
		}
	}
}

func TestTermsDropStopWordsAndSplitApostrophes(t *testing.T) {
	got := strings.Join(Terms("L'école de la Loire et les inscriptions"), " ")
	if got != Stem("ecole")+" "+Stem("loire")+" "+Stem("inscriptions") {
		t.Fatalf("Terms = %q", got)
	}
	if len(QueryTerms("le la les", 8)) != 0 {
		t.Fatal("a query of stop words must have no term")
	}
	if q := QueryTerms("école écoles ECOLE piscine", 8); len(q) != 2 {
		t.Fatalf("QueryTerms dedup = %v", q)
	}
}

func TestMatchExpressionQuotesEverything(t *testing.T) {
	if got := MatchExpression([]string{"ecol", `a"b`}); got != `"ecol" "a""b"` {
		t.Fatalf("MatchExpression = %s", got)
	}
}

func TestHighlightEscapes(t *testing.T) {
	got := string(Highlight(`<script>alert(1)</script> Les écoles & "inscriptions"`, QueryTerms("ecole inscription", 8)))
	want := `&lt;script&gt;alert(1)&lt;/script&gt; Les <mark>écoles</mark> &amp; &#34;<mark>inscriptions</mark>&#34;`
	if got != want {
		t.Fatalf("Highlight =\n%s\nwant\n%s", got, want)
	}
}

func TestSnippetCentresOnTheMatch(t *testing.T) {
	text := strings.Repeat("mot ", 100) + "la piscine municipale rouvre " + strings.Repeat("fin ", 100)
	got := string(Snippet(text, QueryTerms("piscines", 4), 20))
	if !strings.Contains(got, "<mark>piscine</mark>") || !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") {
		t.Fatalf("Snippet = %q", got)
	}
	if n := len(strings.Fields(got)); n > 24 {
		t.Fatalf("snippet too long: %d words", n)
	}
}

func TestStripTags(t *testing.T) {
	got := StripTags(`<p>Les <strong>travaux</strong> d&#39;été&nbsp;:</p><ul><li>rue A</li></ul>`)
	if got != "Les travaux d'été : rue A" {
		t.Fatalf("StripTags = %q", got)
	}
}

func BenchmarkDocument(b *testing.B) {
	text := strings.Repeat("Les travaux de rénovation de l'école élémentaire Jules-Ferry commencent lundi. ", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Document(text)
	}
}
