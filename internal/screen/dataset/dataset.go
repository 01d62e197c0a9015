// Package dataset loads the labelled French text used to train and measure
// the screen, and splits it deterministically into training and held-out
// parts, so that training and evaluation never disagree on the split.
package dataset

//go:generate sh -c "go run ./gencivic > civic_synthetic.tsv"

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
)

// Doc is one labelled text.
type Doc struct {
	Source  string // "mlma", "hatecheck", "civic"
	ID      string
	Text    string
	Abusive bool
	Test    bool   // held out: never used for training or tuning
	Group   string // HateCheck functionality, MLMA target group
	Labels  string // MLMA raw sentiment labels ("abusive_offensive")
	// Template groups texts made from one template (HateCheck); they share a
	// cross-validation fold so that out-of-fold scores, like the held-out
	// split, measure wording the model never saw.
	Template string
}

// DefaultDir is where the shared data sits relative to the repository root.
const DefaultDir = "../shared/moderation"

// held reports whether key falls in the held-out part (1 in every mod).
func held(key string, mod uint32) bool {
	h := fnv.New32a()
	h.Write([]byte(key))
	return h.Sum32()%mod == 0
}

// MLMA loads the French MLMA tweets. Rows whose annotators mixed "normal"
// with a hostile label are ambiguous and skipped (reported as skipped); the
// rest are abusive unless labelled plain "normal". One in five rows, chosen
// by a hash of the row id, is held out.
func MLMA(dir string) (docs []Doc, skipped int, err error) {
	rows, err := readCSV(filepath.Join(dir, "mlma_fr_dataset.csv"))
	if err != nil {
		return nil, 0, err
	}
	for _, r := range rows {
		labels := strings.Split(r["sentiment"], "_")
		normal := false
		for _, l := range labels {
			if l == "normal" {
				normal = true
			}
		}
		if normal && len(labels) > 1 {
			skipped++
			continue
		}
		docs = append(docs, Doc{Source: "mlma", ID: r["HITId"], Text: r["tweet"], Abusive: !normal,
			Test: held("mlma:"+r["HITId"], 5), Group: r["group"], Labels: r["sentiment"]})
	}
	return docs, skipped, nil
}

// HateCheck loads the French Multilingual HateCheck cases. Whole templates
// are held out (one in two, by a hash of the template id), so the held-out
// cases are sentences whose wording the model never saw.
func HateCheck(dir string) ([]Doc, error) {
	rows, err := readCSV(filepath.Join(dir, "hatecheck_fr_cases.csv"))
	if err != nil {
		return nil, err
	}
	var docs []Doc
	for _, r := range rows {
		docs = append(docs, Doc{Source: "hatecheck", ID: r["mhc_case_id"], Text: r["test_case"],
			Abusive: r["label_gold"] == "hateful", Group: r["functionality"],
			Test:     held("hc:"+r["functionality"]+":"+r["templ_id"], 2),
			Template: r["functionality"] + ":" + r["templ_id"]})
	}
	return docs, nil
}

// MLMAMixed returns only the rows MLMA leaves out (annotators mixed "normal"
// with a hostile label), labelled abusive, split like the others; the
// evaluation uses them to show how the figures move if they were kept.
func MLMAMixed(dir string) ([]Doc, error) {
	rows, err := readCSV(filepath.Join(dir, "mlma_fr_dataset.csv"))
	if err != nil {
		return nil, err
	}
	var docs []Doc
	for _, r := range rows {
		labels := strings.Split(r["sentiment"], "_")
		if len(labels) > 1 && strings.Contains("_"+r["sentiment"]+"_", "_normal_") {
			docs = append(docs, Doc{Source: "mlma", ID: r["HITId"], Text: r["tweet"], Abusive: true,
				Test: held("mlma:"+r["HITId"], 5), Group: r["group"], Labels: r["sentiment"]})
		}
	}
	return docs, nil
}

var (
	//go:embed civic.tsv
	civicTSV string
	//go:embed civic_synthetic.tsv
	civicSyntheticTSV string
	//go:embed civic_eval.tsv
	civicEvalTSV string
)

// Civic returns the hand-written civic comments; one in three is held out.
func Civic() []Doc {
	return parseTSV(civicTSV, "civic", func(text string) bool { return held("civic:"+text, 3) })
}

// CivicSynthetic returns the template-generated civic sentences (see
// gencivic); they are used for training only.
func CivicSynthetic() []Doc {
	return parseTSV(civicSyntheticTSV, "civic-synthetic", func(string) bool { return false })
}

// CivicEval returns the hand-written civic evaluation set; all of it is held
// out, and none of it was generated from the synthetic templates.
func CivicEval() []Doc {
	return parseTSV(civicEvalTSV, "civic-eval", func(string) bool { return true })
}

func parseTSV(tsv, source string, test func(string) bool) []Doc {
	var docs []Doc
	sc := bufio.NewScanner(strings.NewReader(tsv))
	for n := 1; sc.Scan(); n++ {
		label, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok || strings.HasPrefix(label, "#") {
			continue
		}
		docs = append(docs, Doc{Source: source, ID: fmt.Sprint(n), Text: text, Abusive: label == "1", Test: test(text)})
	}
	return docs
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w (run from the repository root with shared/ beside it, or pass -data)", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	all, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", path, err)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("dataset: %s is empty", path)
	}
	var rows []map[string]string
	for _, rec := range all[1:] {
		m := make(map[string]string, len(all[0]))
		for i, k := range all[0] {
			if i < len(rec) {
				m[k] = rec[i]
			}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

// Fold returns which of n cross-validation folds d belongs to (by a hash of
// its source and id), so that every command splits the training data alike.
func Fold(d Doc, n int) int {
	key := d.Source + ":" + d.ID
	if d.Template != "" {
		key = d.Source + ":t:" + d.Template
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}
