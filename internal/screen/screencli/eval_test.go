package screencli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small labelled file written for this test: two harmful comments (one
// caught, one that the screen lets through), three ordinary ones (one of
// them held), in two sources and three categories. The figures printed
// must be the counts of those verdicts.
func TestEvalPrintsFiguresPerSourceAndCategory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "labelled.jsonl")
	lines := `{"text": "Je vais te tuer", "label": "abusive", "source": "forum", "category": "threat"}
{"text": "Le chantier avance bien, merci.", "label": "abusive", "source": "forum", "category": "threat"}

{"text": "Merci pour le déneigement rapide.", "label": "ok", "source": "commune", "category": "praise"}
{"text": "Appelez-moi au 06 12 34 56 78", "label": "ok", "source": "commune", "category": "praise"}
{"text": "Quand rouvre la piscine ?", "label": "ok", "source": "commune", "category": "question"}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"--eval", path, "--errors"}, strings.NewReader(""), &stdout, &stderr, nil); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{
		"5 labelled comments",
		// recall 1/2, precision 1/2 (one abusive among two held), no
		// rejection, one ordinary comment of three held.
		"| all | 2 | 3 | 0.500 (1/2) | 0.500 | – (0/0) | 0.333 (1/3) | 0 |",
		"| forum | 2 | 0 | 0.500 (1/2) | 1.000 | – (0/0) | – (0/0) | 0 |",
		"| commune | 0 | 3 | – (0/0) | 0.000 | – (0/0) | 0.333 (1/3) | 0 |",
		"| question | 0 | 1 | – (0/0) | – | – (0/0) | 0.000 (0/1) | 0 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// --errors lists the two misjudged comments.
	if n := strings.Count(stderr.String(), "\n"); n != 2 {
		t.Errorf("--errors printed %d lines, want 2:\n%s", n, stderr.String())
	}
}

func TestEvalRejectsBadLabels(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(path, []byte(`{"text": "x", "label": "toxic"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), []string{"--eval", path}, strings.NewReader(""), &stdout, &stderr, nil)
	if err == nil || !strings.Contains(err.Error(), `label "toxic"`) {
		t.Errorf("err = %v, want a message naming the bad label", err)
	}
}

// The labelled file shipped with the screen (written from the policy) is
// readable by --eval.
func TestEvalPolicyFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"--eval", "../testdata/policy_eval.jsonl"}, strings.NewReader(""), &stdout, &stderr, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "| parvis-policy |") {
		t.Errorf("no per-source line:\n%s", stdout.String())
	}
}
