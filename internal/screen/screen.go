// Package screen decides whether a French comment can be published at once
// (allow), must wait for a moderator (hold), or is refused (reject), and says
// why in French. It combines curated word lists that see through disguised
// spellings, detectors for personal data and spam, a few rules for threats,
// hate against groups and counter-speech, and a small statistical model
// trained on labelled French text. Everything is embedded; Check does no I/O.
//
// A public body's platform must not censor: rejection needs overwhelming
// evidence (a strong insult, slur or threat that the model also finds
// abusive); anything less is held for a human.
package screen

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/parvis/parvis/internal/screen/model"
)

// Verdict is the decision on a comment.
type Verdict string

const (
	Allow  Verdict = "allow"
	Hold   Verdict = "hold"
	Reject Verdict = "reject"
)

// Result is the verdict, a score between 0 and 1 (how likely the comment is
// a problem) and the reasons, in French, for moderators and authors.
type Result struct {
	Verdict Verdict  `json:"verdict"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

// WordLists are an organisation's own additions: watched words are held,
// blocked words rejected, allowed words never count against a comment.
type WordLists struct {
	Watched, Blocked, Allowed []string
}

//go:embed data/model.bin.gz
var modelBin []byte

// Screener holds the lexicons and the model. It is immutable after New and
// safe for concurrent use.
type Screener struct {
	lx    *lexicon
	model *model.Model
}

// New loads the embedded lexicons and model.
func New() (*Screener, error) {
	lx, err := loadLexicon()
	if err != nil {
		return nil, err
	}
	m := new(model.Model)
	if err := m.UnmarshalBinary(modelBin); err != nil {
		return nil, fmt.Errorf("screen: embedded model: %w", err)
	}
	return &Screener{lx: lx, model: m}, nil
}

// NewWithoutModel loads only the lexicons, with a model that has no weights
// (every text scores 0.5); screentrain uses it before any model exists.
func NewWithoutModel() (*Screener, error) {
	lx, err := loadLexicon()
	if err != nil {
		return nil, err
	}
	return &Screener{lx: lx, model: &model.Model{W: make([]float32, 1<<model.Bits), Hold: 1.01, Reject: 1.01, Cue: 1.01}}, nil
}

// WithModel returns a screener that shares the lexicons but uses m; the
// training command uses it to tune thresholds on models it has just fitted.
func (s *Screener) WithModel(m *model.Model) *Screener {
	return &Screener{lx: s.lx, model: m}
}

// Thresholds returns the embedded model's hold and reject thresholds.
func (s *Screener) Thresholds() (hold, reject float64) {
	return float64(s.model.Hold), float64(s.model.Reject)
}

// Scores for rule evidence; the model probability can only raise them.
const (
	scoreBlocked   = 1.0
	scoreThreat    = 0.95
	scoreSlur      = 0.9
	scoreHate      = 0.8
	scoreInsult    = 0.75
	scoreWatched   = 0.6
	scoreProfanity = 0.6
	scorePersonal  = 0.5
	scoreSpam      = 0.5
)

// maxAnalysed bounds the text the model and rules read; beyond it a comment
// is held anyway, so the cost of a 100 KB paste stays bounded.
const maxAnalysed = 20000

// Check screens one comment.
func (s *Screener) Check(text string, org WordLists) Result {
	return s.Score(text, org).Decide(float64(s.model.Hold), float64(s.model.Reject))
}

// Scored is everything a verdict depends on except the thresholds. The
// training and evaluation commands compute it once per comment and then try
// many thresholds.
type Scored struct{ ev *evidence }

// Score runs the rules and the model on text.
func (s *Screener) Score(text string, org WordLists) Scored {
	long := len(text) > maxAnalysed
	if long {
		cut := maxAnalysed
		for cut > 0 && text[cut]&0xC0 == 0x80 { // do not split a rune
			cut--
		}
		text = text[:cut]
	}
	toks, norm := tokenize(text)
	if len(toks) == 0 && !long {
		return Scored{}
	}
	ev := s.evidence(text, toks, norm, org)
	if long {
		ev.hold("longueur : texte de plus de 20 000 caractères", scoreSpam)
	}
	return Scored{ev}
}

// Prob is the model's probability that the comment is abusive.
func (sc Scored) Prob() float64 {
	if sc.ev == nil {
		return 0
	}
	return sc.ev.p
}

// evidence accumulates what Check found before the verdict is taken.
type evidence struct {
	reasons []string
	score   float64 // highest rule score
	held    bool    // some rule asks for a human
	reject  bool    // some rule is overwhelming on its own
	strong  bool    // strong insult, slur, threat or hate, not a quote
	cue     bool    // weak lexical cue: not enough to hold, lowers the model threshold
	p       float64 // model probability (open weights when no rule holds the text)
	cueAt   float64 // model probability from which a comment with a cue is held
}

func (e *evidence) hold(reason string, score float64) {
	e.reasons = append(e.reasons, reason)
	e.held = true
	e.score = max(e.score, score)
}

func (s *Screener) evidence(text string, toks []token, norm string, org WordLists) *evidence {
	ev := &evidence{cueAt: float64(s.model.Cue)}
	roles := s.lx.rolesIn(toks)
	feats := model.Features(modelText(toks, norm), make([]uint32, 0, 16*len(toks)+8))
	var pOpen float64
	ev.p, pOpen = s.model.Probs(feats)

	allowed := map[string]bool{}
	for _, w := range org.Allowed {
		allowed[Normalize(w)] = true
	}
	condemn, reports := false, false
	for k, r := range roles {
		condemn = condemn || r&roleCounter != 0
		// A reporting word outside the quotes ("pour avoir dit", "des
		// choses comme") makes a quote reported speech.
		reports = reports || r&roleReport != 0 && !toks[k].quoted
	}
	counter := func(first int) bool {
		if toks[first].quoted && (condemn || reports) {
			return true
		}
		for k := first - 1; k >= 0 && toks[k].sentence == toks[first].sentence; k-- {
			if roles[k]&roleReport != 0 {
				return true
			}
		}
		return false
	}

	s.orgWords(ev, text, toks, org)
	counted := map[string]bool{}
	for _, m := range s.lx.findAbuse(text, toks, allowed) {
		key := m.e.canon
		if counted[key] {
			continue
		}
		counted[key] = true
		quote := counter(m.first)
		reason := fmt.Sprintf("%s : %s", m.e.cat.label(), quoteAs(m.orig, m.e.canon))
		if m.e.group != "" {
			reason += " (vise : " + groupFR(m.e.group) + ")"
		}
		switch {
		case quote:
			// Quoting an insult to condemn it is not abuse; a moderator can
			// still read the comment if the model finds it abusive.
			ev.reasons = append(ev.reasons, reason+" — citée pour être dénoncée")
			ev.cue = true
		case m.negated || m.glued:
			ev.hold(reason, scoreProfanity)
		case m.e.cat == catProfanity && !aimedProfanity(toks, m.first),
			m.e.cat != catSlur && m.e.cat != catStrong && m.e.cat != catProfanity && !aimed(text, toks, roles, m.first):
			// A harsh word aimed at no one ("Putain, encore une coupure
			// d'eau !", "c'est débile") is anger or vulgarity, which the
			// policy publishes; it only makes the model's doubt count more.
			ev.cue = true
		default:
			score := scoreInsult
			switch m.e.cat {
			case catSlur, catStrong:
				score = scoreSlur
				ev.strong = true
			case catProfanity, catObscene:
				score = scoreProfanity
			}
			ev.hold(reason, score)
		}
	}
	if orig, e := s.lx.maskedInsult(text); e.canon != "" && !counted[e.canon] && !allowed[e.canon] {
		// "enc*lé", "put*** de raciste": letters hidden behind asterisks.
		at := 0
		if k := strings.Index(text, orig); k >= 0 {
			for at+1 < len(toks) && toks[at+1].start <= k {
				at++
			}
		}
		reason := fmt.Sprintf("%s masquée : %s", e.cat.label(), quoteAs(orig, e.canon))
		switch {
		case counter(at):
			ev.cue = true
		case e.cat == catSlur || e.cat == catStrong,
			e.cat == catProfanity && len(toks) > 0 && aimedProfanity(toks, at),
			e.cat != catProfanity && len(toks) > 0 && aimed(text, toks, roles, at):
			ev.hold(reason, scoreInsult)
		default:
			ev.cue = true
		}
	}
	s.hateRules(ev, toks, roles, counter, allowed)
	threats(ev, toks, norm, counter)
	if !ev.strong {
		s.violence(ev, text, toks, roles, counter)
	}
	if loc := veiledThreatRe.firstIn(toks, norm); loc != nil && !counter(0) {
		ev.hold(fmt.Sprintf("menace voilée : « %s »", norm[loc[0]:loc[1]]), scoreThreat)
	}
	{
		for _, loc := range incitementRe.find(toks, norm, false) {
			at := 0
			for at+1 < len(toks) && toks[at+1].at <= loc[0] {
				at++
			}
			if !counter(at) && !negatedAt(toks, at+1) && groupInSentence(toks, roles, at) {
				ev.hold(fmt.Sprintf("appel à chasser un groupe : « %s »", norm[loc[0]:loc[1]]), scoreHate)
				break
			}
		}
	}
	if r := expulsionCall(toks, roles, counter); r != "" {
		ev.hold(r, scoreHate)
	}
	if r := animalsOfPlace(text, toks, counter); r != "" {
		ev.hold(r, scoreHate)
	}
	if r := apostrophe(text, toks, norm, counter); r != "" {
		ev.hold(r, scoreInsult)
	}
	if r := articleInsult(text, toks, roles, counter); r != "" {
		ev.hold(r, scoreInsult)
	}
	if loc := goHomeRe.firstIn(toks, norm); loc != nil && !counter(0) {
		ev.hold(fmt.Sprintf("haine envers un groupe : « %s »", norm[loc[0]:loc[1]]), scoreHate)
	}
	if r := s.lx.negativeJudgement(text, toks, roles, counter); r != "" {
		ev.hold(r, scoreInsult)
	}
	if r := commercialSpam(text, toks, norm); r != "" {
		ev.hold(r, scoreSpam)
	}
	if r := accusation(text, toks, norm); r != "" {
		ev.hold(r, scoreInsult)
	}
	if loc := sexualHarassRe.firstIn(toks, norm); loc != nil {
		ev.hold(fmt.Sprintf("harcèlement sexuel : « %s »", norm[loc[0]:loc[1]]), scoreInsult)
	} else if r := sexualRemark(text, toks, roles, counter); r != "" {
		ev.hold(r, scoreInsult)
	}
	for _, r := range personalData(text, toks) {
		ev.hold(r, scorePersonal)
	}
	for _, r := range spamSignals(text, toks) {
		ev.hold(r, scoreSpam)
	}
	if !ev.held {
		// Nothing the rules know holds the comment: the verdict rests on the
		// model, and the weights fitted to such texts judge them better.
		ev.p = pOpen
	}
	return ev
}

// ModelText returns the text the statistical model reads (see modelText);
// the training commands use it so that they see what Check sees.
func ModelText(text string) string {
	return modelText(tokenize(text))
}

// modelText is the normalised text with "sale" after a verb or adverb ("la
// rue est sale", "c'est trop sale") written as another word. The MLMA
// tweets were collected with "sale" as a keyword ("sale arabe", "sale
// gauchiste"), so a model reading them learns that the word is abuse; as an
// attribute it describes a street or a thing, which civic comments do all
// the time.
func modelText(toks []token, norm string) string {
	at := -1
	for i := range toks {
		if predicativeSale(toks, i) {
			at = i
			break
		}
	}
	if at < 0 {
		return norm
	}
	var b strings.Builder
	b.Grow(len(norm) + 8)
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		if i >= at && predicativeSale(toks, i) {
			b.WriteString("xsalete")
		} else {
			b.WriteString(t.text)
		}
	}
	return b.String()
}

// predicativeSale reports "sale" used as an attribute ("est sale", "trop
// sale"), which describes a place or a thing rather than insulting.
func predicativeSale(toks []token, i int) bool {
	if t := toks[i].text; t != "sale" && t != "sales" || i == 0 || toks[i-1].sentence != toks[i].sentence {
		return false
	}
	return beforeAttribute[toks[i-1].text]
}

var beforeAttribute = wordSet("est sont etait etaient reste restent devient deviennent semble semblent " +
	"trop tres si vraiment assez toujours aussi plus moins super hyper bien souvent particulierement")

// Decide gives the verdict for the thresholds: the model probability from
// which a comment is held on the model alone, and the one from which strong
// rule evidence (strong insult, slur, threat, "sale" + group) rejects it.
// A comment with only a weak cue (a hostile word, a quoted insult) is held
// from the lower probability the model was trained with, never above hold:
// model-only holds are the ones that silence civil criticism, so they need
// more confidence.
func (sc Scored) Decide(hold, reject float64) Result {
	ev := sc.ev
	if ev == nil {
		return Result{Verdict: Allow, Reasons: []string{}}
	}
	res := Result{Verdict: Allow, Score: ev.p, Reasons: append([]string{}, ev.reasons...)}
	switch {
	case ev.reject || ev.strong && ev.p >= reject:
		res.Verdict = Reject
		res.Score = max(ev.p, ev.score)
	case ev.held || ev.p >= hold || ev.cue && ev.p >= min(ev.cueAt, hold):
		res.Verdict = Hold
		res.Score = max(ev.p, ev.score)
		if ev.p >= hold || ev.cue && ev.p >= min(ev.cueAt, hold) {
			res.Reasons = append(res.Reasons, fmt.Sprintf("modèle statistique : probabilité d'abus %.2f", ev.p))
		}
	}
	res.Score = float64(int(res.Score*1000+0.5)) / 1000
	return res
}

// orgWords applies the organisation's watched and blocked words.
func (s *Screener) orgWords(ev *evidence, text string, toks []token, org WordLists) {
	for _, l := range []struct {
		words []string
		cat   category
	}{{org.Blocked, catBlocked}, {org.Watched, catWatched}} {
		for _, w := range l.words {
			words := strings.Fields(Normalize(w))
			if len(words) == 0 {
				continue
			}
			if i := findWords(toks, words); i >= 0 {
				orig := text[toks[i].start:toks[i+len(words)-1].end]
				reason := fmt.Sprintf("%s : %s", l.cat.label(), quoteAs(orig, strings.Join(words, " ")))
				if l.cat == catBlocked {
					ev.hold(reason, scoreBlocked)
					ev.reject = true
				} else {
					ev.hold(reason, scoreWatched)
				}
			}
		}
	}
}

// findWords returns the index of the first occurrence of words in toks, or -1.
func findWords(toks []token, words []string) int {
	for i := 0; i+len(words) <= len(toks); i++ {
		ok := true
		for k, w := range words {
			if toks[i+k].text != w && skeleton(toks[i+k].text) != skeleton(w) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// hateRules flags a sentence that names a protected group together with a
// hostile word or an insult that is not negated ("les X sont des rats",
// "je déteste les X"), and "sale" before a group or an insult.
func (s *Screener) hateRules(ev *evidence, toks []token, roles []role, counter func(int) bool, allowed map[string]bool) {
	group, hostile := -1, -1
	flush := func() {
		if group >= 0 && hostile >= 0 && !counter(hostile) && !allowed[toks[hostile].text] {
			ev.hold(fmt.Sprintf("haine envers un groupe : « %s » … « %s »", toks[group].text, toks[hostile].text), scoreHate)
		}
		group, hostile = -1, -1
	}
	for i := range toks {
		if i > 0 && toks[i].sentence != toks[i-1].sentence {
			flush()
		}
		if roles[i]&roleGroup != 0 && group < 0 {
			group = i
			if i > 0 && (toks[i-1].text == "sale" || toks[i-1].text == "sales") && !counter(i) {
				ev.hold(fmt.Sprintf("haine envers un groupe : « %s %s »", toks[i-1].text, toks[i].text), scoreHate)
				ev.strong = true
			}
		}
		if roles[i]&roleHostile != 0 && !negatedAt(toks, i) {
			ev.cue = true
			if hostile < 0 {
				hostile = i
			}
		}
	}
	flush()
}

// threatRe matches threats and calls to violence on the normalised text.
var threatRe = regexp.MustCompile(`\b(?:je|j|on|nous|ils|jvais|jvai) (?:vais |va |vas |allons |vont |veux |voudrais )?(?:te |t |vous |le |la |l |les |lui |leur )?(?:tuer|buter|crever|egorger|defoncer|massacrer|bruler|flinguer|saigner|planter|fumer|eclater|etrangler|assassiner|exterminer|pendre|violer|decapiter|lyncher|faire la peau|casser la gueule|peter la gueule|retrouver)\b` +
	`|\bje sais ou (?:tu habites|vous habitez|il habite|elle habite|t habites|tu vis|vous vivez)\b` +
	`|\bune balle dans (?:la|ta|sa|votre|leur) tete\b` +
	`|\b(?:merite|merites|meritent|meritez) (?:de (?:mourir|crever)|une balle|la mort|d etre (?:tue|tues|pendu|pendus|fusille|fusilles))\b` +
	`|\b(?:il faut|il faudrait|faudrait|faut) (?:les |le |la |tous les |toutes les )?(?:tuer|pendre|fusiller|bruler|gazer|exterminer|massacrer|egorger|abattre|lyncher)\b` +
	`|\b(?:devraient|devrait|doivent|doit) (?:etre )?(?:fusilles|fusille|pendus|pendu|gazes|brules|extermines|abattus|executes|lynches)\b` +
	`|\b(?:te|vous|lui|leur) (?:casser|peter|eclater|defoncer|refaire) (?:la gueule|la tete|le portrait)\b` +
	`|\bmort aux? (?:juifs|arabes|noirs|musulmans|immigres|migrants|flics|elus|homos|pedes|femmes|blancs|chretiens)\b`)

// threatEnds are the words each threatRe alternative ends with, always
// after a space and before a word boundary: a text without any of them as a
// whole word cannot match, and checking that is much cheaper than running
// the regexp, which most trigger words ("doit", "faut", "mort") do not
// lead to a threat.
var threatEnds = wordSet("tuer buter crever egorger defoncer massacrer bruler flinguer saigner planter fumer eclater " +
	"etrangler assassiner exterminer pendre violer decapiter lyncher peau gueule retrouver " +
	"habites habitez habite vis vivez tete mourir balle mort tue tues pendu pendus fusille fusilles " +
	"fusiller gazer abattre gazes brules extermines abattus executes lynches portrait " +
	"juifs arabes noirs musulmans immigres migrants flics elus homos pedes femmes blancs chretiens")

// mayThreaten reports whether s holds one of threatEnds as a whole word, in
// the sense of the regexp's \b (ASCII letters, digits and underscore).
func mayThreaten(s string) bool {
	for i := 0; i < len(s); {
		if !asciiWord(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && asciiWord(s[j]) {
			j++
		}
		if threatEnds[s[i:j]] {
			return true
		}
		i = j
	}
	return false
}

// notThreat removes idioms that contain a threat verb.
var notThreat = strings.NewReplacer("tuer dans l oeuf", "", "tuer le temps", "", "faut le tuer dans l oeuf", "")

// threatWords are words every threatRe alternative contains; the regexp
// only runs when one is present, which keeps Check fast.
var threatWords = wordSet("tuer buter crever egorger defoncer massacrer bruler flinguer saigner planter fumer eclater " +
	"etrangler assassiner exterminer pendre violer decapiter lyncher peau casser peter retrouver habites habitez habite vis vivez " +
	"balle merite merites meritent meritez faut faudrait devraient devrait doivent doit refaire mort")

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func hasWord(toks []token, set map[string]bool) bool {
	for _, t := range toks {
		if set[t.text] {
			return true
		}
	}
	return false
}

func threats(ev *evidence, toks []token, norm string, counter func(int) bool) {
	// Run the regexp only on a window around each trigger word: scanning
	// whole comments with it was the slowest part of Check.
	for i, t := range toks {
		if !threatWords[t.text] {
			continue
		}
		first, last := max(0, i-6), min(len(toks)-1, i+5)
		window := norm[toks[first].at : toks[last].at+len(toks[last].text)]
		clean := notThreat.Replace(window)
		if !mayThreaten(clean) {
			continue
		}
		loc := threatRe.FindStringIndex(clean)
		if loc == nil {
			continue
		}
		reason := fmt.Sprintf("menace ou appel à la violence : « %s »", clean[loc[0]:loc[1]])
		// The token where the threat starts decides its context.
		at := min(first+len(strings.Fields(clean[:loc[0]])), len(toks)-1)
		if counter(at) || negatedAt(toks, at+1) {
			ev.hold(reason+" — rapportée ou niée", scoreHate)
			return
		}
		ev.hold(reason, scoreThreat)
		ev.strong = true
		return
	}
}

// quoteAs shows what the author wrote and, when it differs, what it was read
// as: « c0nnard » → connard.
func quoteAs(orig, canon string) string {
	// The span between two matched words may hold invalid bytes, which
	// the tokenizer treats as separators; reasons are JSON and must stay
	// valid UTF-8.
	orig = strings.ToValidUTF8(orig, "\uFFFD")
	if strings.ToLower(orig) == canon {
		return "« " + orig + " »"
	}
	return "« " + orig + " » → " + canon
}

var groupNames = map[string]string{
	"women": "les femmes", "trans people": "les personnes trans", "gay people": "les personnes homosexuelles",
	"black people": "les personnes noires", "disabled people": "les personnes handicapées", "Muslims": "les musulmans",
}

func groupFR(g string) string {
	if fr, ok := groupNames[g]; ok {
		return fr
	}
	return g
}
