package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// seedConsole brings Bellerive's inbox to life (docs/CONSOLE.md): office
// hours, on-call number, routing, saved replies, live questions on the
// roadworks routed to Voirie (one received out of hours, one acknowledged
// request, one urgent), and a month of answered history with the staff's
// active minutes, so that the figures page has something to show.
func seedConsole(ctx context.Context, a *app.App, org model.Organisation) error {
	account := func(email string) (model.Account, error) { return a.Store.AccountByEmail(ctx, email) }
	admin, err := account("admin@bellerive.example")
	if err != nil {
		return err
	}
	cm, err := account("communication@bellerive.example")
	if err != nil {
		return err
	}
	agent, err := account("voirie@bellerive.example")
	if err != nil {
		return err
	}
	week := "9:00-12:00, 14:00-17:00"
	err = a.Console.SaveOfficeHours(ctx, admin, org.ID, map[time.Weekday]string{time.Monday: week, time.Tuesday: week,
		time.Wednesday: week, time.Thursday: week, time.Friday: week, time.Saturday: "9:00-12:00"})
	if err != nil {
		return fmt.Errorf("office hours: %w", err)
	}
	err = a.Console.SaveConsoleSettings(ctx, admin, org.ID, console.ConsoleSettingsInput{Holidays: true, OnCallPhone: "06 12 34 56 78",
		OnCallMail: "astreinte@bellerive.example", UrgentWords: strings.Join(console.DefaultUrgentWords, "\n"), LegalMonths: "2",
		TargetHours: "16", HourlyCost: "38,50"})
	if err != nil {
		return fmt.Errorf("console settings: %w", err)
	}
	services, err := a.Store.ServicesOf(ctx, org.ID)
	if err != nil {
		return err
	}
	svc := map[string]string{}
	for _, s := range services {
		svc[s.Slug] = s.ID
	}
	for _, r := range []struct{ word, service string }{{"lampadaire", "voirie"}, {"nid-de-poule", "voirie"}, {"cantine", "jeunesse"}} {
		if err := a.Console.AddRoutingRule(ctx, admin, org.ID, "keyword", r.word, svc[r.service]); err != nil {
			return fmt.Errorf("routing rule: %w", err)
		}
	}
	for _, r := range []struct{ service, title, body string }{
		{"", "Accusé de réception", "Merci {nom}, le service {service} a bien reçu votre demande. Nous vous répondons sous deux jours ouvrés ; nos horaires : {horaires}."},
		{"voirie", "Travaux en cours", "Bonjour {nom}, le service {service} suit ce chantier. Les accès riverains restent ouverts ; pour une difficulté particulière, répondez à ce message."},
		{"voirie", "Signalement transmis", "Merci {nom}, votre signalement est transmis à l'équipe de terrain du service {service}, qui intervient en général sous une semaine."},
	} {
		if _, err := a.Console.SaveReply(ctx, admin, org.ID, "", svc[r.service], r.title, r.body); err != nil {
			return fmt.Errorf("saved reply: %w", err)
		}
	}

	// Live questions on the roadworks publication, routed to Voirie by its topic.
	tanneurs, err := a.Store.PublicationBySlug(ctx, org.ID, "refection-rue-des-tanneurs")
	if err != nil {
		return err
	}
	for _, c := range []struct{ email, body string }{
		{"marc.petit@example.org", "Les riverains pourront-ils accéder à leur garage pendant les travaux de la rue des Tanneurs ?"},
		{"fatou.diallo@example.org", "Le lampadaire au coin de la rue des Tanneurs ne s'allume plus depuis le début du chantier, est-ce prévu ?"},
	} {
		author, err := account(c.email)
		if err != nil {
			return err
		}
		if _, err := a.Debate.PostComment(ctx, debate.NewComment{Org: org, Publication: tanneurs, Author: author, Body: c.body}); err != nil {
			return fmt.Errorf("demo question: %w", err)
		}
	}
	jeanne, err := account("jeanne.dupont@example.org")
	if err != nil {
		return err
	}
	// An acknowledged request, sent through the form now, answered, and
	// Jeanne's answer by e-mail filed back into it.
	asked, err := a.Console.AskQuestion(ctx, console.NewRequest{Org: org, Account: &jeanne, Publication: &tanneurs,
		Body: "Bonjour, mon fils est en fauteuil roulant : le cheminement piéton de la rue des Tanneurs restera-t-il accessible pendant les travaux ?"})
	if err != nil {
		return fmt.Errorf("demo request: %w", err)
	}
	if err := seedEmailedReply(ctx, a, org, cm, asked.Item, jeanne.Email); err != nil {
		return fmt.Errorf("demo e-mailed reply: %w", err)
	}
	// A resident asks, from the privacy notice, to be taken off a list:
	// a rights request with its one-month deadline (docs/PRIVACY.md).
	if _, err := a.Console.AskQuestion(ctx, console.NewRequest{Org: org, Name: "Odette Lambert", Email: "odette.lambert@example.org",
		Rights: true, Right: "objection", Lang: "fr",
		Body: "Bonjour, je ne souhaite plus que mon nom figure sur la liste des bénévoles du repas des aînés affichée en mairie et publiée l'an dernier. Merci."}); err != nil {
		return fmt.Errorf("demo rights request: %w", err)
	}
	// A request received last Saturday at 22:00, out of hours.
	now := a.Now()
	local := now.In(paris)
	sat := time.Date(local.Year(), local.Month(), local.Day()-((int(local.Weekday())+1)%7)-7, 22, 0, 0, 0, paris).UTC()
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		r := model.ResidentRequest{ID: core.NewID(), OrgID: org.ID, Name: "Marc du quartier des Tanneurs", Email: "marc.petit@example.org",
			Body:          "Un nid-de-poule s'est formé devant le 14 rue des Tanneurs depuis le passage des camions du chantier.",
			PublicationID: tanneurs.ID, Reference: sat.In(paris).Format("20060102") + "-DEMO01", CreatedAt: sat}
		if err := tx.CreateResidentRequest(ctx, r); err != nil {
			return err
		}
		it, err := a.Console.AddToInbox(ctx, tx, console.InboxSource{Org: org, Kind: model.InboxRequest, SourceID: r.ID, PublicationID: tanneurs.ID,
			AuthorName: r.Name, Text: r.Body, ReceivedAt: sat})
		if err != nil {
			return err
		}
		return tx.AddInboxEvent(ctx, model.InboxEvent{ID: core.NewID(), ItemID: it.ID, OrgID: org.ID, Kind: "acknowledged",
			Detail: r.Reference, CreatedAt: sat})
	})
	if err != nil {
		return fmt.Errorf("demo out-of-hours request: %w", err)
	}
	// An urgent one, under the flood alert.
	if crue, err := a.Store.PublicationBySlug(ctx, org.ID, "crue-de-la-loire-vigilance-orange"); err == nil {
		marc, err := account("marc.petit@example.org")
		if err != nil {
			return err
		}
		if _, err := a.Debate.PostComment(ctx, debate.NewComment{Org: org, Publication: crue, Author: marc,
			Body: "Inondation du sous-sol au 3 quai des Mariniers, l'eau monte vite. Qui prévenir ?"}); err != nil {
			return fmt.Errorf("demo urgent comment: %w", err)
		}
	}
	return seedConsoleHistory(ctx, a, org, []model.Account{cm, agent}, svc)
}

// seedConsoleHistory writes a month of answered items and of staff active
// minutes, timed in open hours like real ones.
func seedConsoleHistory(ctx context.Context, a *app.App, org model.Organisation, staff []model.Account, svc map[string]string) error {
	sched, _, err := a.Console.Schedule(ctx, nil, org.ID)
	if err != nil {
		return err
	}
	now := a.Now()
	subjects := []struct{ service, text string }{
		{"voirie", "Quand la rue des Tanneurs sera-t-elle rouverte aux voitures ?"},
		{"culture", "Les inscriptions à l'école de musique sont-elles ouvertes aux adultes ?"},
		{"environnement", "Le ramassage des encombrants passe-t-il aussi aux Coteaux ?"},
		{"voirie", "Un lampadaire est éteint rue du Port."},
		{"jeunesse", "Le menu de la cantine est-il publié quelque part ?"},
		{"etat-civil", "Quels papiers pour renouveler une carte d'identité ?"},
	}
	names := []string{"Claire M.", "Yannick", "Sofia B.", "Robert L.", "Inès", "Thomas du Port"}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		n := 0
		for d := 30; d >= 1; d-- {
			day := now.Add(-time.Duration(d) * 24 * time.Hour)
			for k := 0; k < 1+(d*7)%3; k++ {
				s := subjects[(d+k)%len(subjects)]
				received := day.Add(time.Duration(k*3+1) * time.Hour)
				it := model.InboxItem{ID: core.NewID(), OrgID: org.ID, Kind: model.InboxQuestion, SourceID: core.NewID(),
					AuthorName: names[(d+k)%len(names)], Excerpt: s.text, ServiceID: svc[s.service], State: model.StateAssigned,
					OutOfHours: !sched.IsOpen(received), ReceivedAt: received, UpdatedAt: received, Version: 1}
				if k%2 == 1 {
					// A request item opens its request: write one, or
					// an item still waiting for its answer is a dead link.
					it.Kind = model.InboxRequest
					req := model.ResidentRequest{ID: it.SourceID, OrgID: org.ID, Name: it.AuthorName,
						Email: fmt.Sprintf("habitant%d@example.org", d*10+k), Body: s.text, ServiceID: it.ServiceID,
						Reference: received.In(paris).Format("20060102") + "-" + strings.ToUpper(it.SourceID[len(it.SourceID)-6:]),
						IdemKey:   it.SourceID, CreatedAt: received}
					if err := tx.CreateResidentRequest(ctx, req); err != nil {
						return err
					}
				}
				if err := tx.CreateInboxItem(ctx, it); err != nil {
					return err
				}
				// Answered after one to six open hours.
				answered, _ := sched.AddOpen(received, time.Duration(1+n%6)*time.Hour)
				if answered.After(now) {
					continue
				}
				open := sched.OpenBetween(received, answered)
				it.State, it.FirstAnswerAt, it.FirstAnswerOpen, it.ClosedAt, it.UpdatedAt = model.StateClosed, &answered, &open, &answered, answered
				if err := tx.UpdateInboxItem(ctx, it, 1); err != nil {
					return err
				}
				n++
			}
			// Active minutes: about 25 for the community manager and 10 for
			// the Voirie agent on open days, in the morning.
			local := day.In(paris)
			if local.Weekday() == time.Sunday {
				continue
			}
			start := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, paris)
			for i, who := range staff {
				minutes := 22 + d%7
				if i > 0 {
					minutes = 8 + d%4
				}
				for m := 0; m < minutes; m++ {
					if err := tx.RecordActivity(ctx, org.ID, who.ID, start.Add(time.Duration(i*90+m)*time.Minute)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()
