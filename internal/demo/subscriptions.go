package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

var (
	firstNames = []string{"camille", "louis", "lea", "hugo", "chloe", "nathan", "ines", "jules", "manon", "gabriel",
		"sarah", "adam", "lina", "raphael", "emma", "yanis", "jade", "noah", "louise", "mohamed"}
	lastNames = []string{"martin", "bernard", "thomas", "petit", "robert", "richard", "durand", "dubois", "moreau", "laurent",
		"simon", "michel", "lefebvre", "leroy", "roux"}
)

const marchLetter = `Chères Bellerivoises, chers Bellerivois,

Le printemps arrive sur les bords de Loire, et avec lui les chantiers et les fêtes de quartier.

## Ce qu'il faut retenir ce mois-ci

- **La place du Marché rouvre** le samedi 21 mars après trois mois de travaux.
- **Collecte des encombrants** : le mardi 24 mars dans les quartiers des Tanneurs et du Port.
- **Conseil municipal** le vendredi 27 mars à 18 h, salle du conseil, ouvert au public.

## Les dernières publications

[[publications 5]]

Bonne lecture, et à bientôt sur les bords de Loire.

*Hélène Marchand, maire de Bellerive-sur-Loire*
`

const aprilLetter = `Bonjour à toutes et à tous,

Avril à Bellerive : la fête du Port, les jardins partagés des Coteaux et le nouveau calendrier des collectes.

[[publications 5]]
`

// seedSubscriptions adds a few hundred e-mail-only subscribers with their
// consent records across the commune's topics and neighbourhoods, a sent
// newsletter with its archive page, and one scheduled for later.
func seedSubscriptions(ctx context.Context, a *app.App, org model.Organisation) error {
	topics, err := a.Store.TopicsOf(ctx, org.ID)
	if err != nil {
		return err
	}
	hoods, err := a.Store.NeighbourhoodsOf(ctx, org.ID)
	if err != nil {
		return err
	}
	now := a.Now()
	freqs := []model.Frequency{model.FreqImmediate, model.FreqDaily, model.FreqWeekly, model.FreqWeekly, model.FreqNone}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < 320; i++ {
			confirmed := now.Add(-time.Duration(i%90) * 24 * time.Hour)
			s := model.Subscriber{ID: app.NewID(), Email: fmt.Sprintf("%s.%s%d@exemple.fr", firstNames[i%len(firstNames)], lastNames[i%len(lastNames)], i),
				Lang: "fr", Status: model.SubActive, ConfirmedAt: &confirmed, CreatedAt: confirmed, UpdatedAt: confirmed}
			if err := tx.CreateSubscriber(ctx, s); err != nil {
				return err
			}
			c := model.Choices{Everything: true, Alerts: i%7 != 0, News: freqs[i%len(freqs)], Newsletter: i%3 != 0}
			if i%2 == 1 && (len(topics) > 0 || len(hoods) > 0) {
				c.Everything = false
				if len(topics) > 0 {
					c.TopicIDs = []string{topics[i%len(topics)].ID}
				}
				if len(hoods) > 0 {
					c.NeighbourhoodIDs = []string{hoods[i%len(hoods)].ID}
				}
			}
			if err := tx.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: s.ID, OrgID: org.ID, Choices: c,
				LastDigestAt: &now, CreatedAt: confirmed, UpdatedAt: confirmed}); err != nil {
				return err
			}
			js, _ := json.Marshal(c)
			if err := tx.AddConsent(ctx, model.Consent{ID: app.NewID(), SubscriberID: s.ID, OrgID: org.ID, Action: "confirmed",
				ConsentVersion: app.ConsentVersion, ConsentText: app.ConsentText(app.ConsentVersion, "fr", org.Name),
				Choices: string(js), IP: fmt.Sprintf("192.0.2.%d", i%250+1), CreatedAt: confirmed}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo subscribers: %w", err)
	}
	march, err := a.SaveNewsletter(ctx, "", org.ID, "", app.NewsletterInput{Subject: "La lettre de Bellerive — mars", BodyMD: marchLetter})
	if err != nil {
		return err
	}
	// The March letter is shown as already sent (its archive page exists);
	// the demo does not send 300 messages on start-up.
	r, err := a.RenderNewsletter(ctx, org, march)
	if err != nil {
		return err
	}
	sent := now.Add(-9 * 24 * time.Hour)
	if err := a.Store.SetNewsletterState(ctx, org.ID, march.ID, []model.NewsletterState{model.NewsletterDraft},
		model.NewsletterSent, nil, "", r.BodyHTML, now); err != nil {
		return err
	}
	if err := a.Store.SetNewsletterSentAt(ctx, march.ID, sent); err != nil {
		return err
	}
	april, err := a.SaveNewsletter(ctx, "", org.ID, "", app.NewsletterInput{Subject: "La lettre de Bellerive — avril", BodyMD: aprilLetter})
	if err != nil {
		return err
	}
	at := now.Add(20 * 24 * time.Hour).Truncate(time.Hour)
	return a.SendNewsletter(ctx, "", org, april.ID, &at)
}
