package model

import (
	"testing"
)

func TestTrainLearnsAndRoundTrips(t *testing.T) {
	var exs []Example
	for i := 0; i < 40; i++ {
		exs = append(exs, Example{Feats: Features("espece de connard", nil), Label: true},
			Example{Feats: Features("merci pour les travaux", nil), Label: false})
	}
	m := Train(exs, DefaultTrainOptions)
	bad, good := m.Prob(Features("connard", nil)), m.Prob(Features("merci", nil))
	if bad <= 0.5 || good >= 0.5 {
		t.Fatalf("P(connard)=%.2f P(merci)=%.2f", bad, good)
	}
	m.Hold, m.Reject = 0.5, 0.9
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var m2 Model
	if err := m2.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if m2.Hold != 0.5 || m2.Reject != 0.9 || m2.Prob(Features("connard", nil)) != bad {
		t.Fatal("round trip changed the model")
	}
	if err := m2.UnmarshalBinary([]byte("nope")); err == nil {
		t.Fatal("want error on garbage")
	}
	// Determinism: same data, same weights.
	if m3 := Train(exs, DefaultTrainOptions); m3.Prob(Features("connard", nil)) != bad {
		t.Fatal("training is not deterministic")
	}
}

func TestDigitsShareFeatures(t *testing.T) {
	a, b := Features("le 12 mars", nil), Features("le 34 mars", nil)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("numbers should hash alike")
		}
	}
}
