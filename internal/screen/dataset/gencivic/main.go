// Command gencivic writes civic_synthetic.tsv: SYNTHETIC training sentences
// in the style of comments on a French commune's site, made by filling
// hand-written templates with hand-written slot values (random choices with
// a fixed seed, so the file is reproducible). Nothing comes from an outside
// source. Most sentences are acceptable (harsh but civil criticism, roadworks
// complaints, council notices with numbers, neutral mentions of religions,
// origins and neighbourhoods); a minority are abusive, built from the same
// civic vocabulary, so that the model learns that the civic context is not
// what makes a comment abusive.
//
// The file is for TRAINING only. Evaluation uses civic_eval.tsv, written by
// hand without these templates.
//
//	go run ./internal/screen/dataset/gencivic > internal/screen/dataset/civic_synthetic.tsv
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
)

var slots = map[string][]string{
	"elu": {"le maire", "la maire", "l'adjoint à l'urbanisme", "l'adjointe aux finances", "le conseil municipal",
		"la municipalité", "l'équipe municipale", "le président de l'agglomération", "la majorité municipale",
		"l'adjoint à la voirie", "le premier adjoint", "la conseillère déléguée aux sports", "monsieur le maire",
		"madame la maire", "le cabinet du maire", "l'opposition municipale", "les élus", "la communauté de communes"},
	"Elu": {"Le maire", "La maire", "L'adjoint à l'urbanisme", "Le conseil municipal", "La municipalité",
		"L'équipe municipale", "Le président de l'agglo", "La majorité", "L'adjointe à la culture", "Monsieur le maire",
		"Madame la maire", "Le premier adjoint", "Les élus de la majorité", "Le service urbanisme"},
	"sujet": {"la rénovation de la place du marché", "le nouveau plan de circulation", "la fermeture de la piscine",
		"la hausse de la taxe foncière", "les travaux de la rue Victor Hugo", "le projet d'éoliennes",
		"la révision du PLU", "le prix de la cantine", "la suppression du bus de nuit", "le parking payant",
		"la vente du terrain des Acacias", "le projet de lotissement", "la fusion des écoles", "la zone bleue",
		"le budget de la culture", "l'éclairage public coupé la nuit", "la vidéosurveillance", "le nouveau rond-point",
		"la fermeture du bureau de poste", "l'abattage des platanes", "la piste cyclable du quai", "les horaires de la médiathèque"},
	"jugement": {"scandaleux", "honteux", "absurde", "catastrophique", "lamentable", "inacceptable", "ridicule",
		"indigne", "inadmissible", "aberrant", "désastreux", "injuste", "incompréhensible", "révoltant", "navrant",
		"pitoyable", "déplorable", "grotesque", "insensé", "consternant"},
	"echec": {"un échec total", "un fiasco", "une aberration", "un gâchis monumental", "une catastrophe",
		"un scandale", "une honte", "une erreur grave", "du grand n'importe quoi", "un désastre", "une mascarade",
		"un déni de démocratie", "un gaspillage d'argent public", "une provocation", "une farce"},
	"critique": {"est incompétent", "n'a aucune vision", "ment aux habitants", "gaspille l'argent public",
		"se moque des riverains", "devrait démissionner", "méprise les quartiers populaires", "n'écoute personne",
		"décide tout en catimini", "a trahi ses promesses", "fait n'importe quoi", "nous prend pour des idiots",
		"est complètement déconnecté", "n'assume jamais ses erreurs", "a perdu toute crédibilité", "gère la ville comme une entreprise",
		"est arrogant et sourd aux critiques", "raconte des histoires", "est à côté de la plaque"},
	"lieu": {"la rue Pasteur", "l'avenue Jean Jaurès", "le quartier des Tilleuls", "la place de la République",
		"le quai de Loire", "la cité des Peupliers", "le centre-ville", "le quartier de la gare", "le hameau de Vaux",
		"la zone artisanale", "le lotissement des Vignes", "la rue des Écoles", "le boulevard Gambetta", "les Hauts de Bellerive"},
	"probleme": {"des nids-de-poule énormes", "un chantier abandonné depuis des mois", "des poubelles qui débordent",
		"un lampadaire en panne depuis l'hiver", "des trottoirs impraticables", "des dépôts sauvages", "une fuite d'eau",
		"des voitures garées n'importe comment", "un bruit infernal dès six heures", "des tags partout",
		"des barrières de chantier renversées", "une chaussée défoncée", "des herbes hautes jusqu'aux genoux"},
	"groupe": {"les musulmans du quartier", "la communauté juive", "les catholiques de la paroisse", "les protestants",
		"les réfugiés afghans", "les familles ukrainiennes", "les gens du voyage", "les Roms", "les migrants hébergés au gymnase",
		"les habitants d'origine maghrébine", "les personnes handicapées", "les personnes âgées", "les jeunes de la cité",
		"l'association LGBT", "les femmes du quartier", "les Comoriens de la ville", "les Portugais de Bellerive",
		"les Turcs du quartier", "l'association des Algériens", "les bouddhistes", "les étudiants étrangers",
		"les Noirs et les Blancs du club", "les Arabes et les Juifs de la commune", "les personnes trans", "les couples homosexuels"},
	"action": {"organisent une collecte pour les sinistrés", "ont demandé une salle pour leur fête", "participent au repas de quartier",
		"tiennent un stand au forum des associations", "proposent des cours de cuisine", "ont nettoyé les berges",
		"invitent tout le monde à l'inauguration", "préparent un concert samedi", "ont ouvert une épicerie solidaire",
		"demandent plus de places de stationnement", "seront reçus par le maire jeudi", "ont rejoint le conseil de quartier",
		"célèbrent leur fête religieuse ce week-end", "animent un atelier à la médiathèque", "sont de plus en plus nombreux à voter"},
	"lieuCulte": {"la mosquée", "la synagogue", "l'église Saint-Martin", "le temple protestant", "la pagode", "le centre culturel turc"},
	"jour":      {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"},
	"mois":      {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "septembre", "octobre", "novembre", "décembre"},
	"salle":     {"salle du conseil", "salle des fêtes", "salle 2", "maison des associations", "gymnase Coubertin", "médiathèque"},
	"insulte": {"connard", "abruti", "enfoiré", "crétin", "salaud", "pourri", "fumier", "imbécile", "débile", "enculé",
		"trou du cul", "bouffon", "ordure", "minable", "couillon"},
	"insulteF":  {"salope", "connasse", "pétasse", "grognasse", "pute", "garce", "pouffiasse"},
	"insultePl": {"connards", "abrutis", "enfoirés", "crétins", "pourris", "bouffons", "tarés", "incapables de merde", "enculés", "ordures"},
	"cible":     {"les arabes", "les juifs", "les noirs", "les musulmans", "les migrants", "les roms", "les homos", "les femmes", "les immigrés", "les africains"},
	"haine": {"sont des parasites", "sont de la vermine", "devraient dégager de notre ville", "sont tous des voleurs",
		"sont des sous-hommes", "n'ont rien à faire ici", "sont des animaux", "pourrissent notre quartier", "sont une race inférieure",
		"il faut les renvoyer chez eux", "sont tous des délinquants", "nous envahissent"},
	"menace": {"je vais te casser la gueule", "on va brûler ta maison", "tu vas le payer très cher", "je vais te crever",
		"on sait où tu habites", "fais gaffe à ta famille", "tu mérites une balle", "on va te faire la peau", "je vais te défoncer"},
}

var templates = []struct {
	label string
	text  string
}{
	// Harsh but civil criticism.
	{"0", "{Elu} {critique}, {sujet} est {echec}."},
	{"0", "Je trouve {sujet} {jugement}, {elu} {critique}."},
	{"0", "{sujet|cap} : c'est {jugement} et {echec}."},
	{"0", "Franchement, {elu} {critique}. {sujet|cap} le prouve."},
	{"0", "Votre gestion de {sujet} est {echec}, vous devriez avoir honte."},
	{"0", "C'est {jugement} : {elu} a voté {sujet} sans consulter personne."},
	{"0", "{Elu} {critique} et {sujet} est {jugement}. Vivement les prochaines élections."},
	{"0", "Encore une fois {elu} {critique}. {sujet|cap}, c'est {echec}."},
	{"0", "Quel mépris pour les habitants ! {sujet|cap} est {jugement}."},
	{"0", "Je suis en colère : {sujet} est {echec} et {elu} {critique}."},
	{"0", "Non au projet : {sujet} est {jugement}, nous ne lâcherons rien."},
	{"0", "{Elu} nous prend vraiment pour des imbéciles avec {sujet}."},
	{"0", "Arrêtez de nous mentir sur {sujet}, c'est {jugement}."},
	// Roadworks and daily life complaints.
	{"0", "Il y a {probleme} {dans} {lieu}, que fait la mairie ?"},
	{"0", "Depuis des semaines, {probleme} {dans} {lieu}. C'est {jugement}."},
	{"0", "{probleme|cap} {dans} {lieu} : j'ai signalé le problème trois fois, aucune réponse."},
	{"0", "Les travaux {dans} {lieu} sont {echec}, on ne peut plus circuler."},
	{"0", "Merci de faire quelque chose pour {probleme} {dans} {lieu}."},
	{"0", "Je suis furieux, {probleme} {dans} {lieu} et personne ne bouge."},
	{"0", "Bravo aux agents qui ont réglé le problème {dans} {lieu} en deux jours."},
	{"0", "C'est la galère {dans} {lieu} avec {probleme}, mes enfants vont à l'école à pied."},
	// Notices with numbers.
	{"0", "Le conseil municipal se réunira le {n2} {mois} à {h} h 30, {salle}."},
	{"0", "Arrêté n° 20{n2}-{n3} : circulation interdite {dans} {lieu} du {n2} au {n2} {mois}."},
	{"0", "Facture n° 20{n2}-{n6} réglée le {n2} {mois}, merci."},
	{"0", "Délibération {n2}-20{n2} adoptée par {n2} voix pour et {n1} contre."},
	{"0", "Le budget prévoit {n3} 000 euros pour {sujet}."},
	{"0", "Permanence des élus {jour} de {h} h à {h} h, {salle}."},
	{"0", "Réunion publique sur {sujet} {jour} {n2} {mois} à {h} h, {salle}."},
	{"0", "Dossier {n4}-{n3} : enquête publique ouverte jusqu'au {n2} {mois}."},
	{"0", "Collecte des encombrants {dans} {lieu} le {jour} {n2} {mois}."},
	// Neutral mentions of religions, origins, neighbourhoods.
	{"0", "{groupe|cap} {action}."},
	{"0", "Bonne nouvelle : {groupe} {action}, bravo !"},
	{"0", "{groupe|cap} {action} {dans} {lieu}."},
	{"0", "{lieuCulte|cap} ouvre ses portes {jour} pour les journées du patrimoine."},
	{"0", "Une rencontre entre {lieuCulte} et {lieuCulte} aura lieu {jour} {salle}."},
	{"0", "Pourquoi {elu} refuse-t-il une salle à {groupe} ? C'est {jugement}."},
	{"0", "{groupe|cap} méritent le même respect que tout le monde."},
	{"0", "Les habitants {de} {lieu} se sentent oubliés par {elu}."},
	{"0", "Je ne suis pas d'accord avec {elu} sur {sujet}, mais je respecte le débat."},
	// Counter-speech and reported insults.
	{"0", "Quelqu'un a écrit « {insulte} » sur la porte de la mairie, c'est inadmissible."},
	{"0", "Traiter {elu} de « {insulte} » n'a pas sa place ici, restons courtois."},
	{"0", "Dire que {cible} {haine} est raciste et doit être condamné."},
	{"0", "Les tags disant que {cible} {haine} ont été effacés, merci aux agents."},
	// Abusive, with civic vocabulary.
	{"1", "{Elu} est un {insulte}, {sujet} le prouve."},
	{"1", "Bande de {insultePl}, {sujet} c'est {echec}."},
	{"1", "{Elu}, espèce de {insulte}, {menace}."},
	{"1", "Ta gueule {insulte}, personne ne veut de {sujet}."},
	{"1", "Cette {insulteF} de l'adjointe devrait dégager."},
	{"1", "{cible|cap} {haine}, {elu} doit agir."},
	{"1", "{cible|cap} {dans} {lieu} {haine}."},
	{"1", "{menace|cap}, {insulte} de maire."},
	{"1", "Le maire est une {insulteF} et {elu} sont des {insultePl}."},
	{"1", "Je vais te {tuer} {elu}, tu vas voir."},
}

var verbs = []string{"tuer", "crever", "buter", "défoncer", "égorger"}

func main() {
	rng := rand.New(rand.NewPCG(2026, 1127))
	pick := func(k string) string { v := slots[k]; return v[rng.IntN(len(v))] }
	seen := map[string]bool{}
	var lines []string
	for round := 0; round < 12; round++ {
		for _, t := range templates {
			s := t.text
			for strings.Contains(s, "{") {
				i := strings.Index(s, "{")
				j := strings.Index(s[i:], "}") + i
				key, mod, _ := strings.Cut(s[i+1:j], "|")
				var v string
				switch key {
				case "n1":
					v = fmt.Sprint(rng.IntN(9) + 1)
				case "n2":
					v = fmt.Sprint(rng.IntN(28) + 1)
				case "n3":
					v = fmt.Sprint(rng.IntN(900) + 100)
				case "n4":
					v = fmt.Sprint(rng.IntN(9000) + 1000)
				case "n6":
					v = fmt.Sprintf("%06d", rng.IntN(1000000))
				case "h":
					v = fmt.Sprint(rng.IntN(12) + 8)
				case "dans":
					v = "dans"
					if rng.IntN(2) == 0 {
						v = "sur"
					}
				case "de":
					v = "de"
				case "tuer":
					v = verbs[rng.IntN(len(verbs))]
				default:
					v = pick(key)
				}
				if mod == "cap" {
					v = strings.ToUpper(v[:1]) + v[1:]
				}
				s = s[:i] + v + s[j+1:]
			}
			s = strings.NewReplacer("de le ", "du ", "de les ", "des ", "à le ", "au ", "sur le quartier", "dans le quartier",
				"sur la cité", "dans la cité", "sur le centre-ville", "dans le centre-ville").Replace(s)
			if !seen[s] {
				seen[s] = true
				lines = append(lines, t.label+"\t"+s)
			}
		}
	}
	sort.Strings(lines) // stable file, independent of template order
	fmt.Println("# SYNTHETIC training text, generated by internal/screen/dataset/gencivic from")
	fmt.Println("# hand-written templates and slot values (fixed seed; no outside source).")
	fmt.Println("# 0 = acceptable, 1 = abusive. Training only; never used for evaluation.")
	for _, l := range lines {
		fmt.Println(l)
	}
	if len(lines) < 100 {
		fmt.Fprintln(os.Stderr, "too few lines")
		os.Exit(1)
	}
}
