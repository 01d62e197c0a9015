package screen

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// atSignEmailRe is the regexp emailAt stands for.
var atSignEmailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,6}\b`)

// TestEmailAtAgreesWithTheRegexp compares the hand-written check with the
// regexp on random texts made of the characters that matter.
func TestEmailAtAgreesWithTheRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "B", "z", "é", "0", "7", "_", "-", ".", "..", "%", "+", "@", " ", "fr", "com", "exemple", "mairie", "abcdefg", "ñ"}
	for n := range 200000 {
		var b strings.Builder
		for range 1 + r.IntN(14) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		text := b.String()
		got := false
		for i := 0; i < len(text); i++ {
			if text[i] == '@' && emailAt(text, i) {
				got = true
			}
		}
		if want := atSignEmailRe.MatchString(text); got != want {
			t.Fatalf("case %d %q: emailAt says %v, the regexp %v", n, text, got, want)
		}
	}
	for text, want := range map[string]bool{
		"écrivez à jean.dupont@example.fr, merci":  true,
		"mon adresse : marie@mairie-bellerive.fr.": true,
		"b@tards":                    false,
		"rdv @ la mairie.fr":         false,
		"x@y.abcdefg":                false,
		"x@y.fr2":                    false,
		"x@y.fr-info":                true,
		"jean (at) exemple point fr": true,
		"jean arobase exemple.com":   true,
		"un arobase seul":            false,
	} {
		if got := hasEmail(text); got != want {
			t.Errorf("hasEmail(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestMayThreatenIsNecessary: every text threatRe matches passes the cheap
// check that gates it, on random texts made of the regexp's own words.
func TestMayThreatenIsNecessary(t *testing.T) {
	words := strings.Fields("je j on nous ils jvais vais va vas allons vont veux voudrais te t vous le la l les lui leur " +
		"tuer buter crever faire la peau casser gueule retrouver sais ou tu habites il habite vis une balle dans ta tete " +
		"merite meritent de mourir mort d etre tue pendus il faut faudrait tous les fusiller gazer abattre devrait doivent " +
		"etre fusilles executes lynches peter eclater refaire portrait aux juifs flics elus femmes demain rue tuerie mortel " +
		"tetes balles x1 , ! ' ?")
	r := rand.New(rand.NewPCG(3, 4))
	matched := 0
	for n := range 300000 {
		var b strings.Builder
		for k := range 2 + r.IntN(8) {
			if k > 0 && r.IntN(8) != 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		text := b.String()
		if threatRe.MatchString(text) {
			matched++
			if !mayThreaten(text) {
				t.Fatalf("case %d %q matches threatRe but not the gate", n, text)
			}
		}
	}
	if matched < 100 {
		t.Fatalf("only %d random texts were threats: the test proves little", matched)
	}
}
