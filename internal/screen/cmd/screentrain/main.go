// Command screentrain fits the screening model on the training split of the
// French moderation data, tunes its thresholds by 5-fold cross-validation
// on that same split, and writes internal/screen/data/model.bin.gz. It is
// deterministic: the same data give the same bytes.
//
//	go run ./internal/screen/cmd/screentrain [-data ../shared/moderation] [-out internal/screen/data/model.bin.gz]
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strings"

	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/screen/dataset"
	"github.com/parvis/parvis/internal/screen/model"
)

// Targets the thresholds are tuned for, with a margin over the required
// 0.80 recall and 0.97 reject precision since held-out data will be worse.
const (
	targetRejectPrecis = 0.985
	folds              = 5
)

func main() {
	data := flag.String("data", dataset.DefaultDir, "directory with the shared moderation data")
	out := flag.String("out", "internal/screen/data/model.bin.gz", "where to write the model")
	flag.Float64Var(&openMix, "mix", 0.7, "share of the open weights in the log-odds for open texts")
	flag.Float64Var(&civicOpen, "civic-open", 3, "extra weight of civic text for the open weights")
	flag.BoolVar(&noPrune, "no-prune", false, "fit the open weights on every MLMA tweet, without setting aside those whose out-of-fold probability contradicts their label")
	flag.BoolVar(&showPruned, "show-pruned", false, "print the MLMA tweets set aside, with their labels and out-of-fold probabilities")
	flag.StringVar(&foldSalt, "fold-salt", "", "salt for the cross-validation folds (to see how much the out-of-fold figures move with another split)")
	flag.Float64Var(&pruneNormalAbove, "prune-normal", 0.65, "set aside MLMA tweets labelled normal that the out-of-fold model scores at least this")
	flag.Float64Var(&pruneAbusiveBelow, "prune-abusive", 0.35, "set aside MLMA tweets labelled abusive that the out-of-fold model scores at most this")
	flag.BoolVar(&noOpen, "no-open", false, "do not fit open weights (for comparison: one set of weights for every text)")
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
	rule, cue := lexicalEvidence(sc, docs)
	feats := make([][]uint32, len(docs))
	for i, d := range docs {
		feats[i] = model.Features(screen.ModelText(d.Text), nil)
	}
	fold := make([]int, len(docs))
	for i, d := range docs {
		if foldSalt != "" { // another split; templates stay together
			d.ID = foldSalt + d.ID
			if d.Template != "" {
				d.Template = foldSalt + d.Template
			}
		}
		fold[i] = dataset.Fold(d, folds)
	}
	t := trainer{sc: sc, docs: docs, feats: feats, rule: rule, fold: fold}

	// Out-of-fold scores: each training text scored by a model that did not
	// see it, so that thresholds are not tuned on memorised texts.
	all := func(int) bool { return true }
	scored := t.outOfFold(all)
	keep := all
	if !noPrune {
		// The open weights of the final model learn from the tweets left
		// once those whose out-of-fold probability contradicts their label
		// are set aside (see kept). The thresholds must be tuned on models
		// trained the same way: each fold is scored by a model whose
		// training folds were pruned by their own inner cross-validation,
		// so that no fold's labels decide what the model that scores it
		// learns from.
		keep = kept(docs, scored, true)
		scored = make([]screen.Scored, len(docs))
		for f := 0; f < folds; f++ {
			outer := func(i int) bool { return fold[i] != f }
			fit := kept(docs, t.outOfFold(outer), false)
			for i, s := range t.fitScore(f, outer, func(i int) bool { return outer(i) && fit(i) }) {
				scored[i] = s
			}
		}
	}
	hold, cueAt := tuneHold(docs, scored, rule, cue)
	reject := tuneReject(docs, scored, hold)

	m := t.fit(all, keep)
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

var (
	foldSalt   string
	showPruned bool
	noPrune    bool
	noOpen     bool
	openMix    float64
	civicOpen  float64
)

// trainer fits models on subsets of the training texts.
type trainer struct {
	sc    *screen.Screener
	docs  []dataset.Doc
	feats [][]uint32
	rule  []bool // the rules hold the text on their own
	fold  []int
}

// fit trains a model: its general weights on the texts use accepts, its
// open weights on those of useOpen that no rule holds (see
// model.Model.OpenW), classes balanced among each.
func (t trainer) fit(use, useOpen func(int) bool) *model.Model {
	var all, open []model.Example
	for _, ex := range examples(t.docs, t.feats, use, false) {
		if ex.Weight > 0 {
			all = append(all, ex)
		}
	}
	for _, ex := range examples(t.docs, t.feats, func(i int) bool { return useOpen(i) && !t.rule[i] }, true) {
		if ex.Weight > 0 {
			open = append(open, ex)
		}
	}
	return trainModel(all, open)
}

// fitScore scores the texts of fold f with a model fitted on use and
// useOpen (see fit; neither may accept a text of fold f), by index.
func (t trainer) fitScore(f int, use, useOpen func(int) bool) map[int]screen.Scored {
	fs := t.sc.WithModel(t.fit(use, useOpen))
	out := map[int]screen.Scored{}
	for i, d := range t.docs {
		if t.fold[i] == f {
			out[i] = fs.Score(d.Text, screen.WordLists{})
		}
	}
	return out
}

// outOfFold scores every text among accepts with a model trained on the
// texts among accepts in the other folds; the others stay unscored.
func (t trainer) outOfFold(among func(int) bool) []screen.Scored {
	scored := make([]screen.Scored, len(t.docs))
	for f := 0; f < folds; f++ {
		use := func(i int) bool { return among(i) && t.fold[i] != f }
		for i, s := range t.fitScore(f, use, use) {
			if among(i) {
				scored[i] = s
			}
		}
	}
	return scored
}

// Tweets whose out-of-fold probability contradicts their label by this
// much are set aside before the open weights are fitted (see kept); chosen
// out of fold (docs/MODERATION.md).
var pruneNormalAbove, pruneAbusiveBelow float64

// kept tells which training texts the open weights learn from: all but
// the MLMA tweets labelled normal that a model which did not see them
// scores ≥ pruneNormalAbove, and those labelled abusive it scores ≤
// pruneAbusiveBelow. Many are label noise of a keyword-collected corpus:
// "#italie : le gouvernement adopte une nouvelle loi pour expulser plus
// vite les migrants…" is labelled abusive while the same news from another
// account is labelled normal, "@user ah ? jsp j'ai bloque direct" is
// labelled abusive. Some are hard cases labelled right, which the model
// then does not learn; out of fold the trade is a gain (fewer wrongful
// holds at the same recall). Only MLMA is pruned: the other sources were
// labelled case by case. Texts never scored (absent from scored) are kept.
func kept(docs []dataset.Doc, scored []screen.Scored, report bool) func(int) bool {
	drop := make([]bool, len(docs))
	n := 0
	for i, d := range docs {
		p := scored[i].Prob()
		if d.Source == "mlma" && (!d.Abusive && p >= pruneNormalAbove || d.Abusive && p <= pruneAbusiveBelow && p > 0) {
			drop[i] = true
			n++
		}
	}
	if report {
		log.Printf("set aside %d MLMA tweets whose out-of-fold probability contradicts their label", n)
		if showPruned {
			for i, d := range docs {
				if drop[i] {
					log.Printf("  set aside (labelled abusive %v, p=%.2f): %s", d.Abusive, scored[i].Prob(), d.Text)
				}
			}
		}
	}
	return func(i int) bool { return !drop[i] }
}

// train fits the model on all examples and its open weights on open.
func trainModel(all, open []model.Example) *model.Model {
	m := model.Train(all, model.DefaultTrainOptions)
	if noOpen {
		return m
	}
	o := model.Train(open, model.OpenTrainOptions)
	m.OpenW, m.OpenBias, m.OpenMix = o.W, o.Bias, float32(openMix)
	return m
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
// comments are abusive. Only the texts include accepts are counted and
// weighted; the others get weight 0. open marks the examples for the open
// weights.
func examples(docs []dataset.Doc, feats [][]uint32, include func(int) bool, open bool) []model.Example {
	count := map[string][2]float64{}
	for i, d := range docs {
		if !include(i) {
			continue
		}
		c := count[d.Source]
		c[b2i(d.Abusive)]++
		count[d.Source] = c
	}
	exs := make([]model.Example, len(docs))
	for i, d := range docs {
		exs[i] = model.Example{Feats: feats[i], Label: d.Abusive}
		if !include(i) {
			continue
		}
		c := count[d.Source]
		w := (c[0] + c[1]) / (2 * c[b2i(d.Abusive)])
		if d.Source == "civic" || d.Source == "civic-synthetic" {
			w *= 3 // closest to real comments on a commune's site
			if open {
				// The open weights decide model-only holds, the ones that
				// silence civil criticism: civic text counts more again.
				w *= civicOpen
			}
		}
		exs[i].Weight = w
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
// HateCheck case once, three times when it is counter-speech or a negation
// (the issue singles them out: quoting an insult to condemn it, or denying
// a hateful statement, must stay publishable; with equal weights the cue
// threshold fell to 0.34 and counter-speech was held far more often).
func tuneHold(docs []dataset.Doc, scored []screen.Scored, rule, cue []bool) (hold, cueAt float64) {
	// The statistical part must not hold a comment on weak evidence
	// (issue 16): among the acceptable training texts that no rule flags,
	// the model may hold at most maxModelFalseHold out of fold. Within that
	// budget the thresholds that catch the most abusive texts win, then the
	// fewest acceptable civic and counter-speech texts held.
	hold, cueAt = 0.99, 0.99
	bestTP, bestCost := -1, math.Inf(1)
	for hi := 50; hi <= 99; hi++ {
		for ci := 40; ci <= hi; ci += 2 {
			h, c := float64(hi)/100, float64(ci)/100
			o := outcomes(docs, scored, rule, cue, h, c)
			if o.modelFalseHoldRate() > maxModelFalseHold {
				continue
			}
			cost := float64(5*o.civic + o.hcNH + 2*o.hcCounter)
			if tp := o.tp + o.otherTP; tp > bestTP || tp == bestTP && cost < bestCost {
				hold, cueAt, bestTP, bestCost = h, c, tp, cost
			}
		}
	}
	o := outcomes(docs, scored, rule, cue, hold, cueAt)
	log.Printf("out of fold: MLMA recall %.3f precision %.3f; acceptable texts held by the model alone %.3f; acceptable civic texts held %d; non-hateful HateCheck cases held %d",
		o.recall(), float64(o.tp)/float64(o.tp+o.fp), o.modelFalseHoldRate(), o.civic, o.hcNH)
	return hold, cueAt
}

// maxModelFalseHold is the share of acceptable texts that no rule flags
// which the model alone may hold, out of fold.
const maxModelFalseHold = 0.03

// outcome counts what the hold thresholds do to the training texts: MLMA
// tweets caught, missed and wrongly held, acceptable civic texts held, and
// non-hateful HateCheck cases (counter-speech, negation, neutral mentions)
// held, and among them counter-speech and negations.
type outcome struct {
	tp, fn, fp, civic, hcNH, hcCounter int
	otherTP                            int // abusive civic and HateCheck texts flagged
	okOpen, okMod                      int // acceptable texts no rule flags, and those the model holds
}

func (o outcome) modelFalseHoldRate() float64 {
	if o.okOpen == 0 {
		return 0
	}
	return float64(o.okMod) / float64(o.okOpen)
}

func (o outcome) recall() float64 { return float64(o.tp) / float64(o.tp+o.fn) }

func outcomes(docs []dataset.Doc, scored []screen.Scored, rule, cue []bool, hold, cueAt float64) outcome {
	var o outcome
	for i, d := range docs {
		p := scored[i].Prob()
		flagged := rule[i] || p >= hold || cue[i] && p >= cueAt
		if !d.Abusive && !rule[i] {
			o.okOpen++
			if flagged {
				o.okMod++
			}
		}
		if d.Abusive && d.Source != "mlma" && flagged {
			o.otherTP++
		}
		switch {
		case d.Source == "mlma" && d.Abusive && flagged:
			o.tp++
		case d.Source == "mlma" && d.Abusive:
			o.fn++
		case d.Source == "mlma" && flagged:
			o.fp++
		case (d.Source == "civic" || d.Source == "civic-synthetic") && !d.Abusive && flagged:
			o.civic++
		case d.Source == "hatecheck" && !d.Abusive && flagged:
			o.hcNH++
			if strings.HasPrefix(d.Group, "counter_") || strings.HasPrefix(d.Group, "negate_") {
				o.hcCounter++
			}
		}
	}
	return o
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
