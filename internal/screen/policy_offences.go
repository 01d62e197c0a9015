// Spam and accusations: what harms the debate without an insult.

package screen

import (
	"fmt"
	"regexp"
	"strings"
)

// commercial spam: a link or a web address together with selling words.
var (
	domainRe = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|biz|info|shop|store|io|co|xyz|fr|online|site|top|club|bet|casino|win|vip|me|ly|eu|pro|app|live|link|click|buzz)\b`)
	// Words that sell on their own (a casino, a promo code, easy money).
	spamStrong = wordSet("casino casinos bonus promo promos crypto cryptos bitcoin forex viagra cialis escort escorts " +
		"followers abonnes discount soldes rencontres celibataires webcam jackpot pari loterie remboursement cashback " +
		"marabout voyant voyance medium envoutement minceur seo referencement nft trading abonnez likez")
	// spamContact are ways to reach a seller; with a selling word and no
	// link they make spam ("voyance … par téléphone", "prêt … WhatsApp").
	spamContact = wordSet("telephone whatsapp telegram sms appelez contactez ecrivez snapchat")
	// Words that sell only together.
	// Not "gratuit", "inscription", "offre", "prix", "vente": a commune's
	// free workshop, job offer or school cake sale uses them with a link.
	spamWeak = wordSet("achetez acheter commandez commander livraison " +
		"reduction remise euros gagnez gagner gain gains cliquez visitez vite exclusif exclusive " +
		"meilleur meilleurs imbattable garanti garantie whatsapp telegram investissez investir rendement revenus argent facile " +
		"decouvrez profitez vends gagne kilos perdez chaine contactez")
	spamPhrases = newGatedRe(`\b(?:pret entre particuliers|credit immediat|meme fiche|fiche banque de france|sans justificatif|reponse immediate|rachat de credits|sans frais de dossier|resout tous vos problemes|retour affectif|code promo|tours gratuits|pas cher|pas chers|par jour|par mois|depuis chez vous|sans effort|travail a domicile|argent facile|rachat de credit|pret rapide|gagnez jusqu|offre limitee|livraison gratuite|retour de l etre aime|revenus passifs|cliquez ici|lien en bio|offre speciale|ma chaine|mon site|perdez \S+ kilos)\b`)
	moneyRe     = regexp.MustCompile(`\d\s?(?:€|euros?|\$|%)|-\d+\s?%`)
)

// spamPhraseWords are words every spamPhrases alternative contains.
var spamPhraseWords = wordSet("immediat fiche justificatif reponse immediate credits particuliers dossier resout affectif promo gratuits cher chers jour mois chez effort domicile facile credit rapide gagnez limitee gratuite aime passifs ici bio speciale chaine site kilos")

func commercialSpam(text string, toks []token, norm string) string {
	strong, weak, phrase := 0, 0, false
	var first string
	for _, t := range toks {
		switch {
		case spamStrong[t.text]:
			strong++
			if first == "" {
				first = t.text
			}
		case spamWeak[t.text]:
			weak++
			if first == "" {
				first = t.text
			}
		}
		phrase = phrase || spamPhraseWords[t.text]
	}
	if strong == 0 && weak == 0 && !phrase {
		// Most comments sell nothing: skip the regular expressions.
		return ""
	}
	if phrase {
		if locs := spamPhrases.find(toks, norm, true); len(locs) > 0 {
			strong++
			first = norm[locs[0][0]:locs[0][1]]
		}
	}
	if moneyRe.MatchString(text) {
		weak++
	}
	if strong == 0 && weak < 1 {
		return ""
	}
	link := domainRe.FindString(text)
	if link == "" && strong == 0 && weak < 2 {
		return ""
	}
	switch {
	case link != "" && (strong >= 1 || weak >= 2 || !civicLink(link)):
		return fmt.Sprintf("spam commercial : lien « %s » et « %s »", strings.ToValidUTF8(link, "\uFFFD"), first)
	case strong >= 1 && weak >= 2, strong >= 2, strong >= 1 && hasWord(toks, spamContact):
		return fmt.Sprintf("spam commercial : « %s »", first)
	}
	return ""
}

// Offences stated as fact about an identifiable person (press law, 1881:
// defamation). "Le maire Dupuis a détourné…" is held; a question, a
// conditional ("aurait détourné") or an opinion about a policy is not.
var offenceRe = newGatedRe(`\b(?:a|ont|avait|s est|se sont) (?:\S+ )?(?:detourne|detournes|vole|voles|truque|truques|falsifie|falsifies|escroque|escroques|triche|fraude|blanchi|magouille|rackette|soudoye|soudoyes|achete des voix|achete les voix|pioche dans|puise dans|agresse|harcele|viole|enrichi|empoche|touche des pots de vin|touche des enveloppes|pistonne)\b` +
	`|\b(?:touche|touchent|touchait|recoit|recoivent|prend|prennent|empoche|empochent) (?:des |les )?(?:pots de vin|pot de vin|enveloppes|dessous de table|commissions occultes|retro commissions)\b` +
	`|\b(?:est|sont|c est) (?:un |une |des )?(?:\S+ )?(?:corrompu|corrompue|corrompus|escroc|escrocs|voleur|voleuse|voleurs|pedophile|pedophiles|violeur|violeurs|fraudeur|fraudeuse|magouilleur|magouilleuse|mafieux|mafieuse|delinquant|delinquante|criminel|criminelle|dealer|trafiquant|trafiquante|pourri|pourrie|vendu|vendue)\b` +
	`|\b(?:se sert|se servent|se servait|se gave|se gavent) dans (?:la caisse|les caisses)\b` +
	`|\b(?:s en met|s en mettent) plein les poches\b` +
	`|\b(?:detournement de fonds|emplois fictifs|emploi fictif|prise illegale d interets|abus de biens sociaux|favoritisme|fraude fiscale|conflit d interets|delit d initie)\b` +
	`|\b(?:a|ont|avait) (?:\S+ )?(?:pique|pille|arnaque|trompe les electeurs|trafique|deale|menti sous serment)\b` +
	`|\b(?:pique|piquent|piquait|puise|puisent|vole|volent|volait|se sert|se servent|tape|tapent) dans (?:la caisse|les caisses|le budget|l argent public|les subventions|la tresorerie)\b` +
	`|\b(?:a|ont|avait) (?:achete|paye|paie|finance|renove|construit|offert) (?:\S+ ){1,4}avec (?:l argent|les fonds|le budget|nos impots) (?:de la commune|public|publics|des contribuables|de la mairie|de la ville|municipal|municipaux)\b` +
	`|\b(?:se remplit|se remplissent|s est rempli|se sont remplis|remplit) (?:bien )?les poches\b` +
	`|\b(?:a fait embaucher|a embauche|fait embaucher|emploie|paie|a paye|fait payer) (?:sa|son|ses) (?:femme|fils|fille|mari|maitresse|amant|cousin|cousine|famille|beau frere|belle soeur|neveu|niece)\b` +
	`|\b(?:bat|battait|frappe) (?:sa|ses) (?:femme|enfants|gosses|mari)\b` +
	`|\b(?:touche|recu|empoche|encaisse) (?:\S+ ){0,3}(?:euros|balles|briques|cash|pots de vin|enveloppes?) (?:du|de la|des|d un|d une|de) (?:promoteur|promoteurs|entreprise|entreprises|societe|constructeur|btp|mafia|patron|lobby)\b` +
	`|\b(?:est|c est) (?:un |une )?(?:alcoolique|toxicomane|cocainomane|dealeur|proxenete)\b` +
	`|\b(?:vend|vendent|revend|revendent|deale|dealent) (?:de la drogue|du shit|de la coke|de la cocaine|du cannabis|de l herbe)\b|\bse (?:drogue|droguent|came)\b` +
	`|\b(?:maltraite|maltraitent|maltraitait) (?:ses|sa|son|les) (?:enfants|eleves|animaux|chiens|femme|mari|employes|salaries|residents|patients)\b` +
	`|\b(?:a|ont) (?:ete )?condamne(?:e|s|es)? pour\b|\b(?:a|ont) fait de la prison\b|\bpaie (?:ses|les) (?:employes|ouvriers|salaries) au noir\b` +
	`|\b(?:couche|couchait|a couche) avec\b|\btrompe (?:sa femme|son mari|sa compagne|son compagnon)\b|\battouchements\b`)

// offenceWords are words every offenceRe alternative contains; the
// expression runs only on comments that hold one.
var offenceWords = wordSet("detourne detournes vole voles truque truques falsifie falsifies escroque escroques triche fraude blanchi " +
	"magouille rackette soudoye soudoyes achete pioche puise agresse harcele viole enrichi empoche pistonne pots pot enveloppes " +
	"dessous commissions corrompu corrompue corrompus escroc escrocs voleur voleuse voleurs pedophile pedophiles violeur violeurs " +
	"fraudeur fraudeuse magouilleur magouilleuse mafieux mafieuse delinquant delinquante criminel criminelle dealer trafiquant " +
	"trafiquante pourri pourrie vendu vendue caisse caisses poches detournement emplois emploi prise abus favoritisme " +
	"pique pille arnaque trompe trafique deale menti piquent piquait puise puisent remplit remplissent rempli embaucher embauche " +
	"emploie paie paye payer fiscale interets initie bat battait frappe alcoolique toxicomane cocainomane dealeur proxenete " +
	"vend vendent revend revendent deale dealent drogue droguent came maltraite maltraitent maltraitait condamne condamnee condamnes " +
	"prison couche couchait trompe attouchements recu encaisse touche volent volait tape tapent achete finance renove construit offert")

// offenceLexicon are words that name an offence (press law: imputing an
// offence to a person is defamation unless proven). Said of an identifiable
// person in a sentence that states rather than asks or doubts, they hold.
var offenceLexicon = wordSet("detourne detournes detournee detournait detournent detournement detournements corrompu corrompue corrompus " +
	"corruption magouille magouilles magouiller magouilleur magouilleuse fraude fraudes frauder fraudeur fraudeuse truque truquer truquage " +
	"falsifie falsifiee falsification blanchiment escroc escroquerie escroque pistonne trafic trafique trafiquant racket rackette harcele " +
	"harcelement harceleur pedophile pedophilie malversation malversations concussion prevarication clientelisme favoritisme soudoye " +
	"soudoie pots enveloppes retrocommissions bourrage voleur voleuse vol")

func accusation(text string, toks []token, norm string) string {
	if strings.Contains(text, "?") {
		return ""
	}
	if hasWord(toks, awardVerbs) {
		if r := favouritism(text, toks, norm); r != "" {
			return r
		}
	}
	if !hasWord(toks, offenceWords) && !hasWord(toks, offenceLexicon) && !hasWord(toks, offence2Words) {
		return ""
	}
	for i, t := range toks {
		if !offenceLexicon[t.text] || hedged(toks, i) || negatedAt(toks, i) {
			continue
		}
		if strings.HasPrefix(t.text, "detourn") && i+2 < len(toks) && (notOffenceNext[toks[i+1].text] || notOffenceNext[toks[i+2].text]) {
			continue // "a détourné la circulation": traffic, not money
		}
		if t.text == "pots" && !(i+2 < len(toks) && toks[i+2].text == "vin") || t.text == "vol" && !(i+2 < len(toks) && toks[i+1].text == "de") {
			continue
		}
		if identifiablePerson(text, toks, i, toks[i].at, toks[i].at+len(t.text)) {
			return fmt.Sprintf("accusation d'un délit présentée comme un fait contre une personne identifiable : « %s »", t.text)
		}
	}
	for _, loc := range append(offenceRe.find(toks, norm, false), offence2Re.find(toks, norm, false)...) {
		// The token where the accusation is made decides its sentence.
		at := 0
		for at+1 < len(toks) && toks[at+1].at <= loc[0] {
			at++
		}
		if hedgedExcept(toks, at, loc[0], loc[1]) || strings.Contains(norm[loc[0]:loc[1]], "detourn") && notOffenceNext[firstWord(norm[loc[1]:], "la le les l un une des du")] {
			continue
		}
		if identifiablePerson(text, toks, at, loc[0], loc[1]) {
			return fmt.Sprintf("accusation d'un délit présentée comme un fait contre une personne identifiable : « %s »", norm[loc[0]:loc[1]])
		}
	}
	return ""
}

// hedged reports a sentence that doubts, asks or reports rather than
// states: "je me demande si", "il paraît que", "selon", the conditional.
func hedged(toks []token, at int) bool { return hedgedExcept(toks, at, -1, -1) }

// hedgedExcept is hedged ignoring the words of the accusation itself, at
// offsets from to to of the normalised text ("contre de l'argent" is the
// bribe, not "la lutte contre").
func hedgedExcept(toks []token, at, from, to int) bool {
	sent := toks[at].sentence
	for k := range toks {
		if toks[k].sentence != sent || toks[k].at >= from && toks[k].at < to {
			continue
		}
		switch toks[k].text {
		case "accuses", "soupconnes", "examen", "plainte", "proces", "tribunal", "justice", "victime", "victimes", "lutte", "contre", "prevention", "si", "aurait", "auraient", "serait", "seraient", "paraît", "parait", "rumeur", "rumeurs", "soupcon", "soupcons",
			"soupconne", "soupconnee", "presume", "presumee", "enquete", "accuse", "accusee", "pas", "jamais", "selon", "peut":
			return true
		}
	}
	return false
}
