// Command screentrain fits the screening model on the training split of the
// French moderation data, tunes its thresholds by 5-fold cross-validation
// on that same split, and writes internal/screen/data/model.bin. It is
// deterministic: the same data give the same bytes.
//
//	go run ./internal/screen/cmd/screentrain [-data ../shared/moderation] [-out internal/screen/data/model.bin]
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"

	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/screen/dataset"
	"github.com/parvis/parvis/internal/screen/model"
)

// Targets the thresholds are tuned for, with a margin over the required
// 0.80 recall and 0.97 reject precision since held-out data will be worse.
const (
	targetRecall       = 0.82
	targetRejectPrecis = 0.985
	folds              = 5
)

func main() {
	data := flag.String("data", dataset.DefaultDir, "directory with the shared moderation data")
	out := flag.String("out", "internal/screen/data/model.bin", "where to write the model")
	flag.Parse()
	log.SetFlags(0)

	docs, err := trainingDocs(*data)
	if err != nil {
		log.Fatal(err)
	}
	sc, err := screen.New()
	if err != nil {
		// The first run has no model yet; the lexicons are all we need.
		log.Printf("note: %v (training from scratch)", err)
		sc, err = screen.NewWithoutModel()
		if err != nil {
			log.Fatal(err)
		}
	}
	exs := examples(docs)
	rule, cue := lexicalEvidence(sc, docs)

	// Out-of-fold scores: each training text scored by a model that did not
	// see it, so that thresholds are not tuned on memorised texts.
	scored := make([]screen.Scored, len(docs))
	for f := 0; f < folds; f++ {
		var fit []model.Example
		for i := range exs {
			if dataset.Fold(docs[i], folds) != f {
				fit = append(fit, exs[i])
			}
		}
		fs := sc.WithModel(model.Train(fit, model.DefaultTrainOptions))
		for i, d := range docs {
			if dataset.Fold(d, folds) == f {
				scored[i] = fs.Score(d.Text, screen.WordLists{})
			}
		}
	}
	hold, cueAt := tuneHold(docs, scored, rule, cue)
	reject := tuneReject(docs, scored, hold)

	m := model.Train(exs, model.DefaultTrainOptions)
	m.Hold, m.Reject, m.Cue = float32(hold), float32(reject), float32(cueAt)
	b, err := m.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d training texts, hold ≥ %.2f (≥ %.2f with a weak cue), reject (with strong evidence) ≥ %.2f",
		*out, len(docs), hold, cueAt, reject)
}

// trainingDocs returns every text not held out.
func trainingDocs(dir string) ([]dataset.Doc, error) {
	mlma, skipped, err := dataset.MLMA(dir)
	if err != nil {
		return nil, err
	}
	hc, err := dataset.HateCheck(dir)
	if err != nil {
		return nil, err
	}
	log.Printf("MLMA: %d rows used, %d ambiguous rows skipped", len(mlma), skipped)
	var out []dataset.Doc
	for _, d := range append(append(append(mlma, hc...), dataset.Civic()...), dataset.CivicSynthetic()...) {
		if !d.Test {
			out = append(out, d)
		}
	}
	return out, nil
}

// examples featurises the texts and balances the classes within each source,
// so that MLMA's 78% abusive tweets do not teach the model that most
// comments are abusive.
func examples(docs []dataset.Doc) []model.Example {
	count := map[string][2]float64{}
	for _, d := range docs {
		c := count[d.Source]
		c[b2i(d.Abusive)]++
		count[d.Source] = c
	}
	exs := make([]model.Example, len(docs))
	for i, d := range docs {
		c := count[d.Source]
		w := (c[0] + c[1]) / (2 * c[b2i(d.Abusive)])
		if d.Source == "civic" || d.Source == "civic-synthetic" {
			w *= 3 // closest to real comments on a commune's site
		}
		exs[i] = model.Example{Feats: model.Features(screen.Normalize(d.Text), nil), Label: d.Abusive, Weight: w}
	}
	return exs
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lexicalEvidence tells, for each text, whether the rules hold it on their
// own and whether it carries a weak cue (see model.Model.Cue); it uses a
// model with no weights so that only the lexicons and rules speak.
func lexicalEvidence(sc *screen.Screener, docs []dataset.Doc) (rule, cue []bool) {
	zero := make([]float32, 1<<model.Bits)
	ruleSc := sc.WithModel(&model.Model{W: zero, Hold: 2, Reject: 2, Cue: 2})
	cueSc := sc.WithModel(&model.Model{W: zero, Hold: 2, Reject: 2, Cue: 0})
	rule, cue = make([]bool, len(docs)), make([]bool, len(docs))
	for i, d := range docs {
		rule[i] = ruleSc.Check(d.Text, screen.WordLists{}).Verdict != screen.Allow
		cue[i] = !rule[i] && cueSc.Check(d.Text, screen.WordLists{}).Verdict != screen.Allow
	}
	return rule, cue
}

// tuneHold picks the model-only hold threshold and the lower threshold for
// texts with a weak cue: among the pairs that keep recall on the MLMA
// training tweets at the target, the one with the fewest wrongful holds,
// a wrongful hold of a civic comment counting five times a tweet's (civic
// comments are what the platform will really receive, and holding civil
// criticism is what must be avoided), a wrongful hold of a non-hateful
// HateCheck case (counter-speech, negation, neutral mention) once.
func tuneHold(docs []dataset.Doc, scored []screen.Scored, rule, cue []bool) (hold, cueAt float64) {
	hold, cueAt = 0.5, 0.5
	best := math.Inf(1)
	for hi := 30; hi <= 99; hi++ {
		for ci := 20; ci <= hi; ci += 2 {
			h, c := float64(hi)/100, float64(ci)/100
			var tp, fn, cost float64
			for i, d := range docs {
				p := scored[i].Prob()
				flagged := rule[i] || p >= h || cue[i] && p >= c
				switch {
				case d.Source == "mlma" && d.Abusive && flagged:
					tp++
				case d.Source == "mlma" && d.Abusive:
					fn++
				case d.Source == "mlma" && flagged:
					cost++
				case (d.Source == "civic" || d.Source == "civic-synthetic") && !d.Abusive && flagged:
					cost += 5
				case d.Source == "hatecheck" && !d.Abusive && flagged:
					cost++ // counter-speech, negation, neutral mentions
				}
			}
			if tp/(tp+fn) >= targetRecall && cost < best {
				hold, cueAt, best = h, c, cost
			}
		}
	}
	return hold, cueAt
}

// tuneReject picks the lowest reject threshold whose rejections, over all
// training sources, are abusive at the target rate.
func tuneReject(docs []dataset.Doc, scored []screen.Scored, hold float64) float64 {
	for t := 0.30; t <= 1.001; t += 0.01 {
		var ok, bad float64
		for i, d := range docs {
			if scored[i].Decide(hold, t).Verdict == screen.Reject {
				if d.Abusive {
					ok++
				} else {
					bad++
				}
			}
		}
		fmt.Printf("reject %.2f: %d rejections, precision %.3f\n", t, int(ok+bad), ok/(ok+bad))
		if ok+bad == 0 || ok/(ok+bad) >= targetRejectPrecis {
			return t
		}
	}
	return 1.01
}
