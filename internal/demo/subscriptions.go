package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

var (
	firstNames = []string{"camille", "louis", "lea", "hugo", "chloe", "nathan", "ines", "jules", "manon", "gabriel",
		"sarah", "adam", "lina", "raphael", "emma", "yanis", "jade", "noah", "louise", "mohamed"}
	lastNames = []string{"martin", "bernard", "thomas", "petit", "robert", "richard", "durand", "dubois", "moreau", "laurent",
		"simon", "michel", "lefebvre", "leroy", "roux"}
)

// sentLetter is the letter the demo shows as sent on the given day, with
// its dates in the following weeks.
func sentLetter(sent time.Time) string {
	return `Chères Bellerivoises, chers Bellerivois,

Les chantiers avancent et les fêtes de quartier se préparent sur les bords de Loire.

## Ce qu'il faut retenir ce mois-ci

- **La place du Marché rouvre** le ` + long(nextWeekday(sent, time.Saturday, 5)) + ` après trois mois de travaux.
- **Collecte des encombrants** : le ` + long(nextWeekday(sent, time.Tuesday, 8)) + ` dans les quartiers des Tanneurs et du Port.
- **Conseil municipal** le ` + long(nextWeekday(sent, time.Friday, 11)) + ` à 18 h, salle du conseil, ouvert au public.

## Les dernières publications

[[publications 5]]

Bonne lecture, et à bientôt sur les bords de Loire.

*Hélène Marchand, maire de Bellerive-sur-Loire*
`
}

// nextLetter is the letter the demo has scheduled for the given day.
func nextLetter(at time.Time) string {
	m := dates.MonthFR(at)
	return `Bonjour à toutes et à tous,

` + strings.ToUpper(m[:1]) + m[1:] + ` à Bellerive : la fête du Port, les jardins partagés des Coteaux et le nouveau calendrier des collectes.

## Les dernières publications

[[publications 5]]

## À l'agenda

[[agenda 5]]
`
}

// demoSubscribers is how many e-mail subscribers the demo has.
const demoSubscribers = 320

// subscribedAt is when the demo's i-th subscriber confirmed: one a day or
// so over the 90 days since the commune opened its Parvis, so that the
// daily follower counts (figures.go) grow as they would have.
func subscribedAt(now time.Time, i int) time.Time {
	return now.Add(-time.Duration(i%90) * 24 * time.Hour)
}

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
	var readers []digestReader // who gets digests, for the demo's past digests
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < demoSubscribers; i++ {
			confirmed := subscribedAt(now, i)
			lang := "fr"
			if i%16 == 5 { // a few subscribed from the English pages: their mail is in English
				lang = "en"
			}
			s := model.Subscriber{ID: core.NewID(), Email: fmt.Sprintf("%s.%s%d@exemple.fr", firstNames[i%len(firstNames)], lastNames[i%len(lastNames)], i),
				Lang: lang, Status: model.SubActive, ConfirmedAt: &confirmed, CreatedAt: confirmed, UpdatedAt: confirmed}
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
			if c.News == model.FreqDaily || c.News == model.FreqWeekly {
				readers = append(readers, digestReader{id: s.ID, freq: c.News, since: confirmed})
			}
			js, _ := json.Marshal(c)
			if err := tx.AddConsent(ctx, model.Consent{ID: core.NewID(), SubscriberID: s.ID, OrgID: org.ID, Action: "confirmed",
				ConsentVersion: mailing.ConsentVersion, ConsentText: mailing.ConsentText(mailing.ConsentVersion, "fr", org.Name),
				Choices: string(js), IP: fmt.Sprintf("192.0.2.%d", i%250+1), CreatedAt: confirmed}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo subscribers: %w", err)
	}
	if err := seedDigests(ctx, a, org, readers); err != nil { // figures.go
		return fmt.Errorf("demo digests: %w", err)
	}
	// The community manager writes and sends the letters: the use cases
	// ask the policy, as they would for anyone.
	cm, err := a.Store.AccountByEmail(ctx, "communication@bellerive.example")
	if err != nil {
		return err
	}
	sent := now.Add(-9 * 24 * time.Hour)
	last, err := a.Mailing.SaveNewsletter(ctx, cm.ID, org.ID, "", mailing.NewsletterInput{Subject: "La lettre de Bellerive — " + dates.MonthFR(sent), BodyMD: sentLetter(sent)})
	if err != nil {
		return err
	}
	// The last letter is shown as already sent (its archive page exists);
	// the demo does not send 300 messages on start-up.
	r, err := a.Mailing.RenderNewsletter(ctx, org, last)
	if err != nil {
		return err
	}
	mid, err := seedSentMailing(ctx, a, org, last, r)
	if err != nil {
		return fmt.Errorf("demo sent letter: %w", err)
	}
	if err := a.Store.SetNewsletterState(ctx, org.ID, last.ID, []model.NewsletterState{model.NewsletterDraft},
		model.NewsletterSent, nil, mid, r.BodyHTML, now); err != nil {
		return err
	}
	if err := a.Store.SetNewsletterSentAt(ctx, last.ID, sent); err != nil {
		return err
	}
	at := now.Add(20 * 24 * time.Hour).Truncate(time.Hour)
	upcoming, err := a.Mailing.SaveNewsletter(ctx, cm.ID, org.ID, "", mailing.NewsletterInput{Subject: "La lettre de Bellerive — " + dates.MonthFR(at), BodyMD: nextLetter(at)})
	if err != nil {
		return err
	}
	// The demo's communication manager has seen the audience and confirms it.
	count, err := a.Mailing.NewsletterAudience(ctx, upcoming)
	if err != nil {
		return err
	}
	return a.Mailing.SendNewsletter(ctx, cm.ID, org, upcoming.ID, &at, count)
}

var hrefRE = regexp.MustCompile(`href="(https?://[^"]+)"`)

// seedSentMailing records the last letter's mailing as delivered to its
// audience, with Bellerive counting clicks (aggregate, per link) and
// plausible totals, so the letter's staff page shows progress and clicks.
func seedSentMailing(ctx context.Context, a *app.App, org model.Organisation, n model.Newsletter, r mailing.RenderedNewsletter) (string, error) {
	if err := a.Store.PutMailSettings(ctx, model.MailSettings{OrgID: org.ID, DigestHour: 7, WeeklyDay: 1, ClickCounts: true,
		UpdatedAt: a.Now()}); err != nil {
		return "", err
	}
	now := a.Now()
	m := model.Mailing{ID: core.NewID(), OrgID: org.ID, Kind: model.MailingNewsletter, RefID: n.ID, Subject: r.Subject,
		Text: r.MailText, HTML: r.MailHTML, State: model.MailingSending, CreatedAt: now, StartedAt: &now}
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := tx.CreateMailing(ctx, m); err != nil {
			return err
		}
		if _, err := tx.AddAudience(ctx, m.ID, store.Audience{OrgID: org.ID, Kind: model.MailingNewsletter}); err != nil {
			return err
		}
		return tx.RecordDelivered(ctx, m.ID, now)
	})
	if err != nil {
		return "", err
	}
	var urls []string
	for _, h := range hrefRE.FindAllStringSubmatch(r.BodyHTML, -1) {
		urls = append(urls, html.UnescapeString(h[1]))
	}
	urls = append(urls, a.Mailing.NewsletterURL(org, n))
	if err := a.Store.AddClickLinks(ctx, m.ID, urls); err != nil {
		return "", err
	}
	for i := range urls {
		for range 31 / (i + 1) { // the first links are clicked most
			if _, err := a.Store.CountClick(ctx, m.ID, i); err != nil {
				return "", err
			}
		}
	}
	return m.ID, nil
}
