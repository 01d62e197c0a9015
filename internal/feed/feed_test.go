package feed

import (
	"bytes"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// Each format is read back by a real feed parser.
func TestFormatsParse(t *testing.T) {
	pub := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	f := Feed{Title: "Ville de Bellerive", Description: "Actualités", Lang: "fr", HomeURL: "https://ex.fr/bellerive/",
		FeedURL: "https://ex.fr/bellerive/feed", Updated: pub.Add(time.Hour), Author: "Ville de Bellerive",
		Items: []Item{{ID: "https://ex.fr/bellerive/p/a", URL: "https://ex.fr/bellerive/p/a", Title: "Travaux & <déviation>",
			Summary: "Rue des Tanneurs fermée.", ContentHTML: "<p>Du <strong>lundi</strong> au vendredi.</p>",
			Published: pub, Updated: pub.Add(time.Hour), Categories: []string{"Travaux"}}}}
	for name, body := range map[string][]byte{"rss": RSS(f), "atom": Atom(f), "json": JSON(f)} {
		got, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, body)
		}
		if got.Title != f.Title || len(got.Items) != 1 {
			t.Fatalf("%s: %+v", name, got)
		}
		it := got.Items[0]
		if it.Title != "Travaux & <déviation>" || it.Link != "https://ex.fr/bellerive/p/a" ||
			it.PublishedParsed == nil || !it.PublishedParsed.Equal(pub) {
			t.Fatalf("%s item: %+v", name, it)
		}
		if !bytes.Contains([]byte(it.Content+it.Description), []byte("<strong>lundi</strong>")) {
			t.Fatalf("%s: content lost: %q / %q", name, it.Content, it.Description)
		}
		wantType := map[string]string{"rss": "rss", "atom": "atom", "json": "json"}[name]
		if got.FeedType != wantType {
			t.Fatalf("%s parsed as %s", name, got.FeedType)
		}
	}
}
