package screen

import (
	"bufio"
	"embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed data/*.txt
var dataFS embed.FS

// category orders abuse from mild to severe; a word listed in several source
// lists keeps the category the Parvis curation gives it.
type category uint8

const (
	catNone category = iota
	catProfanity
	catObscene
	catInsult
	catStrong
	catSlur
	catWatched
	catBlocked
)

// label is the French name moderators read in reasons.
func (c category) label() string {
	switch c {
	case catProfanity:
		return "grossièreté"
	case catObscene:
		return "obscénité"
	case catInsult, catStrong:
		return "insulte"
	case catSlur:
		return "injure discriminatoire"
	case catWatched:
		return "mot surveillé par l'organisation"
	case catBlocked:
		return "mot interdit par l'organisation"
	}
	return ""
}

// role marks words used by the hate and counter-speech rules rather than
// being abusive by themselves.
type role uint8

const (
	roleGroup role = 1 << iota
	roleHostile
	roleCounter
	roleReport
)

type entry struct {
	canon string // normalised lexicon form shown after the arrow in reasons
	cat   category
	group string // target group for identity slurs, when known
}

// phraseSet indexes single words and multi-word phrases by their first word.
type phraseSet[V any] struct {
	single  map[string]V
	phrases map[string][][]string // first word → remaining words of each phrase
	values  map[string]V          // full phrase → value
}

func newPhraseSet[V any]() phraseSet[V] {
	return phraseSet[V]{single: map[string]V{}, phrases: map[string][][]string{}, values: map[string]V{}}
}

func (p *phraseSet[V]) add(norm string, v V) {
	words := strings.Fields(norm)
	switch len(words) {
	case 0:
		return
	case 1:
		p.single[norm] = v
	default:
		if _, dup := p.values[norm]; !dup {
			p.phrases[words[0]] = append(p.phrases[words[0]], words[1:])
		}
		p.values[norm] = v
	}
}

// lookup returns the value of the longest entry starting at toks[i] and how
// many tokens it spans (0 when nothing matches).
func (p *phraseSet[V]) lookup(toks []token, i int) (V, int) {
	var zero V
	best, bestLen := zero, 0
	for _, rest := range p.phrases[toks[i].text] {
		if i+len(rest) >= len(toks) || len(rest)+1 <= bestLen {
			continue
		}
		ok := true
		for k, w := range rest {
			if toks[i+1+k].text != w {
				ok = false
				break
			}
		}
		if ok {
			best, bestLen = p.values[phraseKey(toks[i:i+1+len(rest)])], len(rest)+1
		}
	}
	if bestLen > 0 {
		return best, bestLen
	}
	if v, ok := p.single[toks[i].text]; ok {
		return v, 1
	}
	return zero, 0
}

func phraseKey(toks []token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.text
	}
	return strings.Join(parts, " ")
}

// lexicon is the read-only word knowledge built once by New.
type lexicon struct {
	abuse    phraseSet[entry]
	skeleton map[string]entry // abuse words by skeleton, for "connnnnard"
	glued    []entry          // long slurs and insults searched inside glued words
	roles    phraseSet[role]
	// violence maps each inflected form of a verb of violence to its verb
	// (data/violence_verbs.txt, from the Lefff).
	violence map[string]verbForm
	// negative maps French words to their AFINN valence, -2 to -5
	// (data/valence_fr_negative.txt).
	negative map[string]int
}

func loadLexicon() (*lexicon, error) {
	lx := &lexicon{abuse: newPhraseSet[entry](), skeleton: map[string]entry{}, roles: newPhraseSet[role]()}
	violence, err := loadViolence()
	if err != nil {
		return nil, err
	}
	lx.violence = violence
	lx.negative = map[string]int{}
	if err := eachLine("data/valence_fr_negative.txt", func(f []string) {
		if len(f) == 2 {
			v := 0
			fmt.Sscan(f[1], &v)
			lx.negative[f[0]] = v
		}
	}); err != nil {
		return nil, err
	}
	add := func(word string, cat category, group string) {
		n := Normalize(word)
		if n == "" {
			return
		}
		if old, ok := lx.abuse.values[n]; ok && old.cat >= cat {
			return
		}
		if old, ok := lx.abuse.single[n]; ok && old.cat >= cat {
			return
		}
		lx.abuse.add(n, entry{canon: n, cat: cat, group: group})
	}
	// Source lists first, curation last so that it wins.
	if err := eachLine("data/lexicon_darwiin_french_badwords.txt", func(f []string) { add(f[0], catInsult, "") }); err != nil {
		return nil, err
	}
	if err := eachLine("data/lexicon_ldnoobw_fr.txt", func(f []string) { add(f[0], catObscene, "") }); err != nil {
		return nil, err
	}
	if err := eachLine("data/lexicon_mhc_fr_identity_slurs.txt", func(f []string) {
		g := ""
		if len(f) > 1 {
			g = f[1]
		}
		add(f[0], catSlur, g)
	}); err != nil {
		return nil, err
	}
	ignored := map[string]bool{}
	err = eachLine("data/parvis_lexicon.txt", func(f []string) {
		if len(f) < 2 {
			return
		}
		n := Normalize(f[1])
		switch f[0] {
		case "ignore":
			ignored[n] = true
		case "injure":
			add(f[1], catSlur, lx.abuse.single[n].group)
		case "forte", "insulte", "grossierete":
			cat := map[string]category{"forte": catStrong, "insulte": catInsult, "grossierete": catProfanity}[f[0]]
			// Curation may lower a category, so replace rather than add.
			delete(lx.abuse.single, n)
			delete(lx.abuse.values, n)
			add(f[1], cat, "")
			// The plural of a curated single word ("guignol" →
			// "guignols") unless the source lists or the curation say
			// otherwise; a word ending in s, x or z is its own plural.
			if p := n + "s"; !strings.Contains(n, " ") && !strings.ContainsAny(n[len(n)-1:], "sxz") && !ignored[p] {
				if _, ok := lx.abuse.single[p]; !ok {
					add(p, cat, "")
				}
			}
		case "groupe":
			lx.roles.add(n, lx.roles.single[n]|lx.roles.values[n]|roleGroup)
		case "hostile":
			lx.roles.add(n, lx.roles.single[n]|lx.roles.values[n]|roleHostile)
		case "cite":
			lx.roles.add(n, lx.roles.single[n]|lx.roles.values[n]|roleReport)
		case "contre":
			lx.roles.add(n, lx.roles.single[n]|lx.roles.values[n]|roleCounter)
		}
	})
	if err != nil {
		return nil, err
	}
	for n := range ignored {
		delete(lx.abuse.single, n)
		if _, ok := lx.abuse.values[n]; ok {
			lx.abuse.values[n] = entry{}
		}
	}
	for n, e := range lx.abuse.single {
		// Several words can share a skeleton (conard, connard): keep the
		// longest, the usual spelling, and the most severe.
		sk := skeleton(n)
		if old, ok := lx.skeleton[sk]; !ok || len(n) > len(old.canon) ||
			len(n) == len(old.canon) && (e.cat > old.cat || e.cat == old.cat && n < old.canon) {
			lx.skeleton[sk] = e
		}
		if len(n) >= 7 && e.cat >= catStrong {
			lx.glued = append(lx.glued, e)
		}
	}
	// Stable order keeps reasons deterministic.
	sort.Slice(lx.glued, func(i, j int) bool { return lx.glued[i].canon < lx.glued[j].canon })
	return lx, nil
}

// eachLine calls fn with the tab-separated fields of every non-comment line.
func eachLine(name string, fn func([]string)) error {
	f, err := dataFS.Open(name)
	if err != nil {
		return fmt.Errorf("screen: open embedded %s: %w", name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(strings.Split(line, "\t"))
	}
	return sc.Err()
}

// match is one abusive word or phrase found in a comment.
type match struct {
	e       entry
	first   int    // first token index
	n       int    // number of tokens
	orig    string // the words as the author wrote them
	quoted  bool
	negated bool
	glued   bool // found inside a longer word: weaker evidence
}

// findAbuse returns the lexicon matches in toks, skipping words the
// organisation allows.
func (lx *lexicon) findAbuse(text string, toks []token, allowed map[string]bool) []match {
	var out []match
	for i := 0; i < len(toks); i++ {
		var e entry
		n, glued := 0, false
		if toks[i].repeated {
			// A long run hides which letters were doubled: "connnnard".
			if se, ok := lx.skeleton[skeleton(toks[i].text)]; ok {
				e, n = se, 1
			}
		}
		if n == 0 {
			e, n = lx.abuse.lookup(toks, i)
		}
		if n == 0 && toks[i].disguise && strings.Contains(toks[i].text, "h") {
			// Cyrillic "н" looks like a small capital H but stands for an
			// n in disguised insults ("сонnard"); Normalize maps it to h.
			if se, ok := lx.abuse.single[strings.ReplaceAll(toks[i].text, "h", "n")]; ok {
				e, n = se, 1
			}
		}
		if n == 0 && len(toks[i].text) >= 9 {
			for _, g := range lx.glued {
				if strings.Contains(toks[i].text, g.canon) && !gluedException(toks[i].text) {
					e, n, glued = g, 1, true
					break
				}
			}
		}
		if n == 0 || e.cat == catNone || allowed[e.canon] || n == 1 && ordinarySense(toks, i) {
			continue
		}
		out = append(out, match{e: e, first: i, n: n, orig: text[toks[i].start:toks[i+n-1].end],
			quoted: toks[i].quoted, negated: negatedAt(toks, i), glued: glued})
		i += n - 1
	}
	return out
}

// ordinarySense reports a listed word used in its ordinary, non-insulting
// sense, told apart by the words around it. Found on the out-of-fold false
// holds of the MLMA training tweets, where the verb "s'attarder" (je
// m'attarde, on s'y est attardé) was the most frequent wrongly held word,
// and "mongol" named the people or the empire.
func ordinarySense(toks []token, i int) bool {
	switch toks[i].text {
	case "attarde", "attardes", "attardee", "attardees":
		// "je (ne) suis pas attardé sur ce point": the verb, with its
		// pronoun dropped as often in speech.
		return reflexiveBefore(toks, i) || i+1 < len(toks) && (toks[i+1].text == "sur" || toks[i+1].text == "dessus") &&
			i > 0 && reflexiveSkip[toks[i-1].text]
	case "mongol", "mongols", "mongole", "mongoles":
		for _, k := range []int{i - 1, i + 1} {
			if k >= 0 && k < len(toks) && toks[k].sentence == toks[i].sentence && mongolContext[toks[k].text] {
				return true
			}
		}
	}
	return false
}

// mongolContext are words next to "mongol" that make it the nationality.
var mongolContext = wordSet("empire horde hordes khan steppe steppes mongolie proverbe langue yourte cheval chevaux eleveur eleveurs " +
	"barbecue peuple invasion invasions armee armees cavaliers conquete")

// reflexiveBefore reports a reflexive pronoun before token i, possibly
// separated by "y", "en", a negation, an auxiliary or an adverb: "je
// m'attarde", "qu'on s'y attarde", "je ne me suis pas attardé". A lone "t"
// before an auxiliary ("t'es attardé") is the subject "tu", not reflexive,
// unless "tu" comes just before it ("tu t'es attardé").
func reflexiveBefore(toks []token, i int) bool {
	aux := false
	for k := i - 1; k >= 0 && k >= i-6 && toks[k].sentence == toks[i].sentence; k-- {
		switch w := toks[k].text; {
		case w == "m" || w == "me" || w == "s" || w == "se" || w == "te" || w == "jm" || w == "jme":
			return true
		case w == "t":
			return !aux || k > 0 && toks[k-1].text == "tu"
		case reflexiveSkip[w]:
			aux = aux || auxiliaries[w]
		default:
			return false
		}
	}
	return false
}

var (
	auxiliaries   = wordSet("ai avais avait suis es est sommes etes sont ss etais etait etions etiez etaient serais serait sera serai fut")
	reflexiveSkip = wordSet("ai avais avait y en ne n pas plus trop jamais vraiment plutot assez beaucoup tellement deja bien peu toujours " +
		"suis es est sommes etes sont ss etais etait etions etiez etaient serais serait sera serai fut")
)

// gluedException lists ordinary words that contain a long insult.
func gluedException(w string) bool {
	return strings.Contains(w, "salopette")
}

// negatedAt reports a negation shortly before token i in the same sentence
// ("il n'est pas un connard", "ils ne sont jamais des animaux"). "ne … que"
// restricts rather than negates and is not counted.
func negatedAt(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if toks[k].sentence != toks[i].sentence {
			return false
		}
		switch toks[k].text {
		case "pas", "jamais", "nullement", "aucunement", "non", "aucun", "aucune":
			return true
		case "ne", "n":
			// "je ne déteste pas": the negation's second half follows
			// the verb; "ne … que" restricts and does not count.
			for j := i + 1; j < len(toks) && j <= i+2 && toks[j].sentence == toks[i].sentence; j++ {
				switch toks[j].text {
				case "pas", "jamais", "point", "nullement", "aucunement":
					return true
				}
			}
		}
	}
	return false
}

// rolesIn returns, per token, the roles of the word or phrase starting there.
func (lx *lexicon) rolesIn(toks []token) []role {
	out := make([]role, len(toks))
	for i := range toks {
		if r, n := lx.roles.lookup(toks, i); n > 0 {
			for k := i; k < i+n; k++ {
				out[k] |= r
			}
		}
	}
	return out
}
