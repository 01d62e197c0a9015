package screen

import (
	"strings"
	"testing"
)

// largeInputs are adversarial pastes: repeated insults, spaced letters,
// long runs of one character, emoji, personal-data look-alikes.
func largeInputs() []string {
	return []string{strings.Repeat("connard ", 20000), strings.Repeat("c o n ", 20000), strings.Repeat("a", 100000),
		strings.Repeat("😀", 30000), strings.Repeat("!a", 50000), strings.Repeat("« connard » honte ", 10000), strings.Repeat("1", 100000),
		strings.Repeat("0 6 1 2 ", 10000), strings.Repeat("les femmes ", 10000), strings.Repeat("rue ", 20000), strings.Repeat("a@b.", 20000),
		strings.Repeat("FR76 ", 20000), strings.Repeat("12 rue ", 10000), strings.Repeat("http://x ", 10000)}
}

// TestLargeInputsGetAVerdict checks that huge pastes are answered, not
// rejected outright and not left unexplained. How long they take is measured
// by BenchmarkLargeInputs, not asserted here (timings depend on the machine).
func TestLargeInputsGetAVerdict(t *testing.T) {
	s := newScreener(t)
	for _, in := range largeInputs() {
		r := s.Check(in, WordLists{Watched: []string{"a b"}})
		switch r.Verdict {
		case Allow, Hold, Reject:
		default:
			t.Errorf("%.20q...: verdict %q", in, r.Verdict)
		}
		if r.Score < 0 || r.Score > 1 || r.Reasons == nil {
			t.Errorf("%.20q...: score %v reasons %v", in, r.Score, r.Reasons)
		}
	}
}

// BenchmarkLargeInputs measures the worst case: one op screens every
// adversarial paste once.
func BenchmarkLargeInputs(b *testing.B) {
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	inputs := largeInputs()
	for b.Loop() {
		for _, in := range inputs {
			s.Check(in, WordLists{Watched: []string{"a b"}})
		}
	}
}
