package mailing

import (
	"context"
	"strings"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Per-digest figures: each digest mailing with its date, recipients and
// clicks, for staff (docs/EMAIL.md). Counts only: nothing says who
// received a digest or who clicked.

// DigestsPerPage is the length of a page of the staff list of digests.
const DigestsPerPage = 20

// DigestFigures is one digest mailing.
type DigestFigures struct {
	store.DigestMailing
	// Period is "daily" or "weekly"; Key the day ("2026-03-12") or the
	// ISO week ("2026-W11") it was built for. Subscribers who got
	// different items that day got different mailings of the same key.
	Period, Key string
}

// digestFigures reads the period and key from the reference queueDigest
// gives a digest mailing: "org/period/key/hash".
func digestFigures(m store.DigestMailing) DigestFigures {
	d := DigestFigures{DigestMailing: m}
	if parts := strings.Split(m.RefID, "/"); len(parts) == 4 {
		d.Period, d.Key = parts[1], parts[2]
	}
	return d
}

// DigestPage is a page of the staff list of digests.
type DigestPage struct {
	Digests     []DigestFigures
	Total       int // digest mailings of the organisation
	Page, Pages int
}

// DigestMailings lists an organisation's digest mailings, newest first,
// page by page (from 1; a page past the last gives the last).
func (s *Service) DigestMailings(ctx context.Context, actorID, orgID string, page int) (DigestPage, error) {
	var p DigestPage
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.SubscribersView); err != nil {
		return p, err
	}
	var err error
	if p.Total, err = s.Store.CountDigestMailings(ctx, orgID); err != nil {
		return p, err
	}
	p.Pages = max(1, (p.Total+DigestsPerPage-1)/DigestsPerPage)
	p.Page = min(max(page, 1), p.Pages)
	rows, err := s.Store.DigestMailings(ctx, orgID, DigestsPerPage, (p.Page-1)*DigestsPerPage)
	if err != nil {
		return p, err
	}
	for _, m := range rows {
		p.Digests = append(p.Digests, digestFigures(m))
	}
	return p, nil
}

// DigestMailing returns one of an organisation's digest mailings and the
// clicks on each of its links. Another organisation's mailing, or a
// mailing that is not a digest, is model.ErrNotFound.
func (s *Service) DigestMailing(ctx context.Context, actorID, orgID, id string) (DigestFigures, []model.ClickCount, error) {
	if orgID == "" { // MailingByID would skip the organisation check
		return DigestFigures{}, nil, model.ErrNotFound
	}
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.SubscribersView); err != nil {
		return DigestFigures{}, nil, err
	}
	m, err := s.Store.MailingByID(ctx, orgID, id)
	if err != nil {
		return DigestFigures{}, nil, err
	}
	if m.Kind != model.MailingDigest {
		return DigestFigures{}, nil, model.ErrNotFound
	}
	clicks, err := s.Store.ClickCounts(ctx, m.ID)
	if err != nil {
		return DigestFigures{}, nil, err
	}
	dm := store.DigestMailing{ID: m.ID, RefID: m.RefID, Subject: m.Subject, State: m.State, Total: m.Total, Sent: m.Sent,
		Failed: m.Failed, Skipped: m.Skipped, CreatedAt: m.CreatedAt, Links: len(clicks)}
	for _, c := range clicks {
		dm.Clicks += c.Clicks
	}
	return digestFigures(dm), clicks, nil
}
