package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// seedFollowerHistory writes the daily follower counts the
// follower_snapshot job would have taken since Bellerive opened its Parvis
// (docs/CONSOLE.md): the e-mail subscribers confirmed and the Fediverse
// accounts following by each day's first run, shortly after midnight. The
// figures page then shows the months' averages, and a report of last month
// divides by last month's followers.
func seedFollowerHistory(ctx context.Context, a *app.App, org model.Organisation) error {
	now := a.Now()
	today := localMidnight(now)
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for d := 120; d >= 1; d-- {
			day := today.AddDate(0, 0, -d)
			taken := day.Add(5 * time.Minute)
			var email, fedi int
			for i := range demoSubscribers {
				if !subscribedAt(now, i).After(taken) {
					email++
				}
			}
			for i := range remoteResidents {
				if !followedAt(now, i).After(taken) {
					fedi++
				}
			}
			if email+fedi == 0 {
				continue // before the opening: no count, as on a real instance
			}
			if _, err := tx.RecordFollowerCount(ctx, org.ID, store.FollowerSnapshot{Day: day.Format("2006-01-02"),
				Email: email, Fediverse: fedi, TakenAt: taken.UTC()}); err != nil {
				return err
			}
		}
		return nil
	})
}

// digestReader is a demo subscriber who gets digests.
type digestReader struct {
	id    string
	freq  model.Frequency
	since time.Time
}

// seedDigests records the last two weeks of digests as delivered, without
// the sending machinery (as seedSentMailing does for the March letter):
// each morning at the digest hour, one mailing for the subscribers who
// follow everything and one for those who follow some topics, and on
// Mondays the weekly one; with click counts per link, so that the list of
// digests sent (/admin/bellerive/abonnes/resumes) has figures to show.
func seedDigests(ctx context.Context, a *app.App, org model.Organisation, readers []digestReader) error {
	pubs, err := a.Store.PublicList(ctx, model.PublicFilter{OrgID: org.ID,
		Kinds: []model.PubKind{model.KindNews, model.KindEvent, model.KindJob}, Limit: 12})
	if err != nil {
		return err
	}
	if len(pubs) < 4 {
		return fmt.Errorf("%d publications to put in digests, want 4", len(pubs))
	}
	now := a.Now()
	today := localMidnight(now)
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for d := 14; d >= 1; d-- {
			day := today.AddDate(0, 0, -d)
			at := day.Add(7*time.Hour + 2*time.Minute).UTC() // the digest hour
			daily, weekly := [2][]string{}, []string{}
			k := 0
			for _, r := range readers {
				if r.since.After(at) {
					continue
				}
				if r.freq == model.FreqDaily {
					k++
					daily[k%3/2] = append(daily[k%3/2], r.id) // a third follow some topics only
				} else {
					weekly = append(weekly, r.id)
				}
			}
			for g, ids := range daily {
				items := []model.Publication{pubs[(d+g)%len(pubs)], pubs[(d+g+1)%len(pubs)], pubs[(d+g+3)%len(pubs)]}
				if g == 1 {
					items = items[:2]
				}
				if err := seedDigest(ctx, tx, a, org, model.FreqDaily, day.Format("2006-01-02"), g, items, ids, at, d); err != nil {
					return err
				}
			}
			if day.Weekday() == time.Monday {
				y, w := day.ISOWeek()
				items := []model.Publication{pubs[d%len(pubs)], pubs[(d+2)%len(pubs)], pubs[(d+4)%len(pubs)], pubs[(d+5)%len(pubs)]}
				if err := seedDigest(ctx, tx, a, org, model.FreqWeekly, fmt.Sprintf("%d-W%02d", y, w), 0, items, weekly, at, d); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// seedDigest records one digest mailing delivered to ids, with plausible
// click totals: a few percent of the recipients on the first link, fewer
// further down.
func seedDigest(ctx context.Context, tx *store.Tx, a *app.App, org model.Organisation, freq model.Frequency, key string, group int,
	items []model.Publication, ids []string, at time.Time, seed int) error {
	if len(ids) == 0 {
		return nil
	}
	id := core.NewID()
	subject := a.Cat.T("fr", "mail.subs.digest."+string(freq), org.Name)
	var urls []string
	var text, html strings.Builder
	fmt.Fprintf(&text, "%s\n\n", subject)
	fmt.Fprintf(&html, "<h1>%s</h1><ul>", subject)
	for i, p := range items {
		urls = append(urls, a.Mailing.PublicationURL(org, p))
		fmt.Fprintf(&text, "* %s\n  %s\n\n", p.Title, a.Mailing.ClickURL(id, i))
		fmt.Fprintf(&html, `<li><a href="%s">%s</a></li>`, a.Mailing.ClickURL(id, i), p.Title)
	}
	html.WriteString("</ul>")
	start := at
	m := model.Mailing{ID: id, OrgID: org.ID, Kind: model.MailingDigest,
		RefID: fmt.Sprintf("%s/%s/%s/demo%d", org.ID, freq, key, group), Subject: subject, Text: text.String(), HTML: html.String(),
		State: model.MailingSending, CreatedAt: at, StartedAt: &start}
	if _, _, err := tx.CreateMailing(ctx, m); err != nil {
		return err
	}
	if _, err := tx.AddRecipients(ctx, id, ids); err != nil {
		return err
	}
	if err := tx.RecordDelivered(ctx, id, at.Add(3*time.Minute)); err != nil {
		return err
	}
	if err := tx.AddClickLinks(ctx, id, urls); err != nil {
		return err
	}
	for i := range urls {
		for range max(0, len(ids)*(9-2*i)/100) + (seed+i)%3 {
			if _, err := tx.CountClick(ctx, id, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// localMidnight is the start of t's day in Paris.
func localMidnight(t time.Time) time.Time {
	l := t.In(paris)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, paris)
}
