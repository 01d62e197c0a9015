// Sexual remarks, masked and aimed insults, negative judgements of people,
// and the calls to expel a group.

package screen

import (
	"fmt"
	"regexp"
	"strings"
)

// sexualHarassRe matches sexual remarks aimed at a person.
var sexualHarassRe = newGatedRe(`\bje (?:me |te |vous )?(?:la |le |l |te |t |vous )(?:taperais|taperai|ferais bien|sauterais|baiserais|prendrais bien|culbuterais|mangerais bien|lecherais|defoncerais)\b` +
	`|\b(?:montre|montrez|montre nous|montre moi|montrez nous|montrez moi) (?:tes|vos|ta|ton|ses|sa|son) (?:seins|nichons|fesses|cul|nibards|lolos|jambes|culotte|string|chatte|bite|sexe)\b` +
	`|\b(?:t es|tu es|vous etes|elle est|t etais|vous etiez) (?:bien |trop |vraiment |tellement |super |tres )?(?:bonne|bandante|bandant|baisable|sexy|chaude)\b` +
	`|\b(?:tes|vos|ses|ta|ton|sa|son|leurs) (?:seins|nichons|fesses|nibards|lolos|chatte|bite|cul|miches|nichon)\b` +
	`|\b(?:suce|sucer|suces|sucez) (?:moi|ma|la)\b|\bje veux (?:te|vous|la) voir (?:nue|a poil|toute nue)\b` +
	`|\b(?:a poil|a quatre pattes|sur le bureau|dans mon lit) (?:ma |la )?(?:belle|cherie|cocotte|poupee|mignonne)\b` +
	`|\b(?:bien|super|tres|trop) (?:roulee|foutue|gaulee|chaude)\b|\bchaudasse\b|\bpetite chatte\b` +
	`|\b(?:te|vous|la|lui) (?:mettre|donner|foutre) une fessee\b|\bje (?:te|vous|la|lui) (?:ferais|ferai) (?:bien )?(?:des choses|grimper aux rideaux|jouir|crier|passer a la casserole)\b` +
	`|\b(?:viens|venez) (?:chez moi|dans mon lit|me sucer|t asseoir sur mes genoux|vous asseoir sur mes genoux)\b` +
	`|\b(?:belle|jolie|sacree) (?:paire|poitrine|croupe|chute de reins)\b|\b(?:tes|vos|ses) (?:formes|courbes|levres|cuisses)\b` +
	`|\b(?:je|j) (?:bande|mouille) (?:pour|en (?:te|vous|la) (?:voyant|regardant))\b` +
	`|\b(?:sucer|suce|sucez|lecher|leche) (?:des |ma |mon |les )?(?:bites|bite|queue|queues|zob)\b`)

// maskedInsult finds a word of the lexicons written with asterisks for
// some letters ("enc*lé", "put***", "c**nard"): the visible letters must
// match in place and each run of asterisks stand for one to three letters.
func (lx *lexicon) maskedInsult(text string) (orig string, e entry) {
	for i := 0; i < len(text); i++ {
		if text[i] != '*' {
			continue
		}
		a, b := i, i
		for a > 0 && maskPart(text[a-1]) {
			a--
		}
		for b < len(text) && (maskPart(text[b]) || text[b] >= 0x80) {
			b++
		}
		// Step back over the start of a multi-byte rune cut by a.
		for a > 0 && text[a]&0xC0 == 0x80 {
			a--
		}
		word := text[a:b]
		i = b
		pat, visible := maskPattern(word)
		if visible < 1 || pat == nil {
			continue
		}
		best := entry{}
		for n, en := range lx.abuse.single {
			if en.cat == catNone || en.cat < catInsult && en.cat != catProfanity {
				continue
			}
			if pat.MatchString(n) && (best.canon == "" || en.cat > best.cat || en.cat == best.cat && n < best.canon) {
				best = en
			}
		}
		if best.canon != "" {
			return word, best
		}
	}
	return "", entry{}
}

func maskPart(c byte) bool {
	return c == '*' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// maskPattern turns "enc*lé" into ^enc[a-z]{1,3}le$ over the normalised
// lexicon: a run of n asterisks stands for n-1 to n+2 letters. visible
// counts the letters shown; fewer than two say too little.
func maskPattern(word string) (*regexp.Regexp, int) {
	var b strings.Builder
	b.WriteString("^")
	visible := 0
	for i := 0; i < len(word); {
		if word[i] == '*' {
			j := i
			for j < len(word) && word[j] == '*' {
				j++
			}
			n := j - i
			fmt.Fprintf(&b, "[a-z]{%d,%d}", max(1, n-1), n+2)
			i = j
			continue
		}
		j := i
		for j < len(word) && word[j] != '*' {
			j++
		}
		n := strings.ReplaceAll(Normalize(word[i:j]), " ", "")
		visible += len(n)
		b.WriteString(regexp.QuoteMeta(n))
		i = j
	}
	b.WriteString("$")
	if visible < 2 {
		return nil, visible
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, 0
	}
	return re, visible
}

// profanityAimingWords before a swear word turn it on someone: "espèce de
// merde", "bande de branleurs".
var profanityAimingWords = wordSet("espece bande sale sal pauvre gros grosse petit petite tas")

// aimedProfanity is aimed for swear words, which are mostly exclamations
// ("Putain, encore une coupure d'eau !", "quel bordel"): they count only
// when said to someone ("tu fais chier", "je vous emmerde", "va te faire
// foutre", "merde à toi") or of someone ("putain de raciste", "espèce de
// merde").
func aimedProfanity(toks []token, i int) bool {
	sent := toks[i].sentence
	for k := i - 1; k >= 0 && k >= i-3 && toks[k].sentence == sent; k-- {
		w := toks[k].text
		if secondPerson[w] || k == i-1 && profanityAimingWords[w] {
			return true
		}
		if k == i-2 && profanityAimingWords[w] && (toks[k+1].text == "de" || toks[k+1].text == "d") {
			return true
		}
	}
	for k := i + 1; k < len(toks) && k <= i+2 && toks[k].sentence == sent; k++ {
		w := toks[k].text
		if w == "toi" || w == "vous" {
			return true
		}
		if k == i+2 && (toks[i+1].text == "de" || toks[i+1].text == "d") && (humanNouns[w] || secondPerson[w]) {
			return true
		}
	}
	return false
}

// personInSentence reports a person or a group named in the sentence of
// token i ("les X devraient être déportés").
func personInSentence(text string, toks []token, roles []role, i int) bool {
	for k := range toks {
		if toks[k].sentence == toks[i].sentence && k != i && (humanNouns[toks[k].text] || roles[k]&roleGroup != 0 || personPron[toks[k].text] || capitalisedName(text, toks, k)) {
			return true
		}
	}
	return false
}

// groupInSentence reports a protected group named in the sentence of token
// i, or in the one before it ("Les X ? Il faut tous les expulser.").
func groupInSentence(toks []token, roles []role, i int) bool {
	for k := range toks {
		if d := toks[i].sentence - toks[k].sentence; d >= 0 && d <= 1 && roles[k]&roleGroup != 0 {
			return true
		}
	}
	return false
}

// sexualTerms are sexual words that, said to or about a person, make a
// remark sexual harassment. Words with everyday senses (queue, lit, cul de
// sac, coucher du soleil, sein in "cancer du sein") are left out.
var sexualTerms = wordSet("baiser baise baiserais baiserai baisable sucer suce sucerais sucette chatte fesses seins nichons nibards bite " +
	"jouir mouille mouiller sexy excitante excitant bandante bandant levrette fellation sodomiser branler branlette gode culotte string " +
	"chaudasse coquine salace maillot decollete decolletes")

func sexualRemark(text string, toks []token, roles []role, counter func(int) bool) string {
	for i, t := range toks {
		if !sexualTerms[t.text] || counter(i) || negatedAt(toks, i) {
			continue
		}
		for k := range toks {
			if toks[k].sentence != t.sentence || k == i {
				continue
			}
			w := toks[k].text
			if secondPerson[w] || w == "elle" || w == "la" && k+1 < len(toks) && k+1 != i || humanNouns[w] || capitalisedName(text, toks, k) {
				return fmt.Sprintf("harcèlement sexuel : propos sexuels visant une personne (« %s »)", t.text)
			}
		}
	}
	return ""
}

func hasWordIn(toks []token, sentence int, w string) bool {
	for _, t := range toks {
		if t.sentence == sentence && t.text == w {
			return true
		}
	}
	return false
}

// predicateFillers are words between a copula and its predicate: "ils sont
// tous des …", "t'es vraiment trop …".
var predicateFillers = wordSet("tous toutes des de d un une vraiment trop tellement si que qu juste rien completement totalement " +
	"franchement bien les plus super hyper carrement vraiment toujours aussi encore vrai vraie vrais vraies veritable sacre sacree " +
	"gros grosse belle beau pauvre")

// negativeJudgement holds a negative judgement predicated of a protected
// group ("les X sont tous des Y", where AFINN rates Y as negative) or said
// to someone in the second person with a strongly negative word ("t'es
// pathétique"). Said of officials, a negative judgement is criticism, which
// the policy publishes; it is left to the insult lexicons.
func (lx *lexicon) negativeJudgement(text string, toks []token, roles []role, counter func(int) bool) string {
	for k, t := range toks {
		if !copulas[t.text] || k == 0 {
			continue
		}
		j := k - 1
		for j > 0 && (toks[j].text == "n" || toks[j].text == "ne" || toks[j].text == "tous" || toks[j].text == "toutes") {
			j--
		}
		if toks[j].sentence != t.sentence {
			continue
		}
		// "les femmes comme vous sont", "les X de ce pays sont": the group
		// may stand a few words before the copula.
		group := false
		for g := j; g >= 0 && g >= j-3 && toks[g].sentence == t.sentence; g-- {
			if roles[g]&roleGroup != 0 {
				group = true
				break
			}
		}
		second := secondPerson[toks[j].text] && toks[j].text != "ton" && toks[j].text != "ta" && toks[j].text != "tes" && toks[j].text != "votre" && toks[j].text != "vos"
		// "le maire est un tyran", "cette adjointe est une ordure": name-
		// calling of a person with a strongly negative noun (after an
		// article); a negative adjective about an official is criticism.
		person := !group && !second && (humanNouns[toks[j].text] && j > 0 && particular[toks[j-1].text] ||
			(toks[j].text == "il" || toks[j].text == "elle") || j > 0 && titles[toks[j-1].text] && capitalisedName(text, toks, j))
		if !group && !second && !person {
			continue
		}
		p := k + 1
		for p < len(toks) && p <= k+4 && toks[p].sentence == t.sentence && predicateFillers[toks[p].text] {
			p++
		}
		if p >= len(toks) || toks[p].sentence != t.sentence || negatedAt(toks, p) || counter(p) || counter(j) {
			continue
		}
		v, ok := lx.negativeForm(toks[p].text)
		article := p > k+1 && (toks[p-1].text == "un" || toks[p-1].text == "une" || toks[p-1].text == "des")
		if !ok || second && v > -3 && !(article && v <= -2) || person && (!article || v > -3) {
			continue
		}
		if group {
			return fmt.Sprintf("haine envers un groupe : jugement négatif « %s … %s »", toks[j].text, toks[p].text)
		}
		return fmt.Sprintf("insulte : jugement négatif adressé à quelqu'un « %s »", toks[p].text)
	}
	return ""
}

// negativeForm looks a word up in the valence list, which holds mostly
// masculine singular forms: "malhonnêtes", "cruels", "violentes" are found
// through "malhonnête", "cruel", "violent".
func (lx *lexicon) negativeForm(w string) (int, bool) {
	if v, ok := lx.negative[w]; ok {
		return v, true
	}
	for _, cut := range []string{"s", "x", "es", "e"} {
		if b, ok := strings.CutSuffix(w, cut); ok && len(b) >= 4 {
			if v, ok := lx.negative[b]; ok {
				return v, true
			}
		}
	}
	return 0, false
}

// articleInsults are words that insult as nouns ("des incapables", "un
// nul", "bande de minables") but are ordinary criticism as adjectives ("la
// municipalité est incapable de…", "ce projet est nul"): they count after
// an article or a word that makes them a noun, and when aimed at someone.
var articleInsults = wordSet("incapable incapables nul nuls nulle nulles minable minables lache laches vendu vendus vendue vendues " +
	"charlatan charlatans imposteur imposteurs ringard ringards ringarde clown clowns rigolo rigolos dictateur dictateurs tyran tyrans " +
	"despote despotes planque planques amateur amateurs feignant incompetent incompetents incompetente incompetentes")

var nounMakers = wordSet("un une des d de ces ce cet cette quel quelle quels quelles espece bande tas sale gros grosse petit petite pauvre " +
	"pauvres vrai vraie vrais vraies sacre sacree sacres belle beau bel")

func articleInsult(text string, toks []token, roles []role, counter func(int) bool) string {
	for i, t := range toks {
		if !articleInsults[t.text] || i == 0 || !nounMakers[toks[i-1].text] || toks[i-1].sentence != t.sentence {
			continue
		}
		if (toks[i-1].text == "de" || toks[i-1].text == "d") && !(i > 1 && (toks[i-2].text == "bande" || toks[i-2].text == "espece" || toks[i-2].text == "tas")) {
			continue // "l'idée de nul" is rare; "un projet d'amateur" is criticism
		}
		if counter(i) || negatedAt(toks, i) || !aimed(text, toks, roles, i) {
			continue
		}
		return fmt.Sprintf("insulte : « %s »", strings.ToValidUTF8(text[toks[i-1].start:t.end], "\uFFFD"))
	}
	return ""
}

// civicLink reports a link to a public body or an association, which a
// resident shares to inform ("découvrez le programme sur www.ville.fr").
func civicLink(link string) bool {
	l := strings.ToLower(link)
	for _, w := range []string{"gouv", "mairie", "ville", "commune", "service-public", "departement", "region", "agglo", "metropole",
		"asso", ".org", "wikipedia", "legifrance", "ameli", "caf.fr", "pole-emploi", "francetravail", "education", "sncf", "ratp", "laposte"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// goAwayRe is "va te faire foutre" and its kin: name-calling whatever
// follows.
var goAwayRe = newGatedRe(`\b(?:va|allez|aller) (?:te|vous|se) faire (?:foutre|enculer|mettre|voir|cuire un oeuf|niquer|sodomiser|empapaouter)\b`)

// apostrophe finds name-calling that needs no listed insult: "Espèce de
// …" opening a sentence or after "toi"/"vous" (not "une espèce de parc"),
// "va te faire foutre", "ferme-la" ending a sentence.
func apostrophe(text string, toks []token, norm string, counter func(int) bool) string {
	for i, t := range toks {
		switch {
		case t.text == "espece" && i+2 < len(toks) && (toks[i+1].text == "de" || toks[i+1].text == "d") && toks[i+2].sentence == t.sentence:
			if i > 0 && toks[i-1].sentence == t.sentence && !apostropheBefore[toks[i-1].text] || counter(i) {
				continue
			}
			return fmt.Sprintf("insulte : « %s »", strings.ToValidUTF8(text[t.start:toks[i+2].end], "\uFFFD"))
		case t.text == "ferme" && i+1 < len(toks) && toks[i+1].text == "la" && toks[i+1].sentence == t.sentence &&
			(i+2 == len(toks) || toks[i+2].sentence != t.sentence) && !counter(i):
			return "insulte : « ferme-la »"
		}
	}
	if loc := goAwayRe.firstIn(toks, norm); loc != nil && !counter(0) {
		return fmt.Sprintf("insulte : « %s »", norm[loc[0]:loc[1]])
	}
	return ""
}

var apostropheBefore = wordSet("toi vous et mais oh eh ah he pauvre sale gros grosse petit petite ta ton")

// animalNouns said of people ("ces singes du quartier", "ces rats de la
// cité") dehumanise them; the "du/de la" + place shows they are people.
var animalNouns = wordSet("singes macaques rats cafards porcs vermine cloportes primates chacals hyenes babouins")

func animalsOfPlace(text string, toks []token, counter func(int) bool) string {
	for i := 1; i+2 < len(toks); i++ {
		if !animalNouns[toks[i].text] || toks[i-1].text != "ces" || counter(i) {
			continue
		}
		if n := toks[i+1].text; n == "du" || n == "de" || n == "des" || n == "d" {
			return fmt.Sprintf("haine envers un groupe : « ces %s %s … »", toks[i].text, n)
		}
	}
	return ""
}

// expulsionForms are forms of verbs that drive people out; with a modal
// ("il faudrait", "on doit", "faut") and a group in the same sentence they
// call for it, whatever stands between ("il faudrait fermer les mosquées
// et renvoyer ces gens-là chez eux").
var expulsionForms = wordSet("renvoyer renvoie renvoient renvoyez renvoyons expulser expulse expulsent expulsez expulsons chasser chasse " +
	"chassent chassez chassons virer vire virent virez virons degager degagent parquer parque parquent parquez enfermer enferment " +
	"deporter deporte deportent deportez deportons refouler refoule refoulent refoulez")

var modalWords = wordSet("faut faudrait doit doivent devrait devraient devrions devons")

func expulsionCall(toks []token, roles []role, counter func(int) bool) string {
	for i, t := range toks {
		if !expulsionForms[t.text] || counter(i) || negatedAt(toks, i) {
			continue
		}
		modal, group := false, -1
		for k := range toks {
			if toks[k].sentence != t.sentence {
				continue
			}
			if k < i && (modalWords[toks[k].text] || toks[k].text == "on" && k+1 < len(toks) && toks[k+1].text == "va") {
				modal = true
			}
			if roles[k]&roleGroup != 0 && group < 0 {
				group = k
			}
		}
		if modal && group >= 0 {
			return fmt.Sprintf("appel à chasser un groupe : « %s » … « %s »", toks[group].text, t.text)
		}
	}
	return ""
}
