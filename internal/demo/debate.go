package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/store"
)

// seedDebate puts a living debate under two publications of the commune:
// civil questions on roadworks with the Voirie service's pinned official
// answer, a harsh but civil criticism of the mayor, a comment held for its
// phone number, an insulting comment reported and hidden citing rule 1, its
// author's appeal waiting for a second moderator, and the default charter.
func seedDebate(ctx context.Context, a *app.App, org model.Organisation, serviceIDs map[string]string) error {
	if err := a.Store.PutModerationSettings(ctx, model.ModerationSettings{OrgID: org.ID, Mode: model.ModePost,
		Charter: a.Debate.DefaultCharter(), ReportThreshold: debate.DefaultReportThreshold, UpdatedAt: a.Now()}); err != nil {
		return err
	}
	// With a language model server given to `parvis demo --llm-url … --llm-model …`
	// (docs/MODERATION.md, "Trying it"), Bellerive asks it for second
	// opinions, so the demo's uncertain comments show them in the queue.
	if a.Debate.Opinion != nil {
		if err := a.Store.SetSecondOpinion(ctx, org.ID, true, a.Now()); err != nil {
			return err
		}
	}
	topic, err := a.Store.TopicBySlug(ctx, org.ID, "travaux")
	if errors.Is(err, model.ErrNotFound) {
		topic = model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux",
			Description: "Chantiers, voirie, circulation.", ServiceID: serviceIDs["voirie"], CreatedAt: a.Now()}
		err = a.Store.CreateTopic(ctx, topic)
	}
	if err != nil {
		return fmt.Errorf("demo topic: %w", err)
	}
	c := newCalendar(a.Now())
	works, err := demoPublication(ctx, a, org, "refection-rue-des-tanneurs", "Réfection de la rue des Tanneurs du "+short(c.worksFrom)+" au "+short(c.worksTo),
		"Du "+short(c.worksFrom)+" au "+short(c.worksTo)+", la rue des Tanneurs est fermée à la circulation entre la place du Marché et le quai. Les piétons passent ; les livraisons sont possibles de 7 h à 10 h.", topic.ID)
	if err != nil {
		return err
	}
	budget, err := demoPublication(ctx, a, org, "budget-2027-orientations", "Budget 2027 : les orientations débattues au conseil municipal",
		"Le débat d'orientation budgétaire a eu lieu le "+short(c.budgetDebate)+" : priorité aux écoles, à l'entretien des voiries et à la rénovation énergétique des bâtiments communaux.")
	if err != nil {
		return err
	}
	who := map[string]model.Account{}
	for _, e := range []string{"jeanne.dupont@example.org", "marc.petit@example.org", "fatou.diallo@example.org", "voirie@bellerive.example",
		"communication@bellerive.example", "admin@bellerive.example"} {
		if who[e], err = a.Store.AccountByEmail(ctx, e); err != nil {
			return fmt.Errorf("demo account %s: %w", e, err)
		}
	}
	post := func(author string, pub model.Publication, parent, body, as string) (model.Comment, error) {
		res, err := a.Debate.PostComment(ctx, debate.NewComment{Org: org, Publication: pub, Author: who[author], ParentID: parent, Body: body, As: as})
		if err != nil {
			return model.Comment{}, fmt.Errorf("demo comment by %s: %w", author, err)
		}
		return res.Comment, nil
	}
	q, err := post("jeanne.dupont@example.org", works, "",
		"Bonjour, les riverains pourront-ils rejoindre leur garage pendant le chantier ? Et les places de stationnement de la rue seront-elles rendues le week-end ?", "")
	if err != nil {
		return err
	}
	if _, err := post("fatou.diallo@example.org", works, q.ID,
		"Même question pour les livraisons du matin : je tiens la boulangerie au coin de la rue.", ""); err != nil {
		return err
	}
	ans, err := post("voirie@bellerive.example", works, q.ID,
		"Bonjour, l'accès aux garages reste possible en dehors des heures de chantier (8 h – 17 h) et tout le week-end : l'entreprise libère la chaussée chaque vendredi à 17 h. Le stationnement reste interdit du "+short(c.worksFrom)+" au "+short(c.worksTo)+" ; le parking du quai des Mariniers est gratuit pendant cette période.", serviceIDs["voirie"])
	if err != nil {
		return err
	}
	if err := a.Debate.SetOfficial(ctx, org, who["voirie@bellerive.example"], ans.ID, true); err != nil {
		return err
	}
	if _, err := post("marc.petit@example.org", works, "",
		"Encore des travaux aux Tanneurs : c'est le troisième chantier en deux ans et personne n'a demandé l'avis des riverains. Madame la maire, la concertation ne peut pas se résumer à un panneau posé la veille.", ""); err != nil {
		return err
	}
	if _, err := post("fatou.diallo@example.org", works, "",
		"Pour les commerçants qui veulent s'organiser ensemble pendant les travaux, appelez-moi au 06 12 34 56 78.", ""); err != nil {
		return err // held by screening: a phone number
	}
	// Jeanne and Fatou follow the roadworks discussion by e-mail: when a
	// moderator approves Fatou's held comment, Jeanne is told.
	for _, e := range []string{"jeanne.dupont@example.org", "fatou.diallo@example.org"} {
		if err := a.Mailing.FollowThread(ctx, who[e], org.ID, works.ID, true); err != nil {
			return fmt.Errorf("demo follow: %w", err)
		}
	}
	if _, err := post("jeanne.dupont@example.org", budget, "",
		"Merci pour la priorité donnée aux écoles. Le budget prévoit-il aussi la cour de l'école des Coteaux, promise depuis 2024 ?", ""); err != nil {
		return err
	}
	return seedModeratedComment(ctx, a, org, budget, who)
}

// seedModeratedComment adds an insult that got past screening, reported by
// two residents, hidden by the community manager citing rule 1, and appealed
// by its author: the appeal waits for another moderator.
func seedModeratedComment(ctx context.Context, a *app.App, org model.Organisation, pub model.Publication, who map[string]model.Account) error {
	author, err := a.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: "gerard.l@example.org", DisplayName: "Gérard L.", Password: Password, Verified: true})
	if err != nil {
		return err
	}
	now := a.Now().Add(-2 * time.Hour)
	// An insult the screen does not recognise ("le club des nuls" names no
	// person it knows): it was published and residents reported it. A
	// bluntly worded one ("bande de guignols") would have been held.
	body := "Ce conseil municipal, c'est le club des nuls qui se gavent avec nos impôts."
	c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: pub.ID, AccountID: author.ID, Body: body,
		Fingerprint: screen.Fingerprint(body), Status: model.CommentPublished, InitialStatus: model.CommentPublished,
		ScreenVerdict: "allow", CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateComment(ctx, c); err != nil {
		return err
	}
	for _, r := range []string{"jeanne.dupont@example.org", "marc.petit@example.org"} {
		rep := who[r]
		if _, err := a.Debate.ReportComment(ctx, debate.NewReport{Org: org, CommentID: c.ID, Reporter: &rep, Reason: "rule-1",
			Explanation: "Insultes envers les élus.", Lang: "fr"}); err != nil {
			return err
		}
	}
	if _, err := a.Debate.Decide(ctx, who["communication@bellerive.example"], org, c.ID, debate.DecisionInput{Action: "hide", Rule: 1,
		Note: "La critique des élus est permise ; les insultes non. Vous pouvez reformuler votre message."}); err != nil {
		return err
	}
	return a.Debate.Appeal(ctx, org, author, c.ID, "Je ne vise personne en particulier, c'est une critique de la gestion municipale.")
}

// demoPublication returns the commune's publication with that slug,
// creating it (published) if the editorial demo did not.
func demoPublication(ctx context.Context, a *app.App, org model.Organisation, slug, title, summary string, topicIDs ...string) (model.Publication, error) {
	if p, err := a.Store.PublicationBySlug(ctx, org.ID, slug); err == nil {
		return p, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return p, err
	}
	now := a.Now().Add(-3 * time.Hour)
	p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindNews, Slug: slug, Title: title, Summary: summary,
		BodyMD: summary, BodyHTML: "<p>" + summary + "</p>", State: model.StatePublished, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePublication(ctx, p, core.NewID()); err != nil {
			return err
		}
		if len(topicIDs) > 0 {
			if err := tx.SetPublicationTopics(ctx, org.ID, p.ID, topicIDs); err != nil {
				return err
			}
		}
		return tx.IndexPublication(ctx, p.ID)
	})
	return p, err
}
