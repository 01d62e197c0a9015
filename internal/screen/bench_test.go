package screen

import (
	"runtime"
	"strings"
	"testing"
)

// comments300 are realistic comments of about 300 characters: civil, harsh,
// abusive, disguised, with personal data.
var comments300 = func() []string {
	base := []string{
		"Bonjour, je voudrais savoir quand les travaux de la rue Victor Hugo seront terminés. Depuis trois semaines, impossible de stationner et les commerçants perdent des clients. Merci de nous tenir informés.",
		"Cette décision du maire est scandaleuse : fermer la piscine en plein été alors que les enfants n'ont rien d'autre à faire. Le conseil municipal se moque des habitants, comme d'habitude.",
		"Le maire est un c0nn4rd et toute son équipe de b@tards devrait dégager, on en a marre de ces incapables qui se servent dans la caisse pendant qu'on paie les impôts.",
		"Les musulmans de notre quartier organisent une collecte pour les sinistrés samedi devant la salle des fêtes, tout le monde est bienvenu, venez nombreux avec des vêtements chauds.",
		"Pour le covoiturage, appelez-moi au 06 12 34 56 78 ou écrivez à jean.dupont@example.fr, je passe par la mairie tous les matins vers 8 heures et je peux prendre deux personnes.",
		"Traiter la maire de « salope » comme certains l'ont fait hier soir est inadmissible. On peut critiquer sa politique sans insulter les personnes, restons dignes s'il vous plaît.",
	}
	out := make([]string, len(base))
	for i, b := range base {
		for len(b) < 300 {
			b += " " + b
		}
		out[i] = b[:300]
		for !strings.HasSuffix(out[i], " ") && len(out[i]) > 250 { // do not cut a rune
			out[i] = out[i][:len(out[i])-1]
		}
	}
	return out
}()

func BenchmarkCheck300(b *testing.B) {
	s := newScreener(b)
	b.ReportAllocs()
	b.SetBytes(300)
	for i := 0; b.Loop(); i++ {
		s.Check(comments300[i%len(comments300)], WordLists{})
	}
}

func BenchmarkNormalize300(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Normalize(comments300[i%len(comments300)])
	}
}

// TestModelMemory measures the heap New needs (lexicons and weights) and
// holds it to the 50 MB budget.
func TestModelMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := newScreener(t)
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := after.HeapAlloc - before.HeapAlloc
	t.Logf("screener heap: %.1f MiB", float64(used)/(1<<20))
	if used > 50<<20 {
		t.Errorf("screener uses %d bytes, budget 50 MB", used)
	}
	runtime.KeepAlive(s)
}
