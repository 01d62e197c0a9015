package i18n

import (
	"sort"
	"strings"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := c.Keys("fr"), c.Keys("en")
	if len(fr) == 0 {
		t.Fatal("empty French catalogue")
	}
	sort.Strings(fr)
	for _, k := range fr {
		if !c.Has("en", k) {
			t.Errorf("key %q missing in English", k)
		}
	}
	for _, k := range en {
		if !c.Has("fr", k) {
			t.Errorf("key %q missing in French", k)
		}
	}
}

func TestNegotiate(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]string{
		"":                        "fr",
		"en-GB,en;q=0.9":          "en",
		"fr-FR,fr;q=0.9,en;q=0.8": "fr",
		"de-DE":                   "fr",
		"de-DE,en;q=0.5":          "en",
		"garbage;;;":              "fr",
	} {
		if got := c.Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", header, got, want)
		}
	}
	if got := c.T("fr", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

func TestPluralForms(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"fr", 0, "0 place restante"},
		{"fr", 1, "1 place restante"},
		{"fr", 2, "2 places restantes"},
		{"en", 0, "0 places left"},
		{"en", 1, "1 place left"},
		{"en", 12, "12 places left"},
	} {
		if got := c.N(tc.lang, "events.places_left", tc.n); got != tc.want {
			t.Errorf("N(%s, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	// Arguments other than the count, and the count elsewhere in them.
	if got := c.N("fr", "events.checkin.done", 3, "Jeanne Dupont", 3); got != "Arrivée enregistrée : Jeanne Dupont (3 places)." {
		t.Errorf("checkin: %q", got)
	}
	// A key without plural forms is used as is.
	if got := c.N("fr", "journal.title", 5); got != "Journal des actions" {
		t.Errorf("plain key: %q", got)
	}
	// Every singular form has its plural in every language (".other"
	// alone is also an ordinary key: "org.kind.other" is "Autre").
	for _, lang := range Langs {
		for _, k := range c.Keys(lang) {
			if base, ok := strings.CutSuffix(k, ".one"); ok && !c.Has(lang, base+".other") {
				t.Errorf("%s: %s has no .other form", lang, k)
			}
		}
	}
}
