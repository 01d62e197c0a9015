package markdown

import (
	"errors"
	"strings"
	"testing"
)

// hostile are the worst texts found (issue 15: 99,990 nested ">" took 10 s
// in the preview, and five of them in a .ics blocked writes for 45 s).
var hostile = map[string]string{
	"99990 nested quotes":    strings.Repeat(">", 99990) + " x",
	"30000 list markers":     strings.Repeat("- ", 30000) + "x",
	"30000 unclosed links":   strings.Repeat("[a](", 30000) + "x",
	"nested ordered lists":   strings.Repeat("1. ", 20000) + "x",
	"quotes spaced":          strings.Repeat("> ", 40000) + "x",
	"over the size":          strings.Repeat("a", MaxSourceBytes+1),
	"links over a paragraph": strings.Repeat("[a](\n", MaxLinkOpeners+1),
}

// worstAccepted are the most expensive texts under the limits, about the
// size the forms allow (100,000 characters).
var worstAccepted = map[string]string{
	"nested quotes at the limit":  strings.Repeat(strings.Repeat(">", MaxNesting)+" x\n", 100_000/(MaxNesting+3)),
	"list markers at the limit":   strings.Repeat(strings.Repeat("- ", MaxNesting)+"x\n", 100_000/(2*MaxNesting+2)),
	"unclosed links at the limit": strings.Repeat(strings.Repeat("[a](", MaxLinkOpeners)+"\n\n", 100_000/(4*MaxLinkOpeners+2)),
	"emphasis":                    strings.Repeat("*a _b ", 100_000/6),
	"brackets":                    strings.Repeat("[", 100_000),
}

func TestHostileMarkdownIsRefusedBeforeParsing(t *testing.T) {
	for name, src := range hostile {
		_, err := Render(src)
		var le *LimitError
		if !errors.As(err, &le) {
			t.Errorf("%s: err = %v, want a *LimitError", name, err)
		}
	}
	for name, src := range worstAccepted {
		if _, err := Render(src); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Ordinary nesting still renders.
	r := render(t, "> Citation\n> > dans une citation\n\n- un\n  - deux\n    1. trois\n")
	if strings.Count(r.HTML, "<blockquote>") != 2 || !strings.Contains(r.HTML, "<ol>") {
		t.Fatalf("ordinary nesting lost: %s", r.HTML)
	}
}

// BenchmarkHostileMarkdown measures the refusal of the worst texts found
// and the rendering of the most expensive texts the limits let through
// (docs/PERFORMANCE.md).
func BenchmarkHostileMarkdown(b *testing.B) {
	for name, src := range hostile {
		b.Run("refused/"+strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				_, _ = Render(src)
			}
		})
	}
	for name, src := range worstAccepted {
		b.Run("accepted/"+strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzRender: whatever the text, rendering ends, keeps no script and
// either renders or says which limit was met.
func FuzzRender(f *testing.F) {
	for _, src := range hostile {
		if len(src) < 1000 {
			f.Add(src)
		}
	}
	f.Add(strings.Repeat(">", 200) + " x")
	f.Add(strings.Repeat("[a](", 50))
	f.Add("> a\n> > b\n- c\n  1. d\n<script>alert(1)</script>")
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Render(src)
		var le *LimitError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("unexpected error %v", err)
		}
		if strings.Contains(strings.ToLower(r.HTML), "<script") {
			t.Fatalf("script survived: %q", r.HTML)
		}
	})
}
