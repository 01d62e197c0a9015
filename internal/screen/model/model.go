// Package model is a logistic regression over hashed word and character
// n-grams of normalised French text. It is small (one float32 per bucket),
// needs no tokeniser beyond spaces, and scores a comment in microseconds,
// which is what a screen that must run inline on every comment needs.
package model

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Bits sets the number of hash buckets (2^Bits); collisions at this size
// cost less than a point of accuracy on the training data and keep the
// embedded weights small (see MarshalBinary).
const Bits = 18

const magic = "PVSM3\n"

// Model holds the weights and the decision thresholds chosen at training.
type Model struct {
	W      []float32
	Bias   float32
	Hold   float32 // probability from which a comment is held on the model alone
	Reject float32 // probability from which strong lexicon evidence rejects
	// Cue is the lower probability from which a comment is held when it also
	// carries a weak lexical cue (a hostile word, an insult quoted or
	// negated) that does not hold it on its own.
	Cue float32
	// OpenW and OpenBias are a second set of weights, trained only on the
	// texts the lexicon rules leave open (no insult, slur, threat, personal
	// data or spam found). Those are the only texts whose verdict depends on
	// the model alone, and a model fitted to them ranks them much better
	// than one that spends its capacity on texts the rules already hold
	// (out-of-fold AUC on the open MLMA tweets 0.59 → 0.66). Nil means use W.
	OpenW    []float32
	OpenBias float32
	// OpenMix is the share of the open weights in the log-odds ProbOpen
	// returns; the rest comes from W. The general weights temper the open
	// ones on civic text unlike the tweets most open texts are.
	OpenMix float32

	// both holds W and OpenW interleaved (W[f] at 2f, OpenW[f] at 2f+1) so
	// that scoring a comment with the two sets costs one memory access per
	// feature rather than two; UnmarshalBinary builds it.
	both []float32
}

// Features appends the hashed features of a normalised text (words separated
// by single spaces) to dst: words, word pairs, and character 3- to 5-grams
// of each word padded with spaces so that prefixes and suffixes count.
func Features(norm string, dst []uint32) []uint32 {
	const mask = 1<<Bits - 1
	prev := uint32(0)
	havePrev := false
	for start := 0; start < len(norm); {
		end := start
		for end < len(norm) && norm[end] != ' ' {
			end++
		}
		w := digitShape(norm[start:end])
		start = end + 1
		if w == "" {
			continue
		}
		wh := hashStr(offset32, w)
		dst = append(dst, (wh^0x9e3779b9)&mask)
		if havePrev {
			dst = append(dst, (hashU32(prev, wh)^0x85ebca6b)&mask)
		}
		prev, havePrev = wh, true
		// Character n-grams over " word ".
		n := len(w) + 2
		for size := 3; size <= 5; size++ {
			for i := 0; i+size <= n; i++ {
				h := uint32(offset32) ^ uint32(size)
				for k := i; k < i+size; k++ {
					var c byte = ' '
					if k > 0 && k <= len(w) {
						c = w[k-1]
					}
					h = (h ^ uint32(c)) * prime32
				}
				dst = append(dst, h&mask)
			}
		}
	}
	return dst
}

// digitShape writes every digit as 0: which number a comment quotes
// (a date, an invoice) says nothing about abuse, and rare numbers would
// otherwise get noisy weights.
func digitShape(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= '1' && w[i] <= '9' {
			b := []byte(w)
			for j := i; j < len(b); j++ {
				if b[j] >= '1' && b[j] <= '9' {
					b[j] = '0'
				}
			}
			return string(b)
		}
	}
	return w
}

const (
	offset32 = 2166136261
	prime32  = 16777619
)

func hashStr(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * prime32
	}
	return h
}

func hashU32(a, b uint32) uint32 {
	h := uint32(offset32)
	for _, v := range [2]uint32{a, b} {
		for i := 0; i < 4; i++ {
			h = (h ^ (v >> (8 * i) & 0xff)) * prime32
		}
	}
	return h
}

// Prob returns the probability that the text behind feats is abusive.
// Features are weighted 1/sqrt(n) so that long and short texts compare.
func (m *Model) Prob(feats []uint32) float64 {
	p, _ := m.Probs(feats)
	return p
}

// ProbOpen is the probability for a text no rule flagged: the log-odds of
// the open weights (see OpenW) mixed with the general ones by OpenMix.
func (m *Model) ProbOpen(feats []uint32) float64 {
	_, open := m.Probs(feats)
	return open
}

// Probs returns Prob and ProbOpen together, in one pass over the features.
func (m *Model) Probs(feats []uint32) (p, open float64) {
	var z, zo float64
	switch {
	case m.both != nil:
		var s, so float32
		for _, f := range feats {
			s += m.both[2*f]
			so += m.both[2*f+1]
		}
		n := math.Sqrt(float64(max(len(feats), 1)))
		z, zo = float64(m.Bias)+float64(s)/n, float64(m.OpenBias)+float64(so)/n
	case m.OpenW != nil:
		z, zo = logOdds(m.W, m.Bias, feats), logOdds(m.OpenW, m.OpenBias, feats)
	default:
		z = logOdds(m.W, m.Bias, feats)
		return sigmoid(z), sigmoid(z)
	}
	a := float64(m.OpenMix)
	return sigmoid(z), sigmoid(a*zo + (1-a)*z)
}

func logOdds(w []float32, bias float32, feats []uint32) float64 {
	if len(feats) == 0 {
		return float64(bias)
	}
	var s float32
	for _, f := range feats {
		s += w[f]
	}
	return float64(bias) + float64(s)/math.Sqrt(float64(len(feats)))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// MarshalBinary writes the model in a small fixed layout (little endian).
func (m *Model) MarshalBinary() ([]byte, error) {
	if len(m.W) != 1<<Bits {
		return nil, errors.New("model: no weights to write (a decoded model keeps only its interleaved copy)")
	}
	// Compressed: most hash buckets are never used and stay at zero, so the
	// 2 MiB of weights take about a quarter of that in the binary.
	var b bytes.Buffer
	z, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := z.Write([]byte(magic)); err != nil {
		return nil, err
	}
	open := m.OpenW
	if open == nil {
		open = m.W
	}
	for _, v := range []any{uint32(len(m.W)), m.Bias, m.Hold, m.Reject, m.Cue, m.W, m.OpenBias, m.OpenMix, open} {
		if err := binary.Write(z, binary.LittleEndian, v); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalBinary reads what MarshalBinary wrote. The decoded model keeps
// only the interleaved weights Check reads (W and OpenW stay nil), which
// halves its memory and start-up work; it can score but not be written
// back.
func (m *Model) UnmarshalBinary(compressed []byte) error {
	z, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return errors.New("model: not a Parvis screening model")
	}
	data, err := io.ReadAll(z)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if !bytes.HasPrefix(data, []byte(magic)) {
		return errors.New("model: not a Parvis screening model")
	}
	data = data[len(magic):]
	const n = 1 << Bits
	if len(data) < 4 || binary.LittleEndian.Uint32(data) != n {
		return fmt.Errorf("model: not %d weights", n)
	}
	// n, 4 floats, W, 2 floats, OpenW.
	if len(data) != 4+16+4*n+8+4*n {
		return fmt.Errorf("model: %d bytes, want %d", len(data), 4+16+4*n+8+4*n)
	}
	f32 := func(off int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(data[off:])) }
	m.Bias, m.Hold, m.Reject, m.Cue = f32(4), f32(8), f32(12), f32(16)
	w, o := 20, 20+4*n+8
	m.OpenBias, m.OpenMix = f32(o-8), f32(o-4)
	m.W, m.OpenW = nil, nil
	m.both = make([]float32, 2*n)
	for i := 0; i < n; i++ {
		m.both[2*i], m.both[2*i+1] = f32(w+4*i), f32(o+4*i)
	}
	return nil
}
