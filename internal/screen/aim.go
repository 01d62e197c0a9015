package screen

import (
	"fmt"
	"strings"
)

// Second round of the policy's structure (issue 16, second pass), written
// from the policy and from general knowledge of how French residents
// threaten, dehumanise and harass, never from the measuring files: harm
// done to an official's property, wishes of harm with a named subject,
// segregation and disease metaphors about a protected group, remarks on a
// person's body, and the joint evidence that lets the statistical model's
// doubt count when a negative word is aimed at someone.

// propertyNouns are things that stand for their owner in a threat: "je
// brûle la permanence du député", "sa voiture va prendre feu".
var propertyNouns = wordSet("mosquee mosquees synagogue synagogues eglise eglises temple caravane caravanes campement foyer maison maisons voiture voitures permanence bureau bureaux domicile appartement appart " +
	"bagnole caisse vitres fenetres boite jardin commerce magasin boutique local garage")

// propertyObject reports an ambiguous verb of violence whose object is a
// person's property: "brûler la permanence du député", "casser ta
// voiture", "incendier sa maison".
func propertyObject(text string, toks []token, roles []role, i int) bool {
	sent := toks[i].sentence
	for k := i + 1; k < len(toks) && k <= i+3 && toks[k].sentence == sent; k++ {
		if !propertyNouns[toks[k].text] {
			continue
		}
		if worship[toks[k].text] && determiners[toks[k-1].text] {
			return true // "brûler la mosquée": a place of worship stands for its faithful
		}
		if p := toks[k-1].text; p == "ta" || p == "ton" || p == "votre" || p == "sa" || p == "son" || p == "leur" || p == "leurs" || p == "tes" || p == "vos" || p == "ses" {
			return true
		}
		for j := k + 1; j < len(toks) && j <= k+3 && toks[j].sentence == sent; j++ {
			w := toks[j].text
			if humanNouns[w] || roles[j]&roleGroup != 0 || capitalisedName(text, toks, j) {
				return true
			}
		}
	}
	return false
}

// threat2Re adds veiled threats and wishes of harm that the first list
// missed: a harm "felt", people who "disappeared for less", a wish that
// someone ends crushed or dead, a person carried out "by the scruff", a
// sleepless night promised, someone coming to wait for the addressee.
var threat2Re = newGatedRe(`\b(?:le|la|les) (?:sentir|sentirez|sentiras|sentira|sentiront|sentirais|sentiriez) passer\b` +
	`|\b(?:disparu|disparus|disparue|disparaissent|disparaitre|pris une balle|fini a l hopital|fini au cimetiere) pour (?:moins que ca|moins que cela|moins)\b` +
	`|\b(?:j espere|je souhaite|pourvu|vivement|ce serait bien|ce serait bien) (?:que|qu) (?:\S+ ){1,4}(?:finisse|finissent|finira|finiront|termine|terminera|soit|soient|se retrouve|se retrouvent) (?:ecrase|ecrasee|ecrases|ecrasees|renverse|renversee|renverses|mort|morte|morts|mortes|pendu|pendue|pendus|brule|brulee|brules|noye|noyee|noyes|decapite|decapitee|lapide|lapidee|lynche|lynchee|en morceaux|en prison|a la morgue|sous un|sous une|six pieds)\b` +
	`|\b(?:j espere|je souhaite|pourvu|vivement) (?:que|qu) (?:\S+ ){1,4}(?:creve|crevent|meure|meurent|brule|brulent|pourrisse|pourrissent|se fasse|se fassent) (?:\S+ )?(?:ecraser|renverser|tabasser|lyncher|buter|descendre|crever|defoncer|casser la gueule|egorger|planter|pendre)?\b` +
	`|\bpar la peau du (?:cou|dos|cul)\b|\bpar le colback\b` +
	`|\b(?:du mal a|plus jamais|ne plus|pas pret de|pas pres de) dormir (?:tranquille|tranquilles|en paix|sur (?:vos|tes|ses|leurs) deux oreilles)\b` +
	`|\b(?:dormirez|dormiras|dormira|dormiront) plus (?:jamais )?(?:tranquille|tranquilles|en paix)\b` +
	`|\b(?:viendra|viendront|va venir|vont venir|viendrait|viendraient) (?:vous|te|t|le|la|les|l) (?:attendre|chercher|cueillir|trouver|rendre visite|regler)\b` +
	`|\b(?:un |une |d un |d une )?(?:bon |bonne |petit |petite )?(?:coup de fusil|coup de carabine|coup de revolver|coup de flingue|balle dans la tete|balle entre les deux yeux|bastos)\b` +
	`|\b(?:je|on|nous|j) (?:vais |va |allons |irai |ira |irons )?(?:le |la |les |te |vous |l |t )?(?:sortir|trainer|virer) (?:\S+ ){0,4}(?:par les cheveux|par la peau|a coups de pied|a coups de pieds|manu militari)\b` +
	`|\b(?:vous|tu|il|elle|ils) (?:aurez|auras|aura|auront) (?:de mes nouvelles|affaire a moi|affaire a nous)\b` +
	`|\b(?:merite|meritent|meriterait|meriteraient|devrait|devraient|faudrait qu il|faudrait qu ils|vivement qu(?: \S+){1,4}|j espere qu(?: \S+){1,4}|pourvu qu(?: \S+){1,4}) (?:de )?(?:se faire|se fasse|se fassent|se prenne|se prennent|se prendre) (?:casser|defoncer|tabasser|lyncher|buter|descendre|refaire le portrait|une balle|une raclee|une bonne raclee|des coups|une correction|cogner|frapper|eclater|exploser|cramer|bruler)\b` +
	`|\b(?:pense|pensez|pensons) a (?:ta|votre|sa|leur) (?:securite|sante|famille|femme|mari|enfants)\b|\bje ne (?:me promenerais|sortirais|rentrerais|marcherais|trainerais) plus (?:seul|seule|tout seul|toute seule|le soir)\b` +
	`|\bet pas avec des (?:petitions|mots|fleurs|bisous|pancartes|banderoles|discours)\b|\bun bon coup de pied\b|\bcoups? de pied (?:au cul|aux fesses|dans la gueule|dans les dents)\b` +
	`|\ba interet a (?:raser les murs|se cacher|se planquer|faire gaffe|faire tres attention|demenager|courir vite|ne pas sortir)\b|\b(?:je|on|nous) (?:le|la|les|te|vous|t) (?:cherche|cherchons|cherchent)\b` +
	`|\b(?:sortir|sortirons|sortira|sortiront|sortirai|ressortir|ressortirons|ressortira|sortez|sortons) les (?:fusils|armes|fourches|kalachs|battes|machettes|couteaux|flingues)\b` +
	`|\b(?:retrouvera|retrouverez|retrouveras|retrouveront|retrouver|repechera|repecher) (?:\S+ ){1,3}(?:dans le canal|dans la riviere|dans un fosse|dans la seine|dans le coffre|dans un sac|au fond du lac|au fond de la riviere|au fond du canal|dans les bois)\b` +
	`|\b(?:je|on|nous) (?:passerai|passera|passerons|viendrai|viendra|viendrons) (?:vous |te |lui |leur )?(?:dire deux mots|faire un petit coucou) (?:a|au|chez)\b`)

// segregationRe calls for segregating, confining, forcing or destroying a
// protected group ("qu'on rouvre les camps", "derrière des barbelés",
// "soignés de force", "le bulldozer sur leurs caravanes", "les mettre dans
// un bateau et le couler"); it counts only with a group in the sentence or
// the one before.
var segregationRe = newGatedRe(`\b(?:rouvrir|rouvre|rouvrez|rouvrons|ouvrir|ouvrez|reouvrir) (?:les |des )?(?:camps|camp)\b` +
	`|\b(?:mettre|mettez|mettons|mette|mettent|enfermer|enfermez|parquer|parquez|envoyer|envoyez|renvoyer|foutre|foutez|remettre|remettez) (?:\S+ ){0,3}(?:dans|en) (?:des |un |les )?(?:camps|camp de concentration|camps de concentration|ghetto|ghettos|enclos|cages|reserve|reserves|zoo)\b` +
	`|\bderriere (?:des |les )?barbeles\b|\b(?:chambre|chambres|four|fours) a gaz\b|\bsolution finale\b` +
	`|\b(?:soigner|soignes|soignees|soigne|steriliser|sterilises|sterilisees|convertir|convertis|converties|castrer|castres|interner|internes|reeduquer|reeduques|enfermer|enfermes|traiter|traites) de force\b` +
	`|\b(?:empecher|chasser|virer|degager|eliminer|debarrasser|faire partir) (?:\S+ ){0,4}par tous les moyens\b|\b(?:a coups de matraque|au lance flammes|a la mitrailleuse)\b` +
	`|\b(?:le |un |des |les )?(?:bulldozer|bulldozers|tractopelle) sur\b|\bavec eux dedans\b` +
	`|\bdans un bateau et (?:le |les )?(?:couler|coule|coulez|saborder)\b|\b(?:couler|coulez|coule) (?:le|leur|leurs|les) (?:bateau|bateaux|rafiot|rafiots|canot|canots)\b` +
	`|\b(?:les |leur )?(?:empecher|interdire) de (?:vivre|respirer|exister|se reproduire|avoir des enfants)\b` +
	`|\bpogroms?\b|\b(?:ratonnade|ratonnades|nuit de cristal|purge ethnique|nettoyage ethnique|epuration ethnique)\b|\bce qu (?:il faudrait|on devrait|il faut|on doit) en faire\b|\bl histoire l a (?:montre|prouve)\b` +
	`|\b(?:a|au) (?:la )?(?:potence|poteau|mur|bucher)\b|\b(?:une|la) (?:balle|corde) (?:chacun|pour chacun)\b`)

// dehumanRe describes a protected group as vermin, disease, animals or an
// invading horde ("pullulent", "se reproduisent comme des lapins",
// "nous envahissent", "c'est une maladie"), or as a hidden power ("les X
// contrôlent la mairie"). With a group in the sentence it is
// dehumanisation, which the policy holds.
var dehumanRe = newGatedRe(`\b(?:pullule|pullulent|grouille|grouillent|prolifere|proliferent|infeste|infestent|envahissent|envahisse|nous envahir|nous remplacent|remplacent les francais|grand remplacement|se multiplient comme|se reproduisent comme)\b` +
	`|\bcomme des (?:lapins|rats|cafards|poux|mouches|sauterelles|animaux|betes|chiens|singes|cloportes|vermines|blattes|puces|punaises)\b` +
	`|\b(?:c est|ca reste|ce sont) (?:une|des|un) (?:maladie|maladies|virus|peste|lepre|gangrene|cancer|vermine|fleau|epidemie|infection)\b` +
	`|\b(?:controlent|controle|dirigent|tiennent|possedent|manipulent) (?:la mairie|les medias|la presse|les banques|la finance|le monde|tout|le pays|la france|le gouvernement|la justice)\b` +
	`|\b(?:une|l|cette) (?:invasion|occupation|colonisation) (?:de|des|d)\b|\b(?:la lie|le rebut|les dechets|la racaille|les ordures) de (?:l humanite|la societe|la terre|la nation)\b|\b(?:sous hommes|sous humains|sous race|sous races|untermensch|bouches inutiles)\b` +
	`|\b(?:sangsues|parasites|vermine|nuisibles|cafards|rats) qui (?:vivent|profitent|se nourrissent|sucent|pompent)\b`)

// groupNear reports a protected group in the sentence of token at or the
// one before.
func groupNear(toks []token, roles []role, at int) bool { return groupInSentence(toks, roles, at) }

// tokenAt returns the index of the token a match at offset off of norm
// starts in.
func tokenAt(toks []token, off int) int {
	at := 0
	for at+1 < len(toks) && toks[at+1].at <= off {
		at++
	}
	return at
}

// groupHarm holds segregation, forced treatment and dehumanising
// metaphors said of a protected group.
func groupHarm(toks []token, roles []role, norm string, counter func(int) bool) string {
	for _, r := range []struct {
		re    *gatedRe
		label string
	}{{segregationRe, "appel à la violence contre un groupe"}, {dehumanRe, "déshumanisation d'un groupe"}} {
		for _, loc := range r.re.find(toks, norm, false) {
			at := tokenAt(toks, loc[0])
			if counter(at) || negatedAt(toks, min(at+1, len(toks)-1)) || !groupNear(toks, roles, at) {
				continue
			}
			return fmt.Sprintf("%s : « %s »", r.label, norm[loc[0]:loc[1]])
		}
	}
	return ""
}

// sexual2Re are sexual remarks and propositions that need no listed
// sexual word: a request for pictures of someone undressed, "je lui
// ferais bien sa fête", a remark on someone's "cul", "au lit" said of a
// person.
var sexual2Re = newGatedRe(`\b(?:photos?|videos?|selfies?) de (?:toi|vous) (?:toute |tout )?(?:nue?s?|a poil|en petite tenue|en sous vetements|en lingerie|en maillot|en string|en culotte)\b` +
	`|\ben (?:petite tenue|sous vetements|lingerie)\b` +
	`|\b(?:lui|te|leur|vous) (?:ferais|ferait|ferai|ferions|ferons) bien (?:sa|ta|leur|votre) fete\b` +
	`|\b(?:joli|beau|gros|petit|sacre|bon) cul\b|\bun cul (?:pareil|comme ca|comme le sien|comme le tien|comme le votre|d enfer|de reve)\b|\bavec (?:un|ce|son|ton|votre) cul\b` +
	`|\b(?:etre|es|est|etes|etait) (?:\S+ ){0,3}(?:une bombe|un bon coup|une affaire|bonne|chaude|coquine|cochonne) au lit\b` +
	`|\bbonne (?:en vrai|en photo|comme pas permis)\b|\bplus bonne\b|\b(?:petite|une) gaterie\b|\b(?:mes|les) mains sur (?:les|ses|tes|vos|son|ton|votre) (?:jambes|cuisses|fesses|seins|corps|hanches|formes|poitrine)\b` +
	`|\b(?:peloter|tripoter|reluquer|pelote|tripote|reluque|peloterais|tripoterais)\b|\b(?:jupe|jupes|robe|robes|short|decollete) (?:courte|courtes|courts|moulante|moulantes|plongeant|ras les fesses) (?:tu|vous) (?:cherches|cherchez)\b` +
	`|\b(?:avec|en) (?:ta|votre|sa) (?:jupe|robe|mini jupe|minijupe) (?:courte|moulante|ras les fesses)? ?(?:tu|vous|elle) (?:cherches|cherchez|cherche)\b` +
	`|\b(?:a poil|toute nue|tout nu) (?:pour moi|devant moi|dans mon lit)\b|\b(?:viens|venez) dans mon lit\b|\bcoucher avec (?:toi|vous)\b`)

// sexualHarass2 holds the remarks of sexual2Re when they are aimed at a
// person: a second-person word, a person noun, "elle", a name.
func sexualHarass2(text string, toks []token, roles []role, norm string, counter func(int) bool) string {
	for _, loc := range sexual2Re.find(toks, norm, false) {
		at := tokenAt(toks, loc[0])
		if counter(at) || negatedAt(toks, min(at+1, len(toks)-1)) {
			continue
		}
		for k := range toks {
			if d := toks[at].sentence - toks[k].sentence; d < 0 || d > 1 {
				continue
			}
			w := toks[k].text
			if secondPerson[w] || w == "elle" || w == "lui" || humanNouns[w] || professions[w] || capitalisedName(text, toks, k) {
				return fmt.Sprintf("harcèlement sexuel : « %s »", norm[loc[0]:loc[1]])
			}
		}
	}
	return ""
}

// offence2Re are accusations the first list missed: helping oneself in the
// till in the present, contracts awarded to one's family, beating the
// children one is in charge of.
var offence2Re = newGatedRe(`\b(?:pioche|piochent|piochait|piochaient|a pioche|ont pioche) dans (?:la caisse|les caisses|le budget|l argent|les fonds|la tresorerie|les subventions)\b` +
	`|\b(?:s est fait|se fait|se sont fait|a fait|ont fait|se paie|se paye|s est paye|s est offert|se sont offert|s offre|se sont payes) (?:\S+ ){1,5}aux frais (?:de la commune|du contribuable|des contribuables|de la mairie|de la ville|du departement|de la region|de l etat|de la collectivite)\b` +
	`|\b(?:qui|il|elle) (?:deale|dealent|trafique|trafiquent|rackette|rackettent)\b|\bferme (?:les )?yeux sur (?:le|les|ce|ces) (?:trafic|trafics|deal|magouilles|fraudes) (?:contre|pour|moyennant)\b` +
	`|\b(?:est|sont|etait) (?:paye|payee|payes|payees|achete|achetee|finance|financee|arrose|arrosee|stipendie) par (?:le|les|un|des|la) (?:promoteur|promoteurs|lobby|lobbies|mafia|entreprise|entreprises|industriels|btp|constructeur|patronat)\b` +
	`|\b(?:s est mis|s est mise|se met|se mettent|se sont mis|s est mis|a mis|ont mis) (?:\S+ ){1,5}dans (?:la|sa|leur) poche\b` +
	`|\bcontre (?:des billets|une enveloppe|des enveloppes|des pots de vin|du cash|de l oseille|un bakchich|des bakchichs)\b` +
	`|\b(?:frappe|frappent|frappait|bat|battent|battait|tape|tapent|tapait|cogne|cognent) (?:les|ses|des|leurs) (?:enfants|eleves|gamins|gosses|petits|residents|pensionnaires|patients|employes|apprentis)\b`)

// notOffenceNext are objects that make "détourner" ordinary: traffic, a
// bus route, someone's attention.
var notOffenceNext = wordSet("circulation trafic bus route routes itineraire ligne lignes attention regard conversation cours camions poids vehicules voitures riviere ruisseau eaux sujet yeux tete")

// aimedNegative reports a word of strongly negative valence in a sentence
// that also addresses or names someone — the second person, a particular
// person or official, a capitalised name, a protected group. Alone it
// holds nothing: it is a weak cue that lets a moderately confident model
// hold the comment (the cue threshold, tuned out of fold by screentrain
// under the model's false-hold budget).
func (lx *lexicon) aimedNegative(text string, toks []token, roles []role) bool {
	for i, t := range toks {
		if v, ok := lx.negative[t.text]; !ok || v > -3 {
			continue
		}
		for k := range toks {
			if toks[k].sentence != t.sentence || k == i {
				continue
			}
			w := toks[k].text
			if secondPerson[w] || roles[k]&roleGroup != 0 || capitalisedName(text, toks, k) ||
				(humanNouns[w] || professions[w]) && k > 0 && particular[toks[k-1].text] {
				return true
			}
		}
	}
	return false
}

// favouritism holds a public contract, job, grant or home said to have been
// given to the giver's own family or friends ("a fait attribuer le marché
// à l'entreprise de son beau-frère"), an offence (favoritisme, prise
// illégale d'intérêts) stated as fact.
func favouritism(text string, toks []token, norm string) string {
	for i, t := range toks {
		if !awardVerbs[t.text] || hedged(toks, i) {
			continue
		}
		noun, kin := false, ""
		for k := range toks {
			if toks[k].sentence != t.sentence {
				continue
			}
			noun = noun || awardNouns[toks[k].text]
			if k > 0 && k > i && kinNouns[toks[k].text] && (toks[k-1].text == "son" || toks[k-1].text == "sa" || toks[k-1].text == "ses" ||
				toks[k-1].text == "beau" || toks[k-1].text == "belle") {
				kin = toks[k].text
			}
		}
		if noun && kin != "" && identifiablePerson(text, toks, i, -1, -1) {
			return fmt.Sprintf("accusation d'un délit présentée comme un fait contre une personne identifiable : « %s » … « %s »", t.text, kin)
		}
	}
	return ""
}

var (
	awardVerbs = wordSet("attribue attribuee attribues attribuer attribuait donne donnee donner donnait confie confiee confier confiait " +
		"file refile octroye octroyee accorde accordee offert offerte")
	awardNouns = wordSet("marche marches contrat contrats chantier chantiers logement logements poste postes subvention subventions terrain terrains emploi emplois")
	kinNouns   = wordSet("frere soeur pere mere cousin cousine fils fille femme mari gendre neveu niece copain copains copine potes amis ami amie famille maitresse amant")
)

// offence2Words are words every offence2Re alternative contains.
var offence2Words = wordSet("paye payee payes payees achete achetee finance financee arrose arrosee stipendie poche frais deale dealent trafique trafiquent rackette rackettent yeux contre pioche piochent piochait piochaient frappe frappent frappait bat battent battait tape tapent tapait cogne cognent")

// firstWord returns the first word of s that is not in skip (a space-
// separated list): the object noun after "a détourné".
func firstWord(s, skip string) string {
	sk := wordSet(skip)
	for _, w := range strings.Fields(s) {
		if !sk[w] {
			return w
		}
	}
	return ""
}

// vocative reports a harsh word used to address someone: opening the
// sentence and set off by a comma ("Pauvre tache, retourne à tes
// dossiers", "Abruti, tu…"), or closing it after a comma ("merci pour
// rien, bande de nuls"). A word addressed to the reader is aimed at them.
func vocative(text string, toks []token, lo, hi, i int) bool {
	if i == lo {
		for k := i; k <= i+2 && k < hi; k++ {
			if rest := strings.TrimLeft(text[toks[k].end:], " "); strings.HasPrefix(rest, ",") {
				// "Idiot, ce plan de circulation": a thing set off after
				// the comma is what the word judges.
				return k+1 > hi || !dislocated[toks[k+1].text]
			}
			if k+1 <= hi && !aimingWords[toks[k].text] && toks[k].text != "de" {
				break
			}
		}
		return false
	}
	if hi-i <= 2 && i > lo {
		j := i
		if j-1 > lo && aimingWords[toks[j-1].text] {
			j--
		}
		between := text[toks[j-1].end:toks[j].start]
		return strings.Contains(between, ",")
	}
	return false
}

// dislocated are words that open a thing set off after an exclamation.
var dislocated = wordSet("ce cet cette ces c ca cela ceci")

// thingObject reports a threat verb matched without an object pronoun
// whose object, right after it, is a thing: a determiner and no person,
// group or second-person word in the next words ("je vais tuer le
// mildiou", "on va brûler les feuilles").
func thingObject(toks []token, roles []role, matched []string, end int) bool {
	for _, w := range matched {
		if cliticObject[w] {
			return false
		}
	}
	if end >= len(toks) || !determiners[toks[end].text] {
		return false
	}
	for k := end; k < len(toks) && k <= end+3 && toks[k].sentence == toks[end].sentence; k++ {
		w := toks[k].text
		if humanNouns[w] || professions[w] || roles[k]&roleGroup != 0 || secondPerson[w] && k > end {
			return false
		}
	}
	return true
}

var worship = wordSet("mosquee mosquees synagogue synagogues eglise eglises temple")

// massViolenceRe wishes or calls for mass violence against a people ("un
// bon pogrom", "il faudrait une ratonnade"): the words name violence
// against a group by themselves, so no group needs to be named.
var massViolenceRe = newGatedRe(`\b(?:un bon|une bonne|un petit|une petite|il faudrait un|il faudrait une|il faut un|il faut une|vivement un|vivement une|rien de tel qu un|rien de tel qu une|ce qu il faut c est un|ce qu il faut c est une) (?:pogrom|ratonnade|nettoyage ethnique|epuration|purge|rafle|chambre a gaz|solution finale|nuit de cristal)\b`)

// electoral are words of a democratic consequence: "vous allez le
// regretter aux élections" promises a vote, not harm.
var electoral = wordSet("elections election urnes urne vote votes voter votera voterons voteront scrutin bulletin bulletins municipales reelection")

// electoralSentence reports such a word in the sentence of token at.
func electoralSentence(toks []token, at int) bool {
	for _, t := range toks {
		if t.sentence == toks[at].sentence && electoral[t.text] {
			return true
		}
	}
	return false
}

// sportsWords make trash talk ("on va défoncer l'équipe d'en face") a
// game, not a threat.
var sportsWords = wordSet("match matchs tournoi foot football rugby hand handball basket championnat derby coupe finale pétanque petanque tennis")

// threatMarker are phrases that make a comment threatening only when it
// also has a violent word or an insult ("je vais tout casser, vous allez
// voir"); alone they are ordinary ("vous allez voir, le marché sera beau").
var threatMarkerRe = newGatedRe(`\b(?:vous allez voir|tu vas voir|vous verrez|tu verras|vous allez comprendre|tu vas comprendre|je vous promets|je te promets|je vous jure|je te jure)\b`)

var markerViolent = wordSet("casser casse cramer brule bruler regler defoncer fusil fusils arme armes batte couteau sang saigner gueule tabasser cogner exploser eclater demolir crever flinguer buter")

// roadWorry reports "ce carrefour va finir par tuer quelqu'un", "ça
// risque de tuer un enfant": a danger someone warns about, not a threat.
func roadWorry(toks []token, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	switch toks[i+1].text {
	case "quelqu", "un", "une", "des":
	default:
		return false
	}
	if n := toks[i+1].text; n != "quelqu" && (i+2 >= len(toks) || !victims[toks[i+2].text]) {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-3 && toks[k].sentence == toks[i].sentence; k-- {
		switch toks[k].text {
		case "par", "risque", "risquent", "pourrait", "pourraient", "finira", "va", "vont":
			return true
		}
	}
	return false
}

var victims = wordSet("enfant enfants pieton pietons cycliste cyclistes gamin gamins eleve eleves motard passant passants")
