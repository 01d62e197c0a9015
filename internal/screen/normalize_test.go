package screen

import "testing"

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"C0NN4RD":                         "connard",
		"c o n n a r d":                   "connard",
		"c.o.n":                           "con",
		"t-u-e-r":                         "tuer",
		"connnnnard":                      "conard",
		"cоnnard":                         "connard", // Cyrillic о
		"con\u200bnard":                   "connard", // zero-width space
		"Dé\u0301cision":                  "decision",
		"Décision du Maire, scandaleuse!": "decision du maire scandaleuse",
		"!mbec!le @brut1":                 "imbecile abruti",
		"ｃｏｎｎａｒｄ":                         "connard",
		"Œuvre":                           "oeuvre",
		"appelez le 06 12 34 56 78":       "appelez le 06 12 34 56 78",
		"😀 super":                         "😀 super",
		"\xff":                            "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
