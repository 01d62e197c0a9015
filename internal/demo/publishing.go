package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/markdown"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Topics and Neighbourhoods of the demo commune (slug, name, service slug).
var demoTopics = []struct{ slug, name, service, description string }{
	{"travaux", "Travaux", "voirie", "Chantiers, voirie, circulation et stationnement."},
	{"culture", "Culture", "culture", "Spectacles, médiathèque, école de musique, patrimoine."},
	{"jeunesse", "Jeunesse", "jeunesse", "Écoles, périscolaire, centre de loisirs, conseil municipal des jeunes."},
	{"environnement", "Environnement", "environnement", "Propreté, déchets, espaces verts, Loire."},
	{"vie-municipale", "Vie municipale", "", "Conseil municipal, budget, démarches."},
	{"solidarites", "Solidarités", "", "CCAS, aînés, aide alimentaire, handicap."},
	{"sport", "Sport", "", "Équipements sportifs, clubs, manifestations."},
}

var demoNeighbourhoods = []struct{ slug, name string }{
	{"les-tanneurs", "Les Tanneurs"}, {"le-port", "Le Port"}, {"les-coteaux", "Les Coteaux"},
	{"centre-ville", "Centre-ville"}, {"la-varenne", "Hameau de la Varenne"},
}

// demoPub is one publication of the demo and the story of how it got there.
type demoPub struct {
	kind           model.PubKind
	slug, title    string
	summary, body  string
	author         string // e-mail of the demo account
	topics, places []string
	state          model.PubState
	age            time.Duration // how long ago it was created
	alert          model.AlertLevel
	alertEnds      time.Duration // from now; 0 for none
	job            *model.JobOffer
	closesIn       time.Duration
	updated        string // a later correction (published ones)
	image          string // key of its illustration in demoImages, "" for none
}

const (
	day       = 24 * time.Hour
	redaction = "redaction@bellerive.example"
	comm      = "communication@bellerive.example"
	maire     = "maire@bellerive.example"
)

// demoPublications are the commune's publications, dated by c.
func demoPublications(c calendar) []demoPub {
	return []demoPub{
		{kind: model.KindNews, slug: "refection-rue-des-tanneurs", title: "Réfection de la rue des Tanneurs du " + short(c.worksFrom) + " au " + short(c.worksTo),
			summary: "La chaussée et les trottoirs de la rue des Tanneurs sont refaits : circulation alternée et stationnement interdit pendant trois semaines.",
			body: "Les travaux de réfection de la **rue des Tanneurs** commencent le " + long(c.worksFrom) + " et dureront jusqu'au " + long(c.worksTo) + ".\n\n" +
				"## Ce qui change pour vous\n\n- circulation alternée par feux entre 8 h et 17 h ;\n- stationnement interdit des deux côtés ;\n" +
				"- accès aux commerces maintenu à pied.\n\n## Déviation\n\nLes bus de la ligne 2 sont déviés par le quai des Mariniers.\n\n" +
				"Pour toute question : [service Voirie](mailto:voirie@bellerive.example) ou 02 47 00 00 10.",
			author: redaction, topics: []string{"travaux"}, places: []string{"les-tanneurs"}, state: model.StatePublished, age: 6 * day,
			updated: "\n\nMise à jour : la pose de l'enrobé est reportée au " + long(c.paving) + " en raison de la pluie."},
		{kind: model.KindNews, slug: "inscriptions-ecole-de-musique", title: "Ouverture des inscriptions à l'école de musique",
			summary: "Piano, guitare, violon, batterie, chorale : inscriptions du " + short(c.musicFrom) + " au " + short(c.musicTo) + ", à partir de 6 ans.",
			body: "L'école municipale de musique ouvre ses inscriptions **du " + short(c.musicFrom) + " au " + short(c.musicTo) + "**.\n\n" +
				"Les cours sont ouverts dès 6 ans, avec un tarif selon le quotient familial. Une journée portes ouvertes a lieu le " + long(c.musicOpenDay) + " de 10 h à 17 h.\n\n" +
				"| Instrument | Âge minimum |\n|:--|--:|\n| Éveil musical | 6 ans |\n| Piano, guitare, violon | 7 ans |\n| Batterie | 9 ans |",
			author: comm, topics: []string{"culture", "jeunesse"}, places: []string{"centre-ville"}, state: model.StatePublished, age: 12 * day},
		{kind: model.KindNews, slug: "marche-du-samedi-place-du-port", title: "Le marché du samedi s'installe place du Port pendant les travaux",
			summary: "Pendant les travaux de la place de la République, le marché du samedi matin se tient place du Port.",
			body:    "À partir du " + long(c.marketFrom) + " et jusqu'à la fin des travaux, les commerçants du marché vous accueillent **place du Port**, de 7 h à 13 h.\n\nUn parking gratuit est ouvert quai des Mariniers.",
			author:  redaction, topics: []string{"vie-municipale"}, places: []string{"le-port", "centre-ville"}, state: model.StatePublished, age: 3 * day,
			image: "market"},
		{kind: model.KindNews, slug: "nettoyage-citoyen-bords-de-loire", title: "Nettoyage citoyen des bords de Loire le " + short(c.cleanup),
			summary: "Rendez-vous le " + long(c.cleanup) + " à 9 h au ponton du Port pour une matinée de ramassage des déchets.",
			body:    "Gants, sacs et pinces sont fournis. Les enfants sont les bienvenus, accompagnés d'un adulte.\n\nLe verre de l'amitié est offert à midi au hameau de la Varenne.",
			author:  comm, topics: []string{"environnement"}, places: []string{"le-port", "la-varenne"}, state: model.StatePublished, age: 2 * day,
			image: "loire"},
		{kind: model.KindAlert, slug: "crue-de-la-loire-vigilance-orange", title: "Crue de la Loire : vigilance orange",
			summary: "La Loire monte. Ne stationnez pas sur les quais bas et ne vous approchez pas des berges jusqu'à nouvel ordre.",
			body:    "Vigicrues a placé la Loire en **vigilance orange**. Le quai bas et le chemin de halage sont fermés.\n\nLes habitants du hameau de la Varenne peuvent joindre la mairie jour et nuit au 02 47 00 00 00.",
			author:  comm, topics: []string{"environnement"}, places: []string{"le-port", "la-varenne"}, state: model.StatePublished, age: 6 * time.Hour,
			alert: model.AlertVigilance, alertEnds: 2 * day},
		{kind: model.KindAlert, slug: "coupure-eau-les-coteaux", title: "Coupure d'eau rue des Coteaux mardi matin",
			summary: "L'eau sera coupée mardi de 8 h à 12 h rue des Coteaux pour une réparation de canalisation.",
			body:    "Le service des eaux remplace une vanne. Prévoyez une réserve d'eau.",
			author:  redaction, topics: []string{"travaux"}, places: []string{"les-coteaux"}, state: model.StatePublished, age: 9 * day,
			alert: model.AlertInfo, alertEnds: -5 * day},
		{kind: model.KindJob, slug: "agent-polyvalent-espaces-verts", title: "Agent polyvalent des espaces verts (H/F)",
			summary: "La Ville recrute un agent des espaces verts pour l'entretien des parcs, des bords de Loire et du fleurissement.",
			body:    "## Missions\n\n- tonte, taille, désherbage sans produits phytosanitaires ;\n- plantations et fleurissement ;\n- entretien du matériel.\n\n## Profil\n\nCAP ou BEP espaces verts apprécié, permis B exigé.",
			author:  comm, topics: []string{"environnement"}, state: model.StatePublished, age: 4 * day,
			job: &model.JobOffer{Title: "Agent polyvalent des espaces verts", Grade: "Adjoint technique territorial", Category: "C",
				Filiere: "technique", Contract: "permanent", Time: "full", Place: "Centre technique municipal, rue du Stade",
				HowToApply: "Lettre de motivation et CV à Madame la Maire, par courriel à recrutement@bellerive.example."},
			closesIn: 25 * day},
		{kind: model.KindJob, slug: "animateur-periscolaire", title: "Animateur ou animatrice périscolaire (H/F)",
			summary: "Accueil des enfants le matin, le midi et le soir à l'école des Coteaux, pendant l'année scolaire.",
			body:    "Vous encadrez des groupes d'enfants de 3 à 11 ans et proposez des activités adaptées. BAFA souhaité.",
			author:  redaction, topics: []string{"jeunesse"}, places: []string{"les-coteaux"}, state: model.StatePublished, age: 8 * day,
			job: &model.JobOffer{Title: "Animateur ou animatrice périscolaire", Grade: "Adjoint d'animation", Category: "C",
				Filiere: "animation", Contract: "contract", Time: "part", Place: "École des Coteaux",
				HowToApply: "CV et lettre de motivation à recrutement@bellerive.example avant la date limite."},
			closesIn: 15 * day},
		{kind: model.KindPage, slug: "charte-de-moderation", title: "Charte de modération",
			body: "Les commentaires sont les bienvenus sous nos publications. Sont retirés : les propos injurieux, diffamatoires, discriminatoires, " +
				"les données personnelles d'autrui et la publicité.\n\nChacun peut signaler un commentaire ; la décision est motivée et peut être contestée.",
			author: comm, state: model.StatePublished, age: 60 * day},
		{kind: model.KindPage, slug: "contact", title: "Contact",
			body:   "Hôtel de ville, 1 place de la République, 37999 Bellerive-sur-Loire.\n\nDu lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h. Téléphone : 02 47 00 00 00.",
			author: comm, state: model.StatePublished, age: 60 * day},
		{kind: model.KindNews, slug: "fete-de-la-musique-appel-aux-musiciens", title: "Fête de la musique : appel aux musiciens amateurs",
			summary: "Vous jouez d'un instrument ou chantez ? Inscrivez-vous pour jouer sur l'une des trois scènes le 21 juin.",
			body:    "Les inscriptions sont ouvertes jusqu'au 15 mai auprès du service Culture. Trois scènes : place du Port, parc des Tanneurs et parvis de la médiathèque.",
			author:  redaction, topics: []string{"culture"}, places: []string{"le-port", "les-tanneurs"}, state: model.StateSubmitted, age: day},
		{kind: model.KindNews, slug: "collecte-des-encombrants-nouveau-calendrier", title: "Collecte des encombrants : nouveau calendrier",
			summary: fromMonth(c.bulkyFrom) + ", les encombrants sont collectés le premier mercredi du mois, sur rendez-vous.",
			body:    "Prenez rendez-vous au 02 47 00 00 20 au plus tard le lundi précédent. Les déchets électriques vont à la déchetterie.",
			author:  comm, topics: []string{"environnement"}, state: model.StateScheduled, age: day},
		{kind: model.KindNews, slug: "budget-participatif-premieres-idees", title: fmt.Sprintf("Budget participatif %d : premières idées", c.budgetYear),
			summary: "Brouillon : présentation des premières idées déposées par les habitants.",
			body:    "À compléter avec la liste des projets retenus par le comité.",
			author:  redaction, topics: []string{"vie-municipale"}, state: model.StateDraft, age: 2 * time.Hour},
		{kind: model.KindNews, slug: "fermeture-exceptionnelle-piscine", title: "Fermeture exceptionnelle de la piscine",
			summary: "La piscine est fermée du " + short(c.poolFrom) + " au " + short(c.poolTo) + " pour la vidange annuelle.",
			body:    "Réouverture le " + long(c.poolTo.AddDate(0, 0, 1)) + " à 9 h.",
			author:  comm, topics: []string{"sport"}, state: model.StateUnpublished, age: 30 * day},
	}
}

// SeedPublishing gives the demo commune its topics, neighbourhoods and
// publications of every kind in every state, with their history. News need
// the maire's approval (an organisation setting). It is called by Seed.
func SeedPublishing(ctx context.Context, a *app.App, org model.Organisation) error {
	now := a.Now()
	services, err := a.Store.ServicesOf(ctx, org.ID)
	if err != nil {
		return err
	}
	serviceID := map[string]string{}
	for _, s := range services {
		serviceID[s.Slug] = s.ID
	}
	topicID, placeID := map[string]string{}, map[string]string{}
	for _, t := range demoTopics {
		tp := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: t.slug, Name: t.name, Description: t.description,
			ServiceID: serviceID[t.service], CreatedAt: now}
		if err := a.Store.CreateTopic(ctx, tp); err != nil {
			return fmt.Errorf("demo topic %s: %w", t.slug, err)
		}
		topicID[t.slug] = tp.ID
	}
	for _, n := range demoNeighbourhoods {
		nb := model.Neighbourhood{ID: core.NewID(), OrgID: org.ID, Slug: n.slug, Name: n.name, CreatedAt: now}
		if err := a.Store.CreateNeighbourhood(ctx, nb); err != nil {
			return fmt.Errorf("demo neighbourhood %s: %w", n.slug, err)
		}
		placeID[n.slug] = nb.ID
	}
	if err := a.Store.SetValidationRequired(ctx, org.ID, model.KindNews, true, now); err != nil {
		return err
	}
	people := map[string]string{}
	for _, e := range []string{redaction, comm, maire} {
		acct, err := a.Store.AccountByEmail(ctx, e)
		if err != nil {
			return fmt.Errorf("demo account %s: %w", e, err)
		}
		people[e] = acct.ID
	}
	for _, d := range demoPublications(newCalendar(now)) {
		if err := seedPub(ctx, a, org, d, now, people, topicID, placeID); err != nil {
			return fmt.Errorf("demo publication %q: %w", d.slug, err)
		}
	}
	return nil
}

// seedPub writes one publication with the transitions that led to its
// state, dated in the past, as if the team had used Parvis for weeks.
func seedPub(ctx context.Context, a *app.App, org model.Organisation, d demoPub, now time.Time,
	people, topicID, placeID map[string]string) error {
	created := now.Add(-d.age)
	r, err := markdown.Render(d.body)
	if err != nil {
		return err
	}
	p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: d.kind, Slug: d.slug, Title: d.title, Summary: d.summary,
		BodyMD: d.body, BodyHTML: r.HTML, State: model.StateDraft, AuthorID: people[d.author], CreatedAt: created, UpdatedAt: created,
		AlertLevel: d.alert}
	if d.alertEnds != 0 {
		end := now.Add(d.alertEnds)
		p.AlertEndsAt = &end
	}
	if d.job != nil {
		p.Job = *d.job
		closes := now.Add(d.closesIn)
		p.Job.ClosesAt = &closes
	}
	if d.image != "" {
		if p.ImageID, err = uploadDemoImage(ctx, a, org, people[d.author], d.image); err != nil {
			return err
		}
	}
	var topics, places []string
	for _, t := range d.topics {
		topics = append(topics, topicID[t])
	}
	for _, n := range d.places {
		places = append(places, placeID[n])
	}
	// The path each final state went through, with who did each step.
	type step struct {
		to    model.PubState
		actor string
		after time.Duration
		note  string
	}
	approved := []step{{model.StateSubmitted, d.author, time.Hour, ""}, {model.StateApproved, maire, 3 * time.Hour, ""}}
	var path []step
	switch d.state {
	case model.StateSubmitted:
		path = approved[:1]
	case model.StatePublished:
		path = append(approved, step{model.StatePublished, comm, 4 * time.Hour, ""})
	case model.StateUnpublished:
		path = append(approved, step{model.StatePublished, comm, 4 * time.Hour, ""},
			step{model.StateUnpublished, comm, 5 * day, "La piscine a rouvert."})
	case model.StateScheduled:
		path = approved
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePublication(ctx, p, core.NewID()); err != nil {
			return err
		}
		if err := tx.SetPublicationTopics(ctx, org.ID, p.ID, topics); err != nil {
			return err
		}
		if err := tx.SetPublicationNeighbourhoods(ctx, org.ID, p.ID, places); err != nil {
			return err
		}
		from := model.StateDraft
		for _, s := range path {
			if err := tx.SetPublicationState(ctx, store.StateChange{PubTransition: model.PubTransition{ID: core.NewID(),
				PublicationID: p.ID, OrgID: org.ID, From: from, To: s.to, ActorID: people[s.actor], Comment: s.note,
				CreatedAt: created.Add(s.after)}}); err != nil {
				return err
			}
			from = s.to
		}
		if d.updated != "" {
			p.BodyMD += d.updated
			rr, err := markdown.Render(p.BodyMD)
			if err != nil {
				return err
			}
			p.BodyHTML, p.UpdatedAt = rr.HTML, created.Add(2*day)
			if _, err := tx.UpdatePublicationContent(ctx, p, core.NewID(), people[comm]); err != nil {
				return err
			}
		}
		return tx.IndexPublication(ctx, p.ID)
	})
}

// scheduleDemo schedules the demo's approved-for-scheduling publication
// through the real use case, so its River job exists.
func scheduleDemo(ctx context.Context, a *app.App, org model.Organisation) error {
	p, err := a.Store.PublicationBySlug(ctx, org.ID, "collecte-des-encombrants-nouveau-calendrier")
	if err != nil {
		return err
	}
	acct, err := a.Store.AccountByEmail(ctx, comm)
	if err != nil {
		return err
	}
	when := a.Now().In(dates.Paris).AddDate(0, 0, 3)
	when = time.Date(when.Year(), when.Month(), when.Day(), 9, 0, 0, 0, dates.Paris)
	_, err = a.Publishing.Transition(ctx, acct.ID, org.ID, p.ID, publishing.TransitionInput{Action: publishing.ActSchedule, When: when.Format(dates.LocalDateTime)})
	return err
}

// uploadDemoImage draws and uploads one of demoImages as actorID, through
// the use case the editor's upload button calls (resized copies included).
func uploadDemoImage(ctx context.Context, a *app.App, org model.Organisation, actorID, key string) (string, error) {
	im := demoImages[key]
	data, err := encodePNG(im.draw())
	if err != nil {
		return "", err
	}
	m, err := a.Publishing.UploadImage(ctx, actorID, org.ID, im.name, data, im.alt)
	if err != nil {
		return "", fmt.Errorf("demo image %s: %w", key, err)
	}
	return m.ID, nil
}
