package screencli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/parvis/parvis/internal/screen"
)

// evalRow is one labelled comment of an --eval file.
type evalRow struct {
	Text     *string `json:"text"`
	Label    string  `json:"label"`
	Source   string  `json:"source"`
	Category string  `json:"category"`
}

// tally counts verdicts on labelled comments. "Flagged" is held or
// rejected: what does not appear at once.
type tally struct {
	abusive, ok             int
	abusiveFlagged, okFlagd int
	abusiveRejected, okRej  int
}

func (t *tally) add(abusive bool, v screen.Verdict) {
	flagged := v != screen.Allow
	if abusive {
		t.abusive++
		if flagged {
			t.abusiveFlagged++
		}
		if v == screen.Reject {
			t.abusiveRejected++
		}
		return
	}
	t.ok++
	if flagged {
		t.okFlagd++
	}
	if v == screen.Reject {
		t.okRej++
	}
}

// ratio prints a/b, or "–" when b is 0 (nothing to measure).
func ratio(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func (t tally) row(name string) string {
	return fmt.Sprintf("| %s | %d | %d | %s (%d/%d) | %s | %s (%d/%d) | %s (%d/%d) | %d |",
		name, t.abusive, t.ok,
		ratio(t.abusiveFlagged, t.abusive), t.abusiveFlagged, t.abusive,
		ratio(t.abusiveFlagged, t.abusiveFlagged+t.okFlagd),
		ratio(t.abusiveRejected, t.abusiveRejected+t.okRej), t.abusiveRejected, t.abusiveRejected+t.okRej,
		ratio(t.okFlagd, t.ok), t.okFlagd, t.ok, t.okRej)
}

const evalHeader = "| %s | abusive | ok | recall (abusive held or rejected) | precision | reject precision | false-hold rate (ok held or rejected) | ok rejected |\n|---|---|---|---|---|---|---|---|\n"

// runEval screens every labelled line of path and prints the figures
// overall, per source and per category, as Markdown tables that can be
// pasted into docs/MODERATION.md.
func runEval(path string, s *screen.Screener, lists screen.WordLists, stdout io.Writer, errorsTo io.Writer, showErrors bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("screen --eval: %w", err)
	}
	defer f.Close()
	var all tally
	bySource, byCategory := map[string]*tally{}, map[string]*tally{}
	in := bufio.NewReaderSize(f, 64<<10)
	n := 0
	for line := 1; ; line++ {
		raw, tooLong, err := readLine(in)
		if err != nil && err != io.EOF {
			return fmt.Errorf("screen --eval: %s line %d: %w", path, line, err)
		}
		if tooLong {
			return fmt.Errorf("screen --eval: %s line %d: line too long", path, line)
		}
		if strings.TrimSpace(string(raw)) != "" {
			var r evalRow
			if e := json.Unmarshal(raw, &r); e != nil || r.Text == nil {
				return fmt.Errorf("screen --eval: %s line %d: want a JSON object with \"text\" and \"label\"", path, line)
			}
			var abusive bool
			switch r.Label {
			case "abusive":
				abusive = true
			case "ok":
			default:
				return fmt.Errorf("screen --eval: %s line %d: label %q, want \"abusive\" or \"ok\"", path, line, r.Label)
			}
			res := s.Check(*r.Text, lists)
			n++
			all.add(abusive, res.Verdict)
			for _, k := range []struct {
				m   map[string]*tally
				key string
			}{{bySource, r.Source}, {byCategory, r.Category}} {
				if k.key == "" {
					continue
				}
				if k.m[k.key] == nil {
					k.m[k.key] = &tally{}
				}
				k.m[k.key].add(abusive, res.Verdict)
			}
			if showErrors && abusive != (res.Verdict != screen.Allow) {
				fmt.Fprintf(errorsTo, "%s\t%s\t%s\t%q\t%q\n", r.Label, res.Verdict, r.Category, *r.Text, res.Reasons)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if n == 0 {
		return fmt.Errorf("screen --eval: %s has no labelled comment", path)
	}
	fmt.Fprintf(stdout, "%d labelled comments in %s\n\n", n, path)
	fmt.Fprintf(stdout, evalHeader, "all")
	fmt.Fprintln(stdout, all.row("all"))
	for _, g := range []struct {
		name string
		m    map[string]*tally
	}{{"source", bySource}, {"category", byCategory}} {
		if len(g.m) == 0 {
			continue
		}
		keys := make([]string, 0, len(g.m))
		for k := range g.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(stdout, "\n"+evalHeader, g.name)
		for _, k := range keys {
			fmt.Fprintln(stdout, g.m[k].row(k))
		}
	}
	return nil
}
