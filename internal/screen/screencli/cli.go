// Package screencli is the `parvis screen` command: JSON lines in, one JSON
// verdict per line out, in order. It lives outside cmd/parvis so that it can
// be tested on its own; cmd/parvis calls Run.
package screencli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/parvis/parvis/internal/screen"
)

// OrgWordListLoader fetches an organisation's word lists by handle; the
// main wiring provides one backed by the database. Nil means unavailable.
type OrgWordListLoader func(ctx context.Context, handle string) (screen.WordLists, error)

// maxLine bounds one input line; a comment is far smaller, and a bigger
// line is answered with a held verdict instead of stopping the stream.
const maxLine = 4 << 20

// Run reads {"text": "..."} lines from stdin and writes
// {"verdict", "score", "reasons"} lines to stdout.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, loader OrgWordListLoader) error {
	fs := flag.NewFlagSet("screen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: parvis screen [--org HANDLE | --watched w1,w2 --blocked w1,w2 --allowed w1,w2] < comments.jsonl

Reads one JSON object per line with a "text" field and writes one line per
input, in order: {"verdict":"allow"|"hold"|"reject","score":0..1,"reasons":[...]}.

       parvis screen --eval labelled.jsonl [--errors]

Measures the screen on a labelled file (one {"text", "label": "abusive"|"ok",
"source"?, "category"?} per line) and prints recall, precision, reject
precision and false-hold rate overall, per source and per category.`)
		fs.PrintDefaults()
	}
	org := fs.String("org", "", "apply this organisation's word lists (needs the database)")
	watched := fs.String("watched", "", "comma-separated words to hold")
	blocked := fs.String("blocked", "", "comma-separated words to reject")
	allowed := fs.String("allowed", "", "comma-separated words never counted against a comment")
	eval := fs.String("eval", "", "measure the screen on this labelled JSONL file (\"text\", \"label\": abusive|ok, optional \"source\", \"category\") and print precision, recall, reject precision and false-hold rate overall, per source and per category")
	showErrors := fs.Bool("errors", false, "with --eval, also print each misjudged comment on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("screen: unexpected argument %q", fs.Arg(0))
	}
	lists := screen.WordLists{Watched: split(*watched), Blocked: split(*blocked), Allowed: split(*allowed)}
	if *org != "" {
		if loader == nil {
			return fmt.Errorf("screen: --org %s needs the organisation's word lists from the database; run it with --database/--data, or pass --watched/--blocked/--allowed", *org)
		}
		ol, err := loader(ctx, *org)
		if err != nil {
			return fmt.Errorf("screen: word lists of %s: %w", *org, err)
		}
		lists.Watched = append(ol.Watched, lists.Watched...)
		lists.Blocked = append(ol.Blocked, lists.Blocked...)
		lists.Allowed = append(ol.Allowed, lists.Allowed...)
	}
	s, err := screen.New()
	if err != nil {
		return err
	}
	if *eval != "" {
		return runEval(*eval, s, lists, stdout, stderr, *showErrors)
	}

	in := bufio.NewReaderSize(stdin, 64<<10)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, tooLong, err := readLine(in)
		if err == io.EOF && len(raw) == 0 && !tooLong {
			return out.Flush()
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("screen: read line %d: %w", line, err)
		}
		res := verdictFor(s, raw, tooLong, lists)
		if res == nil {
			// Blank lines carry no comment; skipping keeps one output per input.
			continue
		}
		if err := enc.Encode(res); err != nil {
			return fmt.Errorf("screen: write: %w", err)
		}
		if err == io.EOF {
			return out.Flush()
		}
	}
}

// verdictFor screens one input line. Malformed JSON is held with a reason
// rather than aborting, so one bad line cannot stop a batch.
func verdictFor(s *screen.Screener, raw []byte, tooLong bool, lists screen.WordLists) *screen.Result {
	if tooLong {
		return &screen.Result{Verdict: screen.Hold, Score: 0.5, Reasons: []string{"entrée illisible : ligne trop longue"}}
	}
	if strings.TrimSpace(string(raw)) == "" {
		return nil
	}
	var in struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(raw, &in); err != nil || in.Text == nil {
		return &screen.Result{Verdict: screen.Hold, Score: 0.5, Reasons: []string{`entrée illisible : JSON attendu avec un champ "text"`}}
	}
	r := s.Check(*in.Text, lists)
	return &r
}

// readLine returns one line without its end; a line over maxLine is drained
// and reported as too long.
func readLine(r *bufio.Reader) ([]byte, bool, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) <= maxLine {
			buf = append(buf, chunk...)
		} else {
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
			return nil, true, noEOF(err)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return []byte(strings.TrimRight(string(buf), "\r\n")), false, err
	}
}

func noEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

func split(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}
