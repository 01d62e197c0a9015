package screen

import "regexp"

// gatedRe is an alternation of regular expressions, each run only on a
// window of words around a word it needs. Running the policy's large
// alternations over every comment cost most of Check's time; with the
// index, a comment that holds none of an alternative's distinctive words
// never runs it.
type gatedRe struct {
	alts  []*regexp.Regexp
	index map[string][]int // distinctive word → alternatives that contain it
}

// commonWords never gate an alternative: they are in most comments.
var commonWords = wordSet("les des une par pour que qui est sont mon mes son ses leur leurs votre vos nous vous elle ils elles lui eux " +
	"avec dans chez tout tous toutes plus pas bien tres trop fait faire etre avoir sur comme mais toi ton tes sans aux " +
	"ont ete moi ces devant prendre peut rien devrait depuis toute plein maire mairie conseil ville enfants jour mois fois " +
	"peu bon mal voir aller venir ici elles avait")

var gateWordRe = regexp.MustCompile(`[a-z]{3,}`)

// newGatedRe splits pattern at its top-level "|" and indexes each
// alternative by its literal words of three letters or more. Every
// alternative must contain such a word on every path through it (each
// one has a group of distinctive words that every match goes through).
func newGatedRe(pattern string) *gatedRe {
	g := &gatedRe{index: map[string][]int{}}
	for _, alt := range splitTop(pattern) {
		re := regexp.MustCompile(alt)
		id := len(g.alts)
		g.alts = append(g.alts, re)
		seen := map[string]bool{}
		// Escapes (\b, \S) are not literal letters.
		src := regexp.MustCompile(`\\[a-zA-Z]`).ReplaceAllString(alt, " ")
		for _, w := range gateWordRe.FindAllString(src, -1) {
			if commonWords[w] || seen[w] {
				continue
			}
			seen[w] = true
			g.index[w] = append(g.index[w], id)
		}
		if len(seen) == 0 {
			panic("screen: alternative without a distinctive word: " + alt)
		}
	}
	return g
}

// splitTop splits a pattern at the "|" outside parentheses.
func splitTop(p string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, p[start:i])
				start = i + 1
			}
		}
	}
	return append(out, p[start:])
}

// find returns the matches, as offsets in norm, of the alternatives whose
// words the comment holds, each searched near such a word.
func (g *gatedRe) find(toks []token, norm string, first bool) [][2]int {
	var out [][2]int
	var tried []uint64 // (alternative, window start) pairs already run
	for i, t := range toks {
		ids := g.index[t.text]
		if len(ids) == 0 {
			continue
		}
		lo, hi := max(0, i-7), min(len(toks)-1, i+7)
		base := toks[lo].at
		window := norm[base : toks[hi].at+len(toks[hi].text)]
		for _, id := range ids {
			key := uint64(id)<<32 | uint64(lo)
			dup := false
			for _, k := range tried {
				if k == key {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			tried = append(tried, key)
			for _, loc := range g.alts[id].FindAllStringIndex(window, -1) {
				m := [2]int{base + loc[0], base + loc[1]}
				if !containsMatch(out, m) {
					out = append(out, m)
				}
				if first {
					return out
				}
			}
		}
	}
	return out
}

func containsMatch(ms [][2]int, m [2]int) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// firstIn returns the first match found, or nil.
func (g *gatedRe) firstIn(toks []token, norm string) []int {
	if ms := g.find(toks, norm, true); len(ms) > 0 {
		return []int{ms[0][0], ms[0][1]}
	}
	return nil
}
