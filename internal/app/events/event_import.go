package events

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/ical"
	"github.com/parvis/parvis/internal/markdown"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/safehttp"
	"github.com/parvis/parvis/internal/store"
)

// Importing an association's agenda (iCalendar). The whole file is one
// transaction: any event it cannot take faithfully refuses the file, with a
// message naming that event, and nothing is saved. Events already imported
// (same UID in the organisation) are updated, not duplicated.

// MaxImportOccurrences bounds the occurrences one import may create.
const MaxImportOccurrences = 20_000

// Fetcher gets a URL; *safehttp.Client is the one to use.
type Fetcher interface {
	Get(ctx context.Context, rawURL string) ([]byte, error)
}

// ImportInput says where the events come from and how to file them.
type ImportInput struct {
	Source      string // file name or URL, kept with each event
	Data        []byte
	Association string // credited as organiser when set
	TopicIDs    []string
	Publish     bool // publish at once (publishers, when events need no validation)
}

// ImportResult counts what the import did.
type ImportResult struct {
	Created, Updated, Unchanged int
}

// fetcher is the SSRF-guarded client used for agenda URLs.
func (s *Service) fetcher() Fetcher {
	if s.Fetcher != nil {
		return s.Fetcher
	}
	return AgendaFetcher{Client: safehttp.New(safehttp.Options{MaxBody: ical.MaxBytes, Timeout: 15 * time.Second,
		UserAgent: "Parvis (agenda import)"})}
}

// AgendaFetcher gets an agenda through a safehttp client (the SSRF guard
// shared with federation): public addresses only, checked at dial time and
// after each redirect, bounded in size and time.
type AgendaFetcher struct{ Client *safehttp.Client }

// ErrStatus is a non-2xx answer.
var ErrStatus = errors.New("unexpected HTTP status")

// Get fetches rawURL.
func (f AgendaFetcher) Get(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", safehttp.ErrScheme, err)
	}
	if err := f.Client.CheckURL(u); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %d", ErrStatus, resp.StatusCode)
	}
	return f.Client.ReadBody(resp)
}

// ImportEventsFromURL fetches an agenda through the SSRF guard and imports it.
func (s *Service) ImportEventsFromURL(ctx context.Context, actorID, orgID, rawURL string, in ImportInput) (ImportResult, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventEdit); err != nil {
		return ImportResult{}, err
	}
	rawURL = strings.TrimSpace(rawURL)
	data, err := s.fetcher().Get(ctx, rawURL)
	if err != nil {
		code := "events.import.error.fetch"
		switch {
		case errors.Is(err, safehttp.ErrScheme):
			code = "events.import.error.scheme"
		case errors.Is(err, safehttp.ErrBlockedAddress):
			code = "events.import.error.forbidden_address"
		case errors.Is(err, safehttp.ErrTooLarge):
			code = "events.import.error.too_large"
		case errors.Is(err, ErrStatus):
			code = "events.import.error.status"
		case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout"):
			code = "events.import.error.timeout"
		}
		ie := &ical.ImportError{Code: code, Err: err}
		if code == "events.import.error.too_large" {
			ie.N = ical.MaxBytes >> 20 // the only message here that takes a number
		}
		return ImportResult{}, ie
	}
	in.Source, in.Data = rawURL, data
	return s.ImportEvents(ctx, actorID, orgID, in)
}

// ImportEvents imports a calendar file's events as actorID.
func (s *Service) ImportEvents(ctx context.Context, actorID, orgID string, in ImportInput) (ImportResult, error) {
	var res ImportResult
	events, err := ical.Parse(bytes.NewReader(in.Data))
	if err != nil {
		return res, err
	}
	in.Association = strings.TrimSpace(in.Association)
	if core.TooLong(in.Association, model.MaxField) {
		return res, &model.FieldError{Field: "association", Code: "pub.error.field_long"}
	}
	// The whole file is checked before anything is written: each event's
	// fields, the total of dates, and every description rendered (a
	// hostile one, Markdown the parser finds hard, costs its sender the
	// time of the check, never other writers). What is left to the
	// transactions below is writing.
	pre := make([]*markdown.Rendered, len(events))
	total := 0
	for i, imp := range events {
		fail := func(code string, err error) error {
			return &ical.ImportError{Code: code, UID: imp.UID, Summary: imp.Summary, Err: err}
		}
		pin, ein := importInputs(imp, in)
		ev, v := parseEvent(ein)
		if err := v.Err(); err != nil {
			return res, fail("events.import.error.invalid", err)
		}
		if _, v := s.Publishing.ParseInput(pin); v.Err() != nil {
			return res, fail("events.import.error.invalid", v.Err())
		}
		occs, _ := ExpandEvent(ev, nil)
		if total += len(occs); total > MaxImportOccurrences {
			return res, &ical.ImportError{Code: "events.import.error.too_many_occurrences_total", N: MaxImportOccurrences}
		}
		if pre[i], err = s.Publishing.Prerender(ctx, orgID, pin); err != nil {
			var fe *model.FieldError
			if errors.As(err, &fe) {
				return res, fail("events.import.error.description", err)
			}
			return res, err
		}
	}
	m, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventEdit)
	if err != nil {
		return res, err
	}
	publish := false
	if in.Publish {
		required, err := s.Store.ValidationRequired(ctx, orgID, model.KindEvent)
		if err != nil {
			return res, err
		}
		if required || !policy.RoleMay(m.Role, policy.PublicationPublish) {
			return res, &model.FieldError{Field: "publish", Code: "events.import.error.cannot_publish"}
		}
		publish = true
	}
	// Written ImportChunk events per transaction, so that a large agenda
	// never holds the organisation's rows (or SQLite's single writer) for
	// long: 2,000 events in one transaction held them 10 s on PostgreSQL.
	// Everything that can refuse an event was checked above; a failure now
	// is the database's, and importing the same file again completes the
	// import (events are recognised by their UID).
	for start := 0; start < len(events); start += ImportChunk {
		end := min(start+ImportChunk, len(events))
		if err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventEdit); err != nil {
				return err
			}
			if err := s.importChunk(ctx, tx, actorID, orgID, in, events[start:end], pre[start:end], publish, &res); err != nil {
				return err
			}
			if end < len(events) {
				return nil
			}
			return s.Audit(ctx, tx, orgID, actorID, "event.import", in.Source,
				"created "+strconv.Itoa(res.Created)+", updated "+strconv.Itoa(res.Updated)+", unchanged "+strconv.Itoa(res.Unchanged))
		}); err != nil {
			return ImportResult{}, err
		}
	}
	return res, nil
}

// ImportChunk is the number of events an import writes per transaction.
const ImportChunk = 50

// importChunk writes events (checked already) inside tx, counting into res.
func (s *Service) importChunk(ctx context.Context, tx *store.Tx, actorID, orgID string, in ImportInput, events []ical.Imported,
	pre []*markdown.Rendered, publish bool, res *ImportResult) error {
	counts := *res // kept only if the transaction commits
	err := func() error {
		for i, imp := range events {
			fail := func(code string, err error) error {
				return &ical.ImportError{Code: code, UID: imp.UID, Summary: imp.Summary, Err: err}
			}
			pin, ein := importInputs(imp, in)
			old, err := tx.EventByImportUID(ctx, orgID, imp.UID)
			switch {
			case err == nil:
				pin.ID = old.PublicationID
				cur, err := tx.PublicationByID(ctx, orgID, old.PublicationID)
				if err != nil {
					return err
				}
				// Staff may have filed it since: keep their topics.
				pin.TopicIDs, pin.NeighbourhoodIDs = cur.TopicIDs, cur.NeighbourhoodIDs
				pin.ImageID = cur.ImageID
			case !errors.Is(err, model.ErrNotFound):
				return err
			}
			ev, v := parseEvent(ein)
			if err := v.Err(); err != nil {
				return fail("events.import.error.invalid", err)
			}
			saved, err := s.Publishing.SaveInTx(ctx, tx, actorID, orgID, pin, pre[i], true)
			var ve *model.ValidationError
			var fe *model.FieldError
			if errors.As(err, &ve) || errors.As(err, &fe) || errors.Is(err, model.ErrForbidden) {
				return fail("events.import.error.invalid", err)
			}
			if err != nil {
				return err
			}
			now := s.Now()
			ev.PublicationID, ev.OrgID, ev.CreatedAt, ev.UpdatedAt = saved.Publication.ID, orgID, now, now
			ev.ImportUID, ev.ImportSource = imp.UID, truncate(in.Source, 500)
			if imp.Cancelled {
				ev.Status = model.EventCancelled
			}
			exists := pin.ID != ""
			if exists {
				ev.CreatedAt = old.CreatedAt
				if !old.Registers() {
					ev.JoinMode, ev.Capacity = old.JoinMode, old.Capacity
				} else {
					// Registrations are Parvis's own: keep them as set here.
					ev.JoinMode, ev.Capacity, ev.RegistrationDeadline, ev.Questions = old.JoinMode, old.Capacity, old.RegistrationDeadline, old.Questions
				}
				if err := tx.ClearExceptions(ctx, ev.PublicationID); err != nil {
					return err
				}
			}
			// The row first: exceptions reference it.
			if err := tx.PutEvent(ctx, ev); err != nil {
				return err
			}
			for _, c := range imp.Cancels {
				if err := tx.PutException(ctx, model.EventException{ID: core.NewID(), EventID: ev.PublicationID, OriginalStart: c,
					Kind: model.ExceptionCancel, CreatedAt: now}); err != nil {
					return err
				}
			}
			for _, mv := range imp.Moves {
				from, to := mv.Start, mv.End
				if err := tx.PutException(ctx, model.EventException{ID: core.NewID(), EventID: ev.PublicationID, OriginalStart: mv.OriginalStart,
					Kind: model.ExceptionMove, StartsAt: &from, EndsAt: &to, CreatedAt: now}); err != nil {
					return err
				}
			}
			switch {
			case !exists:
				counts.Created++
			case saved.Changed || !sameEvent(old, ev):
				counts.Updated++
			default:
				counts.Unchanged++
			}
			if err := s.putEvent(ctx, tx, ev, true); err != nil {
				return err
			}
			if publish && saved.Publication.State != model.StatePublished {
				if err := s.Publishing.Move(ctx, tx, actorID, saved.Publication, model.StatePublished, "", nil); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	if err == nil {
		*res = counts
	}
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// importInputs turns an imported event into editor inputs, so that the
// same checks apply as for an event typed by staff.
func importInputs(imp ical.Imported, in ImportInput) (model.PubInput, EventInput) {
	p := model.PubInput{Kind: model.KindEvent, Title: truncate(imp.Summary, model.MaxTitle), Body: truncate(imp.Description, model.MaxBody),
		TopicIDs: in.TopicIDs}
	s, e := imp.Start.In(dates.Paris), imp.End.In(dates.Paris)
	ein := EventInput{StartDate: s.Format(dates.LocalDate), EndDate: e.Format(dates.LocalDate), AllDay: imp.AllDay,
		PlaceName: truncate(imp.Location, model.MaxField), Attendance: string(model.AttendInPerson), Free: true,
		OrganiserKind: string(model.OrganiserOrg), JoinMode: string(model.JoinFree)}
	if imp.AllDay {
		ein.EndDate = e.AddDate(0, 0, -1).Format(dates.LocalDate)
	} else {
		ein.StartTime, ein.EndTime = s.Format("15:04"), e.Format("15:04")
	}
	if ein.PlaceName == "" {
		if webURL(imp.URL) {
			ein.Attendance, ein.OnlineURL = string(model.AttendOnline), imp.URL
		} else {
			ein.PlaceName = "Lieu à préciser"
		}
	}
	if imp.Lat != nil && imp.Lon != nil {
		ein.Lat, ein.Lon = strconv.FormatFloat(*imp.Lat, 'f', -1, 64), strconv.FormatFloat(*imp.Lon, 'f', -1, 64)
	}
	if in.Association != "" {
		ein.OrganiserKind, ein.OrganiserName = string(model.OrganiserAssociation), in.Association
	}
	if r := imp.Rule; r != nil {
		ein.RecurFreq = string(r.Freq)
		if r.Interval > 1 {
			ein.RecurInterval = strconv.Itoa(r.Interval)
		}
		for _, d := range r.Weekdays {
			ein.RecurWeekdays = append(ein.RecurWeekdays, strconv.Itoa(int(d)))
		}
		if r.Nth != 0 {
			ein.RecurNth = strconv.Itoa(r.Nth)
		}
		if r.Until != nil {
			ein.RecurUntil = r.Until.In(dates.Paris).Format(dates.LocalDate)
		}
		if r.Count > 0 {
			ein.RecurCount = strconv.Itoa(r.Count)
		}
	}
	return p, ein
}
