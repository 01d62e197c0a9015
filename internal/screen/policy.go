package screen

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the structure the moderation policy needs beyond word
// lists (docs/MODERATION.md, "Policy"): whether a harsh word is aimed at
// someone, verbs of violence applied to people, veiled threats, commercial
// spam, accusations of an offence stated as fact against an identifiable
// person, sexual harassment and insults masked with asterisks. Every rule
// here was written from the policy and from general knowledge of French,
// never from the measuring files.

// verbForm is one inflected form of a verb of violence (data/violence_verbs.txt,
// from the Lefff conjugation tables).
type verbForm struct {
	lemma    string
	anyUse   bool   // tier a: violent in nearly every use
	tenses   string // Lefff tense letters: W infinitive, K past participle, P present, F future, C conditional, S subjunctive, Y imperative...
	partOnly bool   // the form is only a past participle
}

func loadViolence() (map[string]verbForm, error) {
	out := map[string]verbForm{}
	err := eachLine("data/violence_verbs.txt", func(f []string) {
		if len(f) < 4 {
			return
		}
		out[f[0]] = verbForm{lemma: f[1], anyUse: f[2] == "a", tenses: f[3], partOnly: f[3] == "K"}
	})
	return out, err
}

// People a harsh word, a violent verb or an accusation can be aimed at:
// officials and agents first, since a town hall's comments are about them.
var (
	professions = wordSet("boulanger boulangere boucher bouchere pharmacien pharmacienne garagiste plombier notaire cure pretre imam rabbin " +
		"pasteur gerant gerante restaurateur epicier epiciere coiffeur coiffeuse facteur factrice entraineur entraineuse concierge " +
		"buraliste fleuriste cafetier patronne instituteur institutrice directeur animateur animatrice educateur educatrice " +
		"chef responsable commissaire brigadier capitaine directrice tresorier tresoriere secretaire stagiaire")
	secondPerson = wordSet("tu t te toi ton ta tes vous votre vos ts tes")
	personPron   = wordSet("il elle ils elles lui eux leur")
	humanNouns   = wordSet("maire mairesse maires adjoint adjointe adjoints adjointes elu elue elus elues conseiller conseillere " +
		"conseillers conseilleres ministre ministres president presidente presidents depute deputee deputes deputees senateur " +
		"senatrice senateurs prefet prefete prefets politicien politicienne politiciens politiques fonctionnaire fonctionnaires " +
		"agent agente agents policier policiere policiers flic flics gendarme gendarmes keuf keufs juge juges gens type types " +
		"mec mecs gars nana nanas meuf meufs femme femmes homme hommes voisin voisine voisins voisines habitant habitante habitants " +
		"individu individus racaille racailles gamin gamine gamins jeunes vieux vieille vieilles patron patronne patrons " +
		"directeur directrice secretaire employe employee employes prof profs professeur professeurs instit enseignant enseignants " +
		"medecin infirmiere mere pere fils fille soeur frere cousin equipe edile ediles notable notables maires " +
		"raciste racistes facho fachos fasciste fascistes nazi nazis gauchiste gauchistes militant militants bonhomme bonne femme " +
		"gardien gardiens chauffeur chauffeurs commercant commercants proprio proprietaire locataire locataires")
	// Titles that make the next capitalised word, or the phrase, a person.
	titles = wordSet("m mme mr monsieur madame mademoiselle mlle dr docteur maitre")
	// Determiners that make the next noun a particular person ("ce maire",
	// "notre adjoint", "le conseiller Martin").
	particular = wordSet("le la l ce cet cette notre votre ton ta son sa")
	// Words right before an insult that aim it at someone.
	aimingWords = wordSet("espece bande sale sal sales pauvre pauvres gros grosse vieux vieille quel quelle quels quelles " +
		"ce cet cette ces tas petit petite sombre triple double gros ptit ptite vrai vraie veritable sacre sacree")
	thingSubject = wordSet("c ca cela ceci")
	copulas      = wordSet("est etait sont etaient semble semblent reste devient serait es etes")
)

// aimed reports whether the harsh word at token i is aimed at someone: a
// second-person word, a person or group named near it, a capitalised name,
// a word that aims it ("espèce de", "bande de", "sale", "quel"), or the
// word alone as an exclamation ("Connard !"). A word that describes a
// thing ("c'est débile", "ce projet est débile") is not aimed.
func aimed(text string, toks []token, roles []role, i int) bool {
	sent := toks[i].sentence
	lo, hi := i, i
	for lo > 0 && toks[lo-1].sentence == sent {
		lo--
	}
	for hi+1 < len(toks) && toks[hi+1].sentence == sent {
		hi++
	}
	if hi-lo <= 1 {
		return true // "Connard !", "Espèce de…" alone
	}
	if vocative(text, toks, lo, hi, i) {
		return true
	}
	if i >= 2 && toks[i-2].text == "pour" && (toks[i-1].text == "des" || toks[i-1].text == "un" || toks[i-1].text == "une") {
		// "le maire nous prend pour des idiots": a complaint about being
		// treated as one, not an insult.
		for k := i - 3; k >= lo && k >= i-6; k-- {
			if strings.HasPrefix(toks[k].text, "pren") || strings.HasPrefix(toks[k].text, "pri") {
				return false
			}
		}
	}
	for k := i - 1; k >= lo && k >= i-2; k-- {
		w := toks[k].text
		if aimingWords[w] {
			return true
		}
		if w != "d" && w != "de" && w != "des" && w != "un" && w != "une" && w != "vraiment" && w != "trop" {
			break
		}
	}
	if j := subjectAt(toks, lo, i); j > lo+1 && !humanNouns[toks[j].text] {
		// "les agents de la voirie sont des …": the person is the head of
		// the noun phrase, before "de".
		for k := j - 1; k >= lo && k >= j-4; k-- {
			if (toks[k].text == "de" || toks[k].text == "du" || toks[k].text == "des" || toks[k].text == "d") && k > lo &&
				(humanNouns[toks[k-1].text] || roles[k-1]&roleGroup != 0) {
				return true
			}
		}
	}
	if subj, ok := copulaSubject(toks, lo, i); ok {
		// "X est un Y": the subject decides whom Y is said of.
		return !thingSubject[subj] && (secondPerson[subj] || personPron[subj] || humanNouns[subj] || roles[subjectAt(toks, lo, i)]&roleGroup != 0 ||
			capitalisedName(text, toks, subjectAt(toks, lo, i)))
	}
	for k := max(lo, i-5); k <= min(hi, i+3); k++ {
		if k == i {
			continue
		}
		w := toks[k].text
		if secondPerson[w] || humanNouns[w] || roles[k]&roleGroup != 0 || personPron[w] && k < i {
			return true
		}
		if capitalisedName(text, toks, k) {
			return true
		}
	}
	return false
}

// copulaSubject finds a copula before token i in its sentence ("est",
// "sont", "reste") and returns the word before it, its subject: "c" in
// "c'est débile", "adjointe" in "cette adjointe est une incapable et une
// menteuse".
func copulaSubject(toks []token, lo, i int) (string, bool) {
	if k := subjectAt(toks, lo, i); k >= 0 {
		return toks[k].text, true
	}
	return "", false
}

func subjectAt(toks []token, lo, i int) int {
	for k := i - 1; k > lo && k >= i-8; k-- {
		if copulas[toks[k].text] {
			j := k - 1
			// "tu es vraiment", "le maire n'est pas": skip adverbs and
			// negation between subject and copula.
			for j > lo && (toks[j].text == "n" || toks[j].text == "ne" || toks[j].text == "vraiment" || toks[j].text == "toujours") {
				j--
			}
			return j
		}
	}
	return -1
}

// capitalisedName reports a word written with a capital inside a sentence,
// or after a title ("Mme Leroy"), which names a person far more often than
// not in a comment.
func capitalisedName(text string, toks []token, k int) bool {
	r, _ := utf8.DecodeRuneInString(text[toks[k].start:])
	if !unicode.IsUpper(r) || len(toks[k].text) < 3 || toks[k].disguise {
		return false
	}
	if k > 0 && titles[toks[k-1].text] {
		return true
	}
	if k == 0 || toks[k-1].sentence != toks[k].sentence {
		return false
	}
	// All capitals is shouting, not a name.
	rest := text[toks[k].start:toks[k].end]
	return strings.ToUpper(rest) != rest && !notNames[toks[k].text]
}

// notNames are capitalised words that are not people: places and bodies a
// commune's comments name all the time.
var notNames = wordSet("mairie ville commune conseil etat republique france paris rue avenue place boulevard quartier " +
	"departement region prefecture europe union metropole agglo communaute")

// identifiablePerson reports a particular person named in the sentence of
// token i: a title and a name ("Mme Leroy"), a capitalised name, or a
// determiner and an official's title ("le maire", "cette adjointe").
func identifiablePerson(text string, toks []token, i, from, to int) bool {
	sent := toks[i].sentence
	for k := 0; k < len(toks); k++ {
		if toks[k].sentence != sent || toks[k].at >= from && toks[k].at < to {
			continue // words of the accusation itself ("sa femme") name its victim
		}
		w := toks[k].text
		if capitalisedName(text, toks, k) && !(strings.HasSuffix(w, "s") && k > 0 && (toks[k-1].text == "les" || toks[k-1].text == "des" || toks[k-1].text == "ces")) {
			// "les Roms", "des Marocains": a group, not a person.
			return true
		}
		if (humanNouns[w] || professions[w]) && !strings.HasSuffix(w, "s") && k > 0 && particular[toks[k-1].text] {
			return true
		}
	}
	return false
}

// violence holds a verb of violence applied to people: a call ("il faut
// les pendre", "à tabasser", "qu'on le pende", "devraient être gazés"), a
// wish or a promise. Past events told as news ("un homme a été tué") and
// ordinary objects of the ambiguous verbs ("brûler des feuilles") do not
// count.
func (s *Screener) violence(ev *evidence, text string, toks []token, roles []role, counter func(int) bool) {
	for i, t := range toks {
		vf, ok := s.lx.violence[t.text]
		if !ok {
			continue
		}
		if counter(i) || negatedAt(toks, i) || idiomNotViolent(toks, i) || roadWorry(toks, i) {
			continue
		}
		if hasWord(toks, sportsWords) && !vf.anyUse || hasWord(toks, sportsWords) && (t.text == "defoncer" || t.text == "defonce" || t.text == "massacrer" || t.text == "massacre") {
			continue // "on va défoncer l'équipe d'en face au tournoi": a game
		}
		if i > 1 && (toks[i-2].text == "se" || toks[i-2].text == "s") && (toks[i-1].text == "font" || toks[i-1].text == "fait" || toks[i-1].text == "faire" || toks[i-1].text == "faisait") &&
			!(i > 2 && callAux[toks[i-3].text]) && !(i > 3 && toks[i-3].text == "de" && callAux[toks[i-4].text]) {
			continue // "les réfugiés se font assassiner": they are the victims, told as a fact
		}
		prev := ""
		if i > 0 && toks[i-1].sentence == t.sentence {
			prev = toks[i-1].text
		}
		prev2 := ""
		if i > 1 && toks[i-2].sentence == t.sentence {
			prev2 = toks[i-2].text
		}
		if prev == "tous" || prev == "toutes" {
			// "étaient tous exterminés": the auxiliary is before "tous".
			prev, prev2 = prev2, ""
			if i > 2 && toks[i-3].sentence == t.sentence {
				prev2 = toks[i-3].text
			}
		}
		if (prev == "etaient" || prev == "etait") && hasWordIn(toks, t.sentence, "si") {
			prev = "seraient" // "si ces X étaient exterminés": a wish
		}
		participle := strings.Contains(vf.tenses, "K")
		if participle && !strings.ContainsAny(vf.tenses, "WFCSYPIJT") || participle && newsAux[prev] {
			// A participle is a call only after "être" as a wish or duty
			// ("devraient être fusillés", "qu'ils soient pendus", "mérite
			// d'être gazé"); after "a", "ont", "a été" it tells an event.
			if !callAux[prev] && !(prev2 == "etre" || callAux[prev2]) {
				continue
			}
		}
		passive := participle && (callAux[prev] || prev2 == "etre" || callAux[prev2])
		// A tier-a verb in the indicative said of a thing is a figure of
		// speech ("ce projet tue le centre-ville"): like the ambiguous
		// verbs it needs a person as object, unless a clitic pronoun
		// before it is that object ("qu'on le tue").
		indicative := strings.ContainsAny(vf.tenses, "PIJ") && !strings.ContainsAny(vf.tenses, "WFC") && !passive && !cliticObject[prev] &&
			prev != "a" && prev != "de" && prev != "d" && prev != "qu" && prev != "que"
		if (!vf.anyUse || indicative) && !personObject(text, toks, roles, i) && !propertyObject(text, toks, roles, i) && !(passive && personInSentence(text, toks, roles, i)) {
			continue
		}
		if vf.anyUse && selfOrThing(toks, i) {
			continue
		}
		if vf.anyUse && !passive && !cliticObject[prev] && i+1 < len(toks) && determiners[toks[i+1].text] &&
			!personObject(text, toks, roles, i) {
			continue // "le tram va tuer le petit commerce": a thing as object, a figure of speech
		}
		lo := i
		for lo > 0 && lo > i-3 && toks[lo-1].sentence == t.sentence && toks[lo-1].start < t.start {
			lo--
		}
		phrase := text[toks[lo].start:toks[i].end]
		ev.hold(fmt.Sprintf("menace ou appel à la violence : « %s »", strings.ToValidUTF8(phrase, "\uFFFD")), scoreThreat)
		return
	}
}

var (
	cliticObject = wordSet("le la l les te t vous lui leur")
	determiners  = wordSet("le la l les un une des du ce cet cette ces notre nos votre vos leur leurs son sa ses mon ma mes ton ta tes")
)

var (
	// Auxiliaries that make a participle an event rather than a call.
	newsAux = wordSet("a ont avait avaient eu ete fut furent as ai")
	// Words before a participle that make it a wish or a duty.
	callAux = wordSet("etre soit soient sera seront serait seraient doit doivent devrait devraient faut faudrait merite meritent meriterait meriteraient")
)

// idiomNotViolent lists idioms with a violent verb that hurt no one.
func idiomNotViolent(toks []token, i int) bool {
	next := ""
	if i+1 < len(toks) {
		next = toks[i+1].text
	}
	next2 := ""
	if i+2 < len(toks) {
		next2 = toks[i+2].text
	}
	switch toks[i].text {
	case "tuer", "tue":
		return next == "le" && next2 == "temps" || next == "dans" && next2 == "l"
	}
	return false
}

// selfOrThing reports "ça me tue", "ça tue", "tu me tues": the verb said of
// oneself or of a thing, a figure of speech.
func selfOrThing(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-2 && toks[k].sentence == toks[i].sentence; k-- {
		switch toks[k].text {
		case "me", "m", "ca", "cela":
			return true
		}
	}
	return false
}

// personObject reports an ambiguous verb of violence whose object is a
// person: a clitic pronoun for a person before it ("te brûler", "les
// abattre" in a sentence about people) or a person or group right after it
// ("abattre ces élus", "brûler le maire").
func personObject(text string, toks []token, roles []role, i int) bool {
	sent := toks[i].sentence
	if i > 0 && toks[i-1].sentence == sent {
		switch toks[i-1].text {
		case "te", "t", "vous", "lui", "leur":
			return true
		case "le", "la", "l", "les":
			for k := 0; k < len(toks); k++ {
				if toks[k].sentence == sent && k != i && (humanNouns[toks[k].text] || roles[k]&roleGroup != 0 || capitalisedName(text, toks, k)) {
					return true
				}
			}
		}
	}
	if i+1 < len(toks) && toks[i+1].sentence == sent && toks[i+1].start == toks[i].end+1 && text[toks[i].end] == '-' {
		switch toks[i+1].text {
		case "les", "le", "la", "lui", "leur", "toi", "vous", "moi": // "tuez-les", "pends-le"
			return true
		}
	}
	for k := i + 1; k < len(toks) && k <= i+3 && toks[k].sentence == sent; k++ {
		if humanNouns[toks[k].text] || roles[k]&roleGroup != 0 || secondPerson[toks[k].text] || capitalisedName(text, toks, k) {
			return true
		}
	}
	return false
}

// veiledThreatRe matches threats that name no violent act: "vous allez le
// regretter", "fais gaffe à toi", "on sait où tu habites", "tes jours sont
// comptés", "je t'attendrai à la sortie", "je viendrai régler ça moi-même".
var veiledThreatRe = newGatedRe(`\b(?:tu vas|vous allez|tu va|vous aller|il va|elle va|ils vont) (?:le |la )?(?:regretter|payer|morfler|deguster|prendre cher)\b` +
	`|\b(?:fais|faites|fait) (?:gaffe|attention) a (?:toi|vous|ta peau|vos fesses|tes fesses)\b` +
	`|\b(?:on|je|nous) (?:sait|sais|savons|connait|connais) ou (?:tu habites|vous habitez|il habite|elle habite|t habites|tu vis|vous vivez|tu dors|habitent)\b` +
	`|\b(?:tes|vos|ses|leurs) jours sont comptes\b` +
	`|\b(?:je|on) (?:t|vous|l|les) (?:attendrai|attendra|attends|attend) (?:a la sortie|devant|dehors)\b` +
	`|\bregler (?:ca|ses comptes|mes comptes|son compte|leur compte|ton compte|votre compte) (?:moi meme|a ma (?:facon|maniere)|entre hommes|physiquement|dehors)\b` +
	`|\b(?:vous finirez|tu finiras|il finira|ils finiront|finir) comme (?:louis xvi|marie antoinette|ceausescu|mussolini|kadhafi)\b` +
	`|\b(?:ca|tout ca) va (?:mal finir|saigner|chauffer) pour (?:toi|vous|lui|eux|elle)\b` +
	`|\b(?:on|je) (?:va|vais) (?:s|m) occuper de (?:toi|vous|ton cas|votre cas|lui|son cas)\b` +
	`|\bvous allez voir ce qui va (?:vous )?arriver\b|\btu vas voir ce qui va t arriver\b` +
	`|\b(?:un accident|un malheur) (?:est vite arrive|pourrait arriver|peut vite arriver|est si vite arrive)\b` +
	`|\b(?:vous ne perdez|tu ne perds|il ne perd|ils ne perdent) rien pour attendre\b` +
	`|\b(?:gare a (?:toi|vous)|prends garde a toi|prenez garde a vous)\b` +
	`|\b(?:mettre|foutre|mettrai|mettrons|mettra|mettront|foutrai|foutra) le feu (?:a la mairie|a ta|a votre|a sa|a leur|chez)\b` +
	`|\bfaire sauter (?:la mairie|ta|votre|sa|leur|le conseil)\b` +
	`|\b(?:on|je|nous) (?:connait|connais|connaissons|sait|sais) (?:ta|votre|sa|ton|leur) (?:voiture|maison|adresse|femme|fille|fils|famille|ecole|mari)\b` +
	`|\b(?:on|je|nous) (?:connait|connais|connaissons) (?:tes|vos|ses|leurs) (?:enfants|gosses|horaires|habitudes)\b` +
	`|\b(?:attention|pensez|pense) a (?:vos|tes) (?:enfants|gosses)\b` +
	`|\b(?:te|vous|lui|leur|t|l) (?:coller|mettre|foutre|mets|colle|mettrai|collerai|foutrai|mettre) (?:une|des|un) (?:droite|baffe|baffes|gifle|gifles|raclee|beigne|pain|tarte|mandale|coup de boule)\b` +
	`|\b(?:finir|finira|finiras|finirez|finiront|finirait|terminer) (?:a l hopital|aux urgences|en morceaux|six pieds sous terre|dans un fosse|entre quatre planches|au cimetiere)\b` +
	`|\b(?:(?:viens|viendrai|viendra|viendrons|reviens|reviendrai|debarque|debarquerai|passerai|arrive|arriverai|venir|revenir|debarquer|passer|vais|va|allons) avec|sortir|prendre|chercher|ramener|amener) (?:mon|ma|un|une|des|le|la|mes) (?:fusil|carabine|kalash|kalachnikov|batte|couteau|flingue|pistolet|machette|hache|molotov|cocktail molotov|potes|amis|copains) (?:et|pour|a la|devant|chez)\b` +
	`|\ba coups? de (?:batte|barre|barres de fer|pied|pieds|poing|poings|fusil|couteau|hache|matraque|pierres|ceinture|fouet)\b` +
	`|\b(?:j espere|je souhaite|pourvu|vivement) qu (?:il|elle|ils|elles|tu|vous|on) (?:\S+ )?(?:creve|crevent|creves|meure|meurent|meures|mourra|mourront|creveront|crevera|brule|brulent|pourrisse|pourrissent|souffre|souffrent|sautent|saute)\b` +
	`|\bqu (?:il|elle|ils|elles) (?:creve|crevent|meure|meurent|pourrisse|pourrissent)\b|\b(?:crevez|va crever|allez crever|va mourir|allez mourir)\b` +
	`|\b(?:je|on|nous) (?:va|vais|allons|vont) (?:le|la|les|te|t|vous|lui|leur) (?:demolir|defoncer|detruire|exploser|fracasser|faire la peau|faire manger|arracher|faire payer|faire regretter|faire la fete|refaire le portrait|attraper|choper|retrouver|trouver|pourrir la vie)\b` +
	`|\b(?:on|je|nous) (?:viendra|viendrai|viendrons|va venir|vais venir|passera|passerai) (?:te|vous|le|la|les|t) (?:chercher|trouver|rendre visite|voir chez)\b` +
	`|\battendez vous a (?:une visite|des represailles|du grabuge)\b|\brepresailles\b|\b(?:je|on) (?:me|se|nous) vengera(?:i|s)?\b` +
	`|\ba la lanterne\b|\b(?:la guillotine|la corde|le peloton) pour\b|\b(?:aux armes|prendre les armes|prenons les armes)\b` +
	`|\b(?:une bonne|une petite|meriterait une|merite une) (?:correction|raclee|rouste|derouillee|balle|bastos)\b` +
	`|\b(?:passer|passera|passeras|passerez|passeront) un (?:sale|mauvais) quart d heure\b` +
	`|\b(?:il|elle|ils|vous|tu|te|lui|leur) (?:va|vas|vont|allez|risque|risquez|risques|pourrait|pourriez) (?:vous |t |lui |leur )?arriver (?:malheur|des bricoles|quelque chose|des ennuis)\b` +
	`|\b(?:il|elle) (?:va|vas|vont|allez|risque|risquez|risques|pourrait|pourriez) (?:lui |leur |vous |t )arriver\b` +
	`|\b(?:dommage|triste) (?:qu il|s il) (?:vous|t|lui|leur) arrive\b|\bdormir (?:avec|d) un oeil ouvert\b` +
	`|\b(?:surveille|surveillez|surveillent) (?:tes|vos|ses|leurs) arrieres\b|\b(?:t es|tu es|vous etes|il est|t est) (?:un homme |une femme )?(?:mort|morts|morte|mortes)\b` +
	`|\bce (?:sera|ne sera) (?:plus |pas )?(?:que )?des mots\b|\bla prochaine fois (?:ce|ca) (?:sera|ne sera) pas\b` +
	`|\b(?:trancher|couper|briser|tordre|casser|trancherai|couperai|briserai|tordrai|casserai) (?:la gorge|le cou|la nuque|ton cou|son cou|leur cou|votre cou|les jambes|les genoux)\b` +
	`|\b(?:leur|lui|te|vous) (?:trancher|couper|briser|tordre|casser) (?:la gorge|le cou|la nuque)\b` +
	`|\btirer (?:une balle|des balles|une rafale) (?:sur|dans)\b|\bmettre fin a (?:la vie|leurs jours|ses jours|tes jours|ta vie|sa vie|leur vie|vos vies|votre vie)\b` +
	`|\b(?:va|vont|vas|allez|doit|doivent|devrait|devraient|merite|meritent|meriterait|meriteraient|faut qu il|faut qu ils) (?:mourir|crever|disparaitre|souffrir)\b` +
	`|\b(?:seraient|soient|devraient etre|meriteraient d etre|merite d etre|meritent d etre) (?:tous |toutes )?(?:morts|mortes|mort|elimines|eliminees|extermines|exterminees|castres|brules|brulees|abattus|abattues)\b` +
	`|\b(?:mefiez vous|mefie toi|mefie te|vous devriez vous mefier|tu devrais te mefier|je ferais attention si j etais (?:vous|toi)|a votre place je ferais attention|a ta place je ferais attention)\b` +
	`|\b(?:ca|tout ca|cela) (?:va|finira|va finir|risque de finir) (?:tres )?(?:mal finir|mal|par mal finir|degenerer|peter|saigner)\b|\bil (?:va|risque d) y avoir du sang\b|\bil y aura du sang\b` +
	`|\b(?:on|je|nous) (?:sait|sais|savons) ou (?:vous|tu|il|elle|ils|sont|est|se trouve|garez|garer|dormez|dors|vivent|travaille|travaillez)\b` +
	`|\b(?:j ai|on a|nous avons|je connais|on connait) (?:ton|votre|son|leur) adresse\b|\bsi (?:je|on) (?:le|la|te|vous|les) (?:croise|croisons|chope|attrape|retrouve|recroise)\b` +
	`|\b(?:vous allez|tu vas|il va|ils vont) (?:comprendre|voir) (?:ce qui|ce que|votre douleur|ta douleur|sa douleur|de quel bois|ce qu il en coute)\b` +
	`|\b(?:tu es|vous etes|t es|considerez vous|considere toi) (?:prevenu|prevenus|prevenue|prevenues|averti|avertis)\b|\bdernier avertissement\b` +
	`|\b(?:ca|cela) (?:se paiera|va se payer|se payera)\b|\b(?:vous le|tu le|il le|ils le) (?:paierez|paieras|paiera|paieront|payerez|payeras|payera)\b` +
	`|\b(?:on|j|nous) (?:aura|aurai|aurons) (?:ta|votre|sa|leur) peau\b|\b(?:on|je) (?:finira|finirai) par (?:te|vous|le|la|les) (?:trouver|avoir|attraper|retrouver)\b` +
	`|\b(?:je|on) (?:vais|va) (?:venir|passer|debarquer) (?:chez (?:toi|vous|lui|elle)|a ton domicile|a votre domicile|a son domicile)\b` +
	`|\b(?:j ai|on a) (?:un fusil|une arme|des armes|un flingue|une carabine)\b` +
	`|\b(?:lui|te|vous|leur|t) (?:eclate|eclater|eclaterai|eclaterais|defonce|defoncer|defoncerai|casse|casser|casserai|explose|exploser|exploserai|fracasse|fracasser|ouvre|ouvrir|arrache|arracher) (?:la tete|la gueule|le crane|la figure|les dents|le nez|le bide|le ventre)\b` +
	`|\b(?:qu il|qu elle|qu ils|qu elles|il ferait bien de|elle ferait bien de|vous feriez bien de|tu ferais bien de|ils feraient bien de) (?:fasse|fassent|faire) (?:attention|gaffe|tres attention)\b` +
	`|\brendre (?:une )?(?:petite )?visite (?:au maire|a la maire|a l adjoint|a l adjointe|au conseiller|a la conseillere|a ce|a cette|a votre|a ton|chez (?:lui|elle|toi|vous|eux))\b` +
	`|\b(?:discuter|s expliquer|regler ca|parler) entre quatre yeux\b|\b(?:va|vas|allez|vont|vais|allons) (?:vous|te|lui|leur) (?:faire|pourrir) la (?:misere|vie)\b` +
	`|\bcoup de (?:cutter|couteau|batte|boule|machette|hache|surin|lame)\b|\b(?:crever|creve|crevent|crevons|lacerer) (?:les|ses|tes|vos|leurs) pneus\b` +
	`|\b(?:leur|lui|vous|te|t) tirer (?:dessus|une balle|des balles)\b|\btirer (?:dessus|une balle) (?:a|sur) (?:ces|ce|cette|le|la|les)\b` +
	`|\b(?:suicide toi|suicidez vous|suicide-toi|tue toi|tuez vous|va te tuer|allez vous tuer|jette toi d un pont|jetez vous d un pont|va te pendre|allez vous pendre|pends toi|pendez vous)\b` +
	`|\b(?:bruler|brulons|brulez|incendier|incendions|cramer|cramons) (?:la mairie|sa maison|ta maison|votre maison|leur maison|sa voiture|ta voiture|votre voiture|leurs voitures|leur voiture|les elus|le maire)\b`)

// incitementRe is a call to drive a group out ("il faut tous les
// expulser", "qu'on les renvoie chez eux"); it counts only with a group in
// the sentence, since "il faut virer le maire" is a political opinion.
var incitementRe = newGatedRe(`\b(?:il faut|faut|faudrait|il faudrait|on doit|on devrait|qu on|doivent|devraient|faut il) (?:les |tous les |toutes les |ces |tous ces |toutes ces |leur |tous )?(?:virer|chasser|expulser|renvoyer|degager|foutre dehors|bouter|deporter|jeter|eradiquer|nettoyer|parquer|enfermer|steriliser|interdire|renvoie|expulse|chasse|vire|degage|deporte)\b` +
	`|\b(?:se porterait|se porteraient|irait|iraient|serait|serions|serait bien) mieux sans\b|\ben (?:finir|finisse|finissent|finira|finirons) avec\b` +
	`|\b(?:debarrasser|debarrassons nous|debarrassez nous|se debarrasser|nous debarrasser) (?:de|des|d)\b|\bmort a (?:tous|toutes|ces|les)\b` +
	`|\b(?:continuer|continuera|continuerons) a (?:vous|les) (?:attaquer|frapper|chasser|harceler)\b`)

// goHomeRe tells someone to go back to "their country": xenophobic whoever
// it is said to, so it needs no group named.
var goHomeRe = newGatedRe(`\b(?:retourne|retournez|rentre|rentrez|repars|repartez|casse toi|cassez vous|degage|degagez) (?:dans|chez|en|au) (?:ton|votre|leur|son) (?:pays|bled)\b|\b(?:retourne|retournez|rentre|rentrez|renvoyez les|renvoyer) (?:au bled|en afrique|dans leur pays|chez eux dans leur pays)\b|\bla france aux francais\b`)
