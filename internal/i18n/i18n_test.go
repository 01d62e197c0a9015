package i18n

import (
	"sort"
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
