// Package textdiff compares two texts line by line (longest common
// subsequence), for showing staff what changed between two revisions.
package textdiff

import "strings"

// Op says what happened to a line.
type Op int

const (
	Same Op = iota
	Removed
	Added
)

// Line is one line of a diff.
type Line struct {
	Op   Op
	Text string
}

// maxCells bounds the LCS table; longer texts are shown as all removed then
// all added, which is still correct, only less precise.
const maxCells = 4_000_000

// Lines compares a and b.
func Lines(a, b string) []Line {
	x, y := split(a), split(b)
	// Common head and tail cost nothing and shrink the table.
	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}
	var out []Line
	for _, l := range x[:head] {
		out = append(out, Line{Same, l})
	}
	out = append(out, middle(x[head:len(x)-tail], y[head:len(y)-tail])...)
	for _, l := range x[len(x)-tail:] {
		out = append(out, Line{Same, l})
	}
	return out
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func middle(x, y []string) []Line {
	var out []Line
	if len(x)*len(y) > maxCells {
		for _, l := range x {
			out = append(out, Line{Removed, l})
		}
		for _, l := range y {
			out = append(out, Line{Added, l})
		}
		return out
	}
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			out = append(out, Line{Same, x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, Line{Removed, x[i]})
			i++
		default:
			out = append(out, Line{Added, y[j]})
			j++
		}
	}
	for ; i < len(x); i++ {
		out = append(out, Line{Removed, x[i]})
	}
	for ; j < len(y); j++ {
		out = append(out, Line{Added, y[j]})
	}
	return out
}

// Changed reports whether the diff holds any change.
func Changed(d []Line) bool {
	for _, l := range d {
		if l.Op != Same {
			return true
		}
	}
	return false
}
