// Command screeneval measures the embedded screen on the held-out split of
// the French moderation data and prints the figures reported in
// docs/MODERATION.md: confusion tables per source, the trade-off when the
// thresholds move, a plain word-list baseline, and HateCheck accuracy per
// functionality.
//
//	go run ./internal/screen/cmd/screeneval [-data ../shared/moderation]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/screen/dataset"
	"github.com/parvis/parvis/internal/screen/model"
)

func main() {
	data := flag.String("data", dataset.DefaultDir, "directory with the shared moderation data")
	flag.Parse()
	log.SetFlags(0)

	sc, err := screen.New()
	if err != nil {
		log.Fatal(err)
	}
	mlma, skipped, err := dataset.MLMA(*data)
	if err != nil {
		log.Fatal(err)
	}
	hc, err := dataset.HateCheck(*data)
	if err != nil {
		log.Fatal(err)
	}
	civic := dataset.Civic()
	hold, reject := sc.Thresholds()
	cueAt := "?"
	if b, err := os.ReadFile("internal/screen/data/model.bin.gz"); err == nil {
		var m model.Model
		if m.UnmarshalBinary(b) == nil {
			cueAt = fmt.Sprintf("%.2f", m.Cue)
		}
	}
	fmt.Printf("Thresholds: hold at model probability ≥ %.2f on the model alone, ≥ %s with a weak cue; reject at ≥ %.2f with strong rule evidence.\n", hold, cueAt, reject)
	fmt.Printf("MLMA: %d ambiguous rows (\"normal\" mixed with a hostile label) left out.\n\n", skipped)

	sources := []struct {
		name string
		docs []dataset.Doc
	}{{"MLMA tweets (real comments), held out", heldOut(mlma)}, {"HateCheck, held-out templates", heldOut(hc)},
		{"HateCheck, all cases (half the templates were used in training)", hc}, {"Civic hand-written, held out", heldOut(civic)},
		{"Civic evaluation set (civic_eval.tsv, hand-written, never trained on)", dataset.CivicEval()}}
	scored := map[string][]screen.Scored{}
	for _, s := range sources {
		scs := make([]screen.Scored, len(s.docs))
		for i, d := range s.docs {
			scs[i] = sc.Score(d.Text, screen.WordLists{})
		}
		scored[s.name] = scs
		fmt.Printf("## %s: %d texts\n\n", s.name, len(s.docs))
		confusion(s.docs, scs, hold, reject)
	}

	test := heldOut(mlma)
	fmt.Println("## Trade-off on MLMA held out when the hold threshold moves (reject threshold fixed)")
	fmt.Println()
	fmt.Println("| hold ≥ | recall | precision | held or rejected |")
	fmt.Println("|---|---|---|---|")
	for t := 0.30; t <= 0.951; t += 0.05 {
		c := count(test, scored[sources[0].name], t, reject)
		fmt.Printf("| %.2f | %.3f | %.3f | %d |\n", t, c.recall(), c.precision(), c.flagged())
	}
	fmt.Println()
	fmt.Println("## Trade-off when the reject threshold moves (all held-out sources together)")
	fmt.Println()
	fmt.Println("| reject ≥ | rejections | abusive among them | reject precision |")
	fmt.Println("|---|---|---|---|")
	for _, t := range []float64{0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99} {
		var all counts
		for _, s := range sources {
			if strings.HasPrefix(s.name, "HateCheck, all") {
				continue
			}
			all.add(count(s.docs, scored[s.name], hold, t))
		}
		fmt.Printf("| %.2f | %d | %d | %.3f |\n", t, all.rej(), all.rejOK, all.rejectPrecision())
	}
	fmt.Println()

	mixed, err := dataset.MLMAMixed(*data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("## Sensitivity: MLMA held out with the ambiguous rows put back")
	fmt.Println()
	mixedTest := heldOut(mixed)
	mixedSc := make([]screen.Scored, len(mixedTest))
	for i, d := range mixedTest {
		mixedSc[i] = sc.Score(d.Text, screen.WordLists{})
	}
	for _, abusive := range []bool{true, false} {
		docs := append([]dataset.Doc{}, test...)
		scs := append([]screen.Scored{}, scored[sources[0].name]...)
		for i, d := range mixedTest {
			d.Abusive = abusive
			docs = append(docs, d)
			scs = append(scs, mixedSc[i])
		}
		c := count(docs, scs, hold, reject)
		fmt.Printf("- %d ambiguous held-out rows counted as abusive=%v: recall %.3f · precision %.3f (%d texts)\n", len(mixedTest), abusive, c.recall(), c.precision(), len(docs))
	}
	fmt.Println()

	baseline(*data, test)
	hateCheck(hc, scored[sources[2].name], hold, reject)
}

func heldOut(docs []dataset.Doc) []dataset.Doc {
	var out []dataset.Doc
	for _, d := range docs {
		if d.Test {
			out = append(out, d)
		}
	}
	return out
}

// counts is a confusion table: [abusive][verdict].
type counts struct {
	m          [2][3]int
	rejOK, rjB int
}

func (c *counts) add(o counts) {
	for i := range c.m {
		for j := range c.m[i] {
			c.m[i][j] += o.m[i][j]
		}
	}
	c.rejOK += o.rejOK
	c.rjB += o.rjB
}

func vi(v screen.Verdict) int {
	switch v {
	case screen.Hold:
		return 1
	case screen.Reject:
		return 2
	}
	return 0
}

func count(docs []dataset.Doc, scs []screen.Scored, hold, reject float64) counts {
	var c counts
	for i, d := range docs {
		v := vi(scs[i].Decide(hold, reject).Verdict)
		a := 0
		if d.Abusive {
			a = 1
		}
		c.m[a][v]++
		if v == 2 {
			if d.Abusive {
				c.rejOK++
			} else {
				c.rjB++
			}
		}
	}
	return c
}

func (c counts) flagged() int { return c.m[0][1] + c.m[0][2] + c.m[1][1] + c.m[1][2] }
func (c counts) rej() int     { return c.rejOK + c.rjB }
func (c counts) recall() float64 {
	return ratio(c.m[1][1]+c.m[1][2], c.m[1][0]+c.m[1][1]+c.m[1][2])
}
func (c counts) precision() float64       { return ratio(c.m[1][1]+c.m[1][2], c.flagged()) }
func (c counts) rejectPrecision() float64 { return ratio(c.rejOK, c.rej()) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func confusion(docs []dataset.Doc, scs []screen.Scored, hold, reject float64) {
	c := count(docs, scs, hold, reject)
	fmt.Println("| label \\ verdict | allow | hold | reject |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| abusive | %d | %d | %d |\n", c.m[1][0], c.m[1][1], c.m[1][2])
	fmt.Printf("| not abusive | %d | %d | %d |\n", c.m[0][0], c.m[0][1], c.m[0][2])
	fmt.Printf("\nrecall (abusive held or rejected) %.3f · precision (held-or-rejected that are abusive) %.3f · reject precision %.3f (%d rejections)\n\n",
		c.recall(), c.precision(), c.rejectPrecision(), c.rej())
}

// baseline is the plain word-list filter the issue compares against: the
// three source lists, lowercased, matched as whole words, no normalisation,
// no curation, no model.
func baseline(dir string, docs []dataset.Doc) {
	var words []string
	for _, f := range []string{"lexicon_darwiin_french_badwords.txt", "lexicon_ldnoobw_fr.txt", "lexicon_mhc_fr_identity_slurs.txt"} {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			log.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			w, _, _ := strings.Cut(l, "\t")
			words = append(words, regexp.QuoteMeta(strings.ToLower(w)))
		}
		fh.Close()
	}
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	re := regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(?:` + strings.Join(words, "|") + `)(?:$|[^\p{L}\p{N}])`)
	var c counts
	for _, d := range docs {
		v, a := 0, 0
		if re.MatchString(strings.ToLower(d.Text)) {
			v = 1
		}
		if d.Abusive {
			a = 1
		}
		c.m[a][v]++
	}
	fmt.Println("## Baseline: plain word-list filter on MLMA held out")
	fmt.Println()
	fmt.Printf("| label \\ flagged | no | yes |\n|---|---|---|\n| abusive | %d | %d |\n| not abusive | %d | %d |\n\n", c.m[1][0], c.m[1][1], c.m[0][0], c.m[0][1])
	fmt.Printf("baseline recall %.3f · precision %.3f\n\n", c.recall(), c.precision())
}

// hateCheck prints, per functionality, the verdicts and the accuracy: a
// hateful case is right when held or rejected, a non-hateful one when
// allowed; "not rejected" is what counter-speech and negation require.
func hateCheck(docs []dataset.Doc, scs []screen.Scored, hold, reject float64) {
	type row struct {
		gold             string
		n, right, notRej int
		v                [3]int
		nTest, rightTest int
	}
	rows := map[string]*row{}
	var names []string
	for i, d := range docs {
		r := rows[d.Group]
		if r == nil {
			r = &row{gold: "non-hateful"}
			if d.Abusive {
				r.gold = "hateful"
			}
			rows[d.Group] = r
			names = append(names, d.Group)
		}
		v := vi(scs[i].Decide(hold, reject).Verdict)
		right := (v > 0) == d.Abusive
		r.n++
		r.v[v]++
		if right {
			r.right++
		}
		if v != 2 {
			r.notRej++
		}
		if d.Test {
			r.nTest++
			if right {
				r.rightTest++
			}
		}
	}
	sort.Strings(names)
	fmt.Println("## HateCheck French, per functionality")
	fmt.Println()
	fmt.Println("| functionality | gold | cases | allow | hold | reject | accuracy (all) | accuracy (held-out templates) | not rejected |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, n := range names {
		r := rows[n]
		fmt.Printf("| %s | %s | %d | %d | %d | %d | %.3f | %.3f (%d) | %.3f |\n", n, r.gold, r.n, r.v[0], r.v[1], r.v[2],
			ratio(r.right, r.n), ratio(r.rightTest, r.nTest), r.nTest, ratio(r.notRej, r.n))
	}
	fmt.Println()
}
