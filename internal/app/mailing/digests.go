package mailing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Digests gather, once a day or once a week at the organisation's hour
// (Europe/Paris), what was published since a subscriber's last digest that
// matches their choices. Nothing is sent when there is nothing new. A
// digest_runs row per (subscriber, organisation, period) makes a run
// idempotent; subscribers who get the same items share one mailing, so the
// message is rendered once per distinct content.

// DigestEvent is an upcoming event listed in a digest.
type DigestEvent struct {
	Title string
	When  string
	URL   string
}

type digestItem struct {
	Title, Summary, URL string
}

type digestLetter struct {
	massData
	Period string
	Items  []digestItem
	Events []DigestEvent
}

// RunDigests builds and queues the digests due now, for every organisation.
// The periodic job calls it every few minutes; runs already done are
// skipped, so calling it often is harmless.
func (s *Service) RunDigests(ctx context.Context) error {
	orgs, err := s.Store.Organisations(ctx)
	if err != nil {
		return err
	}
	now := s.Now()
	var errs []error
	for _, org := range orgs {
		settings, err := s.Store.MailSettings(ctx, org.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		local := now.In(dates.Paris)
		if local.Hour() < settings.DigestHour {
			continue
		}
		if err := s.runDigest(ctx, org, model.FreqDaily, local.Format("2006-01-02"), now.Add(-26*time.Hour), now); err != nil {
			errs = append(errs, err)
		}
		if int(local.Weekday()) == settings.WeeklyDay {
			y, w := local.ISOWeek()
			if err := s.runDigest(ctx, org, model.FreqWeekly, fmt.Sprintf("%d-W%02d", y, w), now.Add(-8*24*time.Hour), now); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (s *Service) runDigest(ctx context.Context, org model.Organisation, freq model.Frequency, key string, floor, now time.Time) error {
	period := string(freq)
	cands, err := s.Store.DigestCandidates(ctx, org.ID, freq, period, key)
	if err != nil || len(cands) == 0 {
		return err
	}
	from := now
	for _, c := range cands {
		if c.Since.Before(from) {
			from = c.Since
		}
	}
	if from.Before(floor) {
		from = floor
	}
	all, err := s.Store.PublicationsBetween(ctx, org.ID, from, now.Add(time.Microsecond))
	if err != nil {
		return err
	}
	var pubs []model.Publication
	for _, p := range all {
		if p.State == model.StatePublished && p.PublishedAt != nil && (p.Kind == model.KindNews || p.Kind == model.KindEvent || p.Kind == model.KindJob) {
			pubs = append(pubs, p)
		}
	}
	// Group subscribers by the exact list of items they get.
	groups := map[string][]string{}
	items := map[string][]model.Publication{}
	for _, c := range cands {
		var mine []model.Publication
		for _, p := range pubs {
			if p.PublishedAt.After(c.Since) && (c.Everything || overlap(p.TopicIDs, c.TopicIDs) || overlap(p.NeighbourhoodIDs, c.NeighbourhoodIDs)) {
				mine = append(mine, p)
			}
		}
		ids := make([]string, len(mine))
		for i, p := range mine {
			ids[i] = p.ID
		}
		k := strings.Join(ids, ",")
		groups[k] = append(groups[k], c.SubscriberID)
		items[k] = mine
	}
	// The organisation's next two weeks of events (published occurrences,
	// as the public agenda reads them), the same for everyone so that
	// subscribers still share mailings.
	agenda, err := s.Store.Agenda(ctx, model.AgendaFilter{OrgID: org.ID, From: now, To: now.Add(14 * 24 * time.Hour), Limit: 200})
	if err != nil {
		return err
	}
	// Dates are written in each recipient's language.
	events := map[string][]DigestEvent{}
	for _, lang := range i18n.Langs {
		for _, it := range agenda {
			if it.Cancelled || len(events[lang]) == 10 {
				continue
			}
			events[lang] = append(events[lang], DigestEvent{Title: it.Pub.Title, When: dates.EventWhen(lang, it.StartsAt, it.EndsAt, it.Event.AllDay, now),
				URL: s.PublicationURL(org, it.Pub)})
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, k := range keys {
			subs := groups[k]
			list := items[k]
			if len(list) > 0 || len(events[i18n.Default]) > 0 {
				if err := s.queueDigest(ctx, tx, org, period, key, k, list, events, subs); err != nil {
					return err
				}
			}
			for _, sub := range subs {
				if err := tx.AddDigestRun(ctx, sub, org.ID, period, key, len(list), now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if errors.Is(err, model.ErrConflict) {
		return nil // another process did this period first
	}
	return err
}

func (s *Service) queueDigest(ctx context.Context, tx *store.Tx, org model.Organisation, period, key, itemsKey string,
	list []model.Publication, events map[string][]DigestEvent, subs []string) error {
	var items []digestItem
	for _, p := range list {
		items = append(items, digestItem{Title: p.Title, Summary: p.Summary, URL: s.PublicationURL(org, p)})
	}
	r, err := s.renderMass("digest", func(lang string) any {
		return digestLetter{massData: newMassData(org.Name), Period: period, Items: items, Events: events[lang]}
	})
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(itemsKey))
	now := s.Now()
	m := withMessage(model.Mailing{OrgID: org.ID, Kind: model.MailingDigest,
		RefID: org.ID + "/" + period + "/" + key + "/" + hex.EncodeToString(sum[:8]),
		State: model.MailingSending, CreatedAt: now, StartedAt: &now}, r)
	id, _, err := s.createMailing(ctx, tx, m)
	if err != nil {
		return err
	}
	if _, err := tx.AddRecipients(ctx, id, subs); err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil)
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
