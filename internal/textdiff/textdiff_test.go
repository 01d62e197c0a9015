package textdiff

import (
	"strings"
	"testing"
)

func render(d []Line) string {
	var b strings.Builder
	for _, l := range d {
		b.WriteString([]string{" ", "-", "+"}[l.Op] + l.Text + "\n")
	}
	return b.String()
}

func TestLines(t *testing.T) {
	a := "Travaux rue des Tanneurs\ndu 3 au 21 mars\nDéviation par le quai\nMerci"
	b := "Travaux rue des Tanneurs\ndu 3 au 28 mars\nDéviation par le quai\nStationnement interdit\nMerci"
	got := render(Lines(a, b))
	want := " Travaux rue des Tanneurs\n-du 3 au 21 mars\n+du 3 au 28 mars\n Déviation par le quai\n+Stationnement interdit\n Merci\n"
	if got != want {
		t.Fatalf("diff:\n%s\nwant:\n%s", got, want)
	}
	if Changed(Lines(a, a)) || !Changed(Lines("", "x")) {
		t.Fatal("Changed is wrong")
	}
	if got := render(Lines("x", "")); got != "-x\n" {
		t.Fatalf("removal = %q", got)
	}
}
