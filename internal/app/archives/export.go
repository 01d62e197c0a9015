package archives

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Period is the period asked for, as typed: two days, YYYY-MM-DD, both
// included, Paris time.
type Period struct {
	From string
	To   string
}

// MaxPeriod bounds one export: ten years and a bit, enough for any
// archives schedule, and it refuses a typo of a century.
const MaxPeriod = 10*366*24*time.Hour + 48*time.Hour

// Export is an export accepted and recorded, ready to be written.
type Export struct {
	s      *Service
	Org    model.Organisation
	Period model.ArchivePeriod
	From   string // as asked, for the file name
	To     string
	head   store.ChainHead
	at     time.Time
}

// FileName is the name a downloaded package takes.
func (e *Export) FileName() string {
	return fmt.Sprintf("archives-%s-%s-%s.zip", e.Org.Handle, e.From, e.To)
}

// parsePeriod checks the days typed; the codes are catalogue keys.
func parsePeriod(in Period) (model.ArchivePeriod, error) {
	var p model.ArchivePeriod
	ve := &model.ValidationError{}
	from, errFrom := time.ParseInLocation(dates.LocalDate, strings.TrimSpace(in.From), dates.Paris)
	to, errTo := time.ParseInLocation(dates.LocalDate, strings.TrimSpace(in.To), dates.Paris)
	if errFrom != nil {
		ve.Add("from", "archives.error.date")
	}
	if errTo != nil {
		ve.Add("to", "archives.error.date")
	}
	if err := ve.Err(); err != nil {
		return p, err
	}
	end := to.AddDate(0, 0, 1) // the last day is included: up to the next midnight, Paris time
	switch {
	case !end.After(from):
		ve.Add("to", "archives.error.order")
	case end.Sub(from) > MaxPeriod:
		ve.Add("to", "archives.error.too_long")
	}
	return model.ArchivePeriod{From: from.UTC(), To: end.UTC()}, ve.Err()
}

// Prepare checks a staff member's request for an export of the
// organisation, records it in the audit log and returns the export to
// write. The audit entry comes first so that the package's chain head
// covers the export itself.
func (s *Service) Prepare(ctx context.Context, actorID, orgID string, in Period) (*Export, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.ArchiveExport); err != nil {
		return nil, err
	}
	return s.prepare(ctx, actorID, orgID, in, "")
}

// PrepareForOperator is Prepare for the command line (`parvis archive
// export`): whoever runs it holds the server, so no policy applies; the
// audit entry says it came from there.
func (s *Service) PrepareForOperator(ctx context.Context, handle string, in Period) (*Export, error) {
	org, err := s.Store.OrganisationByHandle(ctx, handle)
	if err != nil {
		return nil, err
	}
	return s.prepare(ctx, "", org.ID, in, "command line")
}

func (s *Service) prepare(ctx context.Context, actorID, orgID string, in Period, via string) (*Export, error) {
	period, err := parsePeriod(in)
	if err != nil {
		return nil, err
	}
	e := &Export{s: s, Period: period, From: strings.TrimSpace(in.From), To: strings.TrimSpace(in.To), at: s.Now()}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if e.Org, err = tx.OrganisationByID(ctx, orgID); err != nil {
			return err
		}
		detail := e.From + " → " + e.To
		if via != "" {
			detail += " (" + via + ")"
		}
		if err := s.Audit(ctx, tx, orgID, actorID, "archive.export", orgID, detail); err != nil {
			return err
		}
		e.head, err = tx.ChainHeadOf(ctx, orgID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
