package markdown

import (
	"bytes"
	"fmt"
)

// Limits on what a text may ask of the parser. goldmark's work grows with
// the square of some constructs: 99,990 nested ">" took 4 to 10 s, 30,000
// "- " on one line 2 s, 30,000 unclosed "[a](" 5 s. Real texts stay far
// below these bounds; a hostile one is refused before parsing, in time
// linear in its length (docs/PUBLISHING.md, BenchmarkHostileMarkdown).
const (
	// MaxSourceBytes bounds the source (the forms allow 100,000
	// characters, up to 4 bytes each).
	MaxSourceBytes = 400_000
	// MaxNesting bounds the block containers (quotes, list items) opened
	// at the start of one line.
	MaxNesting = 16
	// MaxLinkOpeners bounds the "](" of one block (a paragraph, a table).
	MaxLinkOpeners = 1000
)

// LimitError is a text over one of the limits; Code names it for messages
// ("body_size", "body_nesting", "body_links") and Max is the bound.
type LimitError struct {
	Code string
	Max  int
}

func (e *LimitError) Error() string { return fmt.Sprintf("markdown over limit %s (%d)", e.Code, e.Max) }

// checkLimits scans src once.
func checkLimits(src []byte) error {
	if len(src) > MaxSourceBytes {
		return &LimitError{Code: "body_size", Max: MaxSourceBytes}
	}
	openers := 0
	for line := range bytes.Lines(src) {
		if len(bytes.TrimSpace(line)) == 0 {
			openers = 0 // a blank line ends the block
			continue
		}
		if nesting(line) > MaxNesting {
			return &LimitError{Code: "body_nesting", Max: MaxNesting}
		}
		if openers += bytes.Count(line, []byte("](")); openers > MaxLinkOpeners {
			return &LimitError{Code: "body_links", Max: MaxLinkOpeners}
		}
	}
	return nil
}

// nesting counts the block quote markers and list markers that open the
// line ("> > - 1. text" is 4), as CommonMark reads container starts.
func nesting(line []byte) int {
	depth, i := 0, 0
	for {
		for sp := 0; sp < 4 && i < len(line) && (line[i] == ' ' || line[i] == '\t'); sp++ {
			i++
		}
		if i >= len(line) {
			return depth
		}
		switch c := line[i]; {
		case c == '>':
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				i = j + 2
			} else {
				return depth
			}
		default:
			return depth
		}
		depth++
		if depth > MaxNesting {
			return depth
		}
	}
}
