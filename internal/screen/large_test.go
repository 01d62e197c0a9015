package screen

import (
	"strings"
	"testing"
	"time"
)

func TestLargeInputsStayFast(t *testing.T) {
	s := newScreener(t)
	for _, in := range []string{strings.Repeat("connard ", 20000), strings.Repeat("c o n ", 20000), strings.Repeat("a", 100000),
		strings.Repeat("😀", 30000), strings.Repeat("!a", 50000), strings.Repeat("« connard » honte ", 10000), strings.Repeat("1", 100000),
		strings.Repeat("0 6 1 2 ", 10000), strings.Repeat("les femmes ", 10000), strings.Repeat("rue ", 20000), strings.Repeat("a@b.", 20000),
		strings.Repeat("FR76 ", 20000), strings.Repeat("12 rue ", 10000), strings.Repeat("http://x ", 10000)} {
		start := time.Now()
		s.Check(in, WordLists{Watched: []string{"a b"}})
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%.20q...: %v", in, d)
		}
	}
}
