package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
)

// The demo's events: the weekly market (one Saturday cancelled), the
// monthly council session, the Fête de la Loire with its guided boat tour
// (registration, full, waiting list) and a workshop by a local association.

type demoEvent struct {
	title, summary, body string
	topics, places       []string
	in                   events.EventInput
}

// nextWeekday is the date (Paris) of the next wd at least `after` days ahead.
func nextWeekday(now time.Time, wd time.Weekday, after int) time.Time {
	d := now.In(dates.Paris).AddDate(0, 0, after)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func seedEvents(ctx context.Context, a *app.App, org model.Organisation) error {
	now := a.Now()
	com, err := a.Store.AccountByEmail(ctx, comm)
	if err != nil {
		return err
	}
	date := func(t time.Time) string { return t.Format(dates.LocalDate) }
	market := nextWeekday(now, time.Saturday, 1)
	council := nextWeekday(time.Date(now.Year(), now.Month()+1, 1, 12, 0, 0, 0, dates.Paris), time.Monday, 0)
	fete := nextWeekday(now, time.Saturday, 24)
	workshop := nextWeekday(now, time.Wednesday, 8)
	services, err := a.Store.ServicesOf(ctx, org.ID)
	if err != nil {
		return err
	}
	culture := ""
	for _, s := range services {
		if s.Slug == "culture" {
			culture = s.ID
		}
	}
	planned := []demoEvent{
		{title: "Marché du samedi", summary: "Producteurs, maraîchers, fromagers et artisans, chaque samedi matin place du Port.",
			body:   "Une quarantaine d'exposants vous attendent **chaque samedi de 7 h à 13 h**.\n\nParking gratuit quai des Mariniers. Les chiens sont acceptés en laisse.",
			topics: []string{"vie-municipale"}, places: []string{"le-port"},
			in: events.EventInput{StartDate: date(market), StartTime: "07:00", EndTime: "13:00", PlaceName: "Place du Port",
				PlaceAddress: "Place du Port, 37999 Bellerive-sur-Loire", Lat: "47.3941", Lon: "0.6848", Attendance: "in_person",
				AccessWheelchair: true, AccessOther: "Place pavée : cheminement lisse le long des arcades.", Free: true, OrganiserKind: "org",
				RecurFreq: "weekly", RecurWeekdays: []string{"6"}, JoinMode: "free"}},
		{title: "Conseil municipal", summary: "Séance publique du conseil municipal. L'ordre du jour est publié cinq jours avant.",
			body:   "Les séances sont **publiques** : chacun peut y assister, dans la limite des places disponibles.\n\nElles sont aussi retransmises en direct.",
			topics: []string{"vie-municipale"}, places: []string{"centre-ville"},
			in: events.EventInput{StartDate: date(council), StartTime: "19:00", EndTime: "21:30", PlaceName: "Salle du conseil, hôtel de ville",
				PlaceAddress: "1 place de la République, 37999 Bellerive-sur-Loire", Attendance: "hybrid",
				OnlineURL: "https://video.bellerive.example/conseil", AccessWheelchair: true, AccessLoop: true,
				AccessOther: "Ascenseur côté rue des Écoles.", Free: true, OrganiserKind: "org", RecurFreq: "monthly", RecurNth: "1",
				RecurCount: "12", JoinMode: "free"}},
		{title: "Fête de la Loire", summary: "Deux jours de fête sur les quais : guinguette, joutes nautiques, balades en barque et feu d'artifice.",
			body:   "Programme complet :\n\n- samedi : joutes nautiques à 15 h, guinguette dès 18 h, feu d'artifice à 23 h ;\n- dimanche : marché des artisans, balades en barque.",
			topics: []string{"culture"}, places: []string{"le-port", "la-varenne"},
			in: events.EventInput{StartDate: date(fete), EndDate: date(fete.AddDate(0, 0, 1)), AllDay: true, PlaceName: "Quais de Loire",
				PlaceAddress: "Quai des Mariniers, 37999 Bellerive-sur-Loire", Attendance: "in_person", AccessWheelchair: true,
				AccessSign: true, AccessOther: "Interprète LSF pour le spectacle du samedi soir.", Free: true, OrganiserKind: "service",
				OrganiserServiceID: culture, JoinMode: "free"}},
		{title: "Visite guidée du port en barque", summary: "Pendant la Fête de la Loire, une heure sur l'eau avec un batelier, à la découverte du vieux port.",
			body:   "Départ du ponton du Port. Gilets de sauvetage fournis. Enfants à partir de 6 ans, accompagnés.",
			topics: []string{"culture"}, places: []string{"le-port"},
			in: events.EventInput{StartDate: date(fete.AddDate(0, 0, 1)), StartTime: "10:00", EndTime: "11:00", PlaceName: "Ponton du Port",
				PlaceAddress: "Quai des Mariniers, 37999 Bellerive-sur-Loire", Lat: "47.3936", Lon: "0.6861", Attendance: "in_person",
				AccessOther: "Barque non accessible en fauteuil roulant ; un départ adapté est possible sur demande.", Free: true,
				OrganiserKind: "service", OrganiserServiceID: culture, JoinMode: "restricted", Capacity: "12", AskSeats: true,
				Questions: "Âge des enfants (s'il y en a)"}},
		{title: "Atelier nœuds marins", summary: "Les Amis du Port vous apprennent le nœud de chaise, le cabestan et l'amarrage.",
			body:   "Atelier pour tous, à partir de 10 ans. Cordages fournis.",
			topics: []string{"culture"}, places: []string{"le-port"},
			in: events.EventInput{StartDate: date(workshop), StartTime: "14:00", EndTime: "16:30", PlaceName: "Cabane des Amis du Port",
				PlaceAddress: "Quai des Mariniers, 37999 Bellerive-sur-Loire", Attendance: "in_person", AccessWheelchair: true,
				AccessOther: "Places assises ; documents en gros caractères sur demande.", Price: "5 €, gratuit pour les adhérents",
				OrganiserKind: "association", OrganiserName: "Les Amis du Port", JoinMode: "restricted", Capacity: "15"}},
	}
	ids := map[string]string{}
	topicIDs, placeIDs, err := tagIDs(ctx, a, org)
	if err != nil {
		return err
	}
	for _, e := range planned {
		in := model.PubInput{Kind: model.KindEvent, Title: e.title, Summary: e.summary, Body: e.body}
		for _, t := range e.topics {
			in.TopicIDs = append(in.TopicIDs, topicIDs[t])
		}
		for _, p := range e.places {
			in.NeighbourhoodIDs = append(in.NeighbourhoodIDs, placeIDs[p])
		}
		res, err := a.Events.SaveEvent(ctx, com.ID, org.ID, in, e.in)
		if err != nil {
			return fmt.Errorf("demo event %q: %w", e.title, err)
		}
		if _, err := a.Publishing.Transition(ctx, com.ID, org.ID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish}); err != nil {
			return fmt.Errorf("publish demo event %q: %w", e.title, err)
		}
		ids[e.title] = res.Publication.ID
	}
	// The third market is cancelled (the square hosts the Fête de la Loire fair).
	third := time.Date(market.Year(), market.Month(), market.Day()+14, 7, 0, 0, 0, dates.Paris).UTC()
	if err := a.Events.SetException(ctx, com.ID, org.ID, ids["Marché du samedi"], events.ExceptionInput{OriginalStart: third, Cancel: true,
		Note: "place réservée à la brocante"}); err != nil {
		return fmt.Errorf("demo market exception: %w", err)
	}
	// The boat tour is full, with two people waiting.
	tour := ids["Visite guidée du port en barque"]
	people := []struct {
		name  string
		seats int
		kids  string
		st    model.RegStatus
	}{{"Jeanne Dupont", 2, "", model.RegConfirmed}, {"Marc Petit", 4, "6 et 9 ans", model.RegConfirmed},
		{"Fatou Diallo", 3, "8 ans", model.RegConfirmed}, {"Bernard Lemoine", 1, "", model.RegConfirmed},
		{"Claire Fontaine", 2, "7 ans", model.RegConfirmed}, {"Hugo Martin", 2, "", model.RegWaiting}, {"Inès Roy", 1, "", model.RegWaiting}}
	for i, p := range people {
		at := now.Add(-time.Duration(len(people)-i) * time.Hour)
		_, hash := core.NewSecret()
		r := model.Registration{ID: core.NewID(), EventID: tour, OrgID: org.ID, Email: "inscrit" + strconv.Itoa(i+1) + "@example.org",
			Name: p.name, Seats: p.seats, Status: p.st, Code: fmt.Sprintf("DEMO%02d", i+1), Lang: "fr", CreatedAt: at, ConfirmedAt: &at}
		if p.kids != "" {
			r.Answers = map[string]string{"q1": p.kids}
		}
		if err := a.Store.CreateRegistration(ctx, r, hash); err != nil {
			return fmt.Errorf("demo registration: %w", err)
		}
	}
	// A resident asks about the boat tour from its page: an event question
	// in the console's inbox, routed to Culture, acknowledged by e-mail.
	fatou, err := a.Store.AccountByEmail(ctx, "fatou.diallo@example.org")
	if err != nil {
		return err
	}
	tourPub, err := a.Store.PublicationByID(ctx, org.ID, tour)
	if err != nil {
		return err
	}
	if _, err := a.Console.AskQuestion(ctx, console.NewRequest{Org: org, Account: &fatou, Publication: &tourPub,
		Body: "Bonjour, ma mère se déplace en fauteuil roulant : comment réserver le départ adapté pour la visite du port en barque ? Faut-il s'inscrire à part ?"}); err != nil {
		return fmt.Errorf("demo event question: %w", err)
	}
	return nil
}

// tagIDs maps the demo's topic and neighbourhood slugs to ids.
func tagIDs(ctx context.Context, a *app.App, org model.Organisation) (map[string]string, map[string]string, error) {
	topics, err := a.Store.TopicsOf(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	nbs, err := a.Store.NeighbourhoodsOf(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	t, n := map[string]string{}, map[string]string{}
	for _, x := range topics {
		t[x.Slug] = x.ID
	}
	for _, x := range nbs {
		n[x.Slug] = x.ID
	}
	return t, n, nil
}
