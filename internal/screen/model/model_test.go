package model

import (
	"math"
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
	open := Train(exs[:2], OpenTrainOptions)
	m.OpenW, m.OpenBias, m.OpenMix = open.W, open.Bias, 1
	openBad := m.ProbOpen(Features("connard", nil))
	if openBad == bad {
		t.Fatal("open weights not used")
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var m2 Model
	if err := m2.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if m2.Hold != 0.5 || m2.Reject != 0.9 || m2.Prob(Features("connard", nil)) != bad ||
		m2.ProbOpen(Features("connard", nil)) != openBad {
		t.Fatal("round trip changed the model")
	}
	// The interleaved copy must give the same figures up to float rounding.
	if p, o := m2.Probs(Features("espece de connard", nil)); math.Abs(p-m.Prob(Features("espece de connard", nil))) > 1e-6 ||
		math.Abs(o-m.ProbOpen(Features("espece de connard", nil))) > 1e-6 {
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
