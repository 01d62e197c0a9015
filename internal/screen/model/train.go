package model

import (
	"math"
	"math/rand/v2"
)

// Example is one labelled training text, already turned into features.
type Example struct {
	Feats  []uint32
	Label  bool
	Weight float64 // class balancing; 0 means 1
}

// TrainOptions controls Train; the same options and data give the same
// weights, bit for bit.
type TrainOptions struct {
	Epochs int
	Rate   float64 // AdaGrad learning rate
	L2     float64 // weight decay on the features an example touches
	Seed   uint64
}

// DefaultTrainOptions were picked by cross-validation on the training split.
var DefaultTrainOptions = TrainOptions{Epochs: 12, Rate: 0.2, L2: 1e-5, Seed: 20261127}

// OpenTrainOptions fit the weights for texts the rules leave open (see
// Model.OpenW). A lower learning rate and fewer epochs than
// DefaultTrainOptions: those texts carry no strong cue and their labels are
// noisy, and out of fold the gentler fit ranks them better (see
// screenexplore).
var OpenTrainOptions = TrainOptions{Epochs: 6, Rate: 0.05, L2: 1e-5, Seed: 20261127}

// Train fits a logistic regression with AdaGrad on the examples.
func Train(exs []Example, o TrainOptions) *Model {
	m := &Model{W: make([]float32, 1<<Bits)}
	g2 := make([]float64, 1<<Bits)
	var gb2 float64
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	for epoch := 0; epoch < o.Epochs; epoch++ {
		rng := rand.New(rand.NewPCG(o.Seed, uint64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			ex := &exs[idx]
			if len(ex.Feats) == 0 {
				continue
			}
			y := 0.0
			if ex.Label {
				y = 1
			}
			w := ex.Weight
			if w == 0 {
				w = 1
			}
			g := (m.Prob(ex.Feats) - y) * w
			v := 1 / math.Sqrt(float64(len(ex.Feats)))
			for _, f := range ex.Feats {
				grad := g*v + o.L2*float64(m.W[f])
				g2[f] += grad * grad
				m.W[f] -= float32(o.Rate * grad / math.Sqrt(g2[f]+1e-8))
			}
			gb2 += g * g
			m.Bias -= float32(o.Rate * g / math.Sqrt(gb2+1e-8))
		}
	}
	return m
}
