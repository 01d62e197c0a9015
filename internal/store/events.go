package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Events: the details of publications of kind 'event', their expanded
// occurrences and exceptions. Registrations are in event_registrations.go.

const eventColumns = `e.publication_id, e.org_id, e.starts_at, e.ends_at, e.all_day, e.place_name, e.place_address,
	e.lat, e.lon, e.attendance, e.online_url, e.access_wheelchair, e.access_sign, e.access_loop, e.access_other,
	e.free, e.price, e.organiser_kind, COALESCE(e.organiser_service_id, ''),
	CASE WHEN e.organiser_kind = 'service' THEN COALESCE(s.name, e.organiser_name) ELSE e.organiser_name END,
	e.recur_freq, e.recur_interval, e.recur_weekdays, e.recur_nth, e.recur_until, e.recur_count,
	e.join_mode, e.external_url, e.capacity, e.registration_deadline, e.questions, e.status, e.status_note,
	e.import_uid, e.import_source, e.created_at, e.updated_at`

// eventFrom joins what eventColumns needs (the service's name).
const eventFrom = `events e LEFT JOIN services s ON s.id = e.organiser_service_id`

// eventScan holds the scan targets of eventColumns until finish.
type eventScan struct {
	e                              model.Event
	lat, lon                       sql.NullFloat64
	allDay, wheel, sign, loop, fre int
	weekdays, questions            string
	until, deadline                sql.NullTime
}

func (s *eventScan) dest() []any {
	e := &s.e
	return []any{&e.PublicationID, &e.OrgID, &e.StartsAt, &e.EndsAt, &s.allDay, &e.PlaceName, &e.PlaceAddress,
		&s.lat, &s.lon, &e.Attendance, &e.OnlineURL, &s.wheel, &s.sign, &s.loop, &e.Access.Other,
		&s.fre, &e.Price, &e.OrganiserKind, &e.OrganiserServiceID, &e.OrganiserName,
		&e.Recurrence.Freq, &e.Recurrence.Interval, &s.weekdays, &e.Recurrence.Nth, &s.until, &e.Recurrence.Count,
		&e.JoinMode, &e.ExternalURL, &e.Capacity, &s.deadline, &s.questions, &e.Status, &e.StatusNote,
		&e.ImportUID, &e.ImportSource, &e.CreatedAt, &e.UpdatedAt}
}

func (s *eventScan) finish() (model.Event, error) {
	e := s.e
	e.StartsAt, e.EndsAt, e.CreatedAt, e.UpdatedAt = e.StartsAt.UTC(), e.EndsAt.UTC(), e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	e.AllDay, e.Free = s.allDay == 1, s.fre == 1
	e.Access.Wheelchair, e.Access.SignLanguage, e.Access.InductionLoop = s.wheel == 1, s.sign == 1, s.loop == 1
	if s.lat.Valid && s.lon.Valid {
		lat, lon := s.lat.Float64, s.lon.Float64
		e.Lat, e.Lon = &lat, &lon
	}
	e.Recurrence.Until, e.RegistrationDeadline = nullTime(s.until), nullTime(s.deadline)
	e.Recurrence.Weekdays = nil
	for _, d := range strings.Split(s.weekdays, ",") {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 && n < 7 {
			e.Recurrence.Weekdays = append(e.Recurrence.Weekdays, time.Weekday(n))
		}
	}
	e.Questions = nil
	if s.questions != "" {
		if err := json.Unmarshal([]byte(s.questions), &e.Questions); err != nil {
			return e, fmt.Errorf("event %s questions: %w", e.PublicationID, err)
		}
	}
	return e, nil
}

func scanEvent(row scanner) (model.Event, error) {
	var s eventScan
	if err := row.Scan(s.dest()...); err != nil {
		return s.e, err
	}
	return s.finish()
}

// pubScan holds the scan targets of publicColumns (public.go) until finish.
type pubScan struct {
	p                               model.Publication
	alertEnds, closes, pub, republd sql.NullTime
}

func (s *pubScan) dest() []any {
	p := &s.p
	return []any{&p.ID, &p.OrgID, &p.Kind, &p.Slug, &p.Title, &p.Summary, &p.State, &p.Revision,
		&p.AlertLevel, &s.alertEnds, &p.Job.Title, &p.Job.Grade, &p.Job.Category, &p.Job.Filiere,
		&p.Job.Contract, &p.Job.Time, &p.Job.Place, &s.closes, &p.Job.HowToApply, &p.ImageID,
		&p.CreatedAt, &p.UpdatedAt, &s.pub, &s.republd}
}

func (s *pubScan) finish() model.Publication {
	p := s.p
	p.AlertEndsAt, p.Job.ClosesAt = nullTime(s.alertEnds), nullTime(s.closes)
	p.PublishedAt, p.RepublishedAt = nullTime(s.pub), nullTime(s.republd)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// PutEvent inserts or replaces an event's details (its publication must exist).
func (q *Queries) PutEvent(ctx context.Context, e model.Event) error {
	var days []string
	for _, d := range e.Recurrence.Weekdays {
		days = append(days, strconv.Itoa(int(d)))
	}
	questions := ""
	if len(e.Questions) > 0 {
		b, err := json.Marshal(e.Questions)
		if err != nil {
			return err
		}
		questions = string(b)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO events (publication_id, org_id, starts_at, ends_at, all_day,
		place_name, place_address, lat, lon, attendance, online_url, access_wheelchair, access_sign, access_loop,
		access_other, free, price, organiser_kind, organiser_service_id, organiser_name, recur_freq, recur_interval,
		recur_weekdays, recur_nth, recur_until, recur_count, join_mode, external_url, capacity, registration_deadline,
		questions, status, status_note, import_uid, import_source, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,
		$28,$29,$30,$31,$32,$33,$34,$35,$36,$37)
		ON CONFLICT (publication_id) DO UPDATE SET starts_at=$3, ends_at=$4, all_day=$5, place_name=$6,
		place_address=$7, lat=$8, lon=$9, attendance=$10, online_url=$11, access_wheelchair=$12, access_sign=$13,
		access_loop=$14, access_other=$15, free=$16, price=$17, organiser_kind=$18, organiser_service_id=$19,
		organiser_name=$20, recur_freq=$21, recur_interval=$22, recur_weekdays=$23, recur_nth=$24, recur_until=$25,
		recur_count=$26, join_mode=$27, external_url=$28, capacity=$29, registration_deadline=$30, questions=$31,
		status=$32, status_note=$33, import_uid=$34, import_source=$35, updated_at=$37
		WHERE events.org_id = $2`,
		e.PublicationID, e.OrgID, e.StartsAt.UTC(), e.EndsAt.UTC(), boolInt(e.AllDay), e.PlaceName, e.PlaceAddress,
		floatOrNil(e.Lat), floatOrNil(e.Lon), e.Attendance, e.OnlineURL, boolInt(e.Access.Wheelchair),
		boolInt(e.Access.SignLanguage), boolInt(e.Access.InductionLoop), e.Access.Other, boolInt(e.Free), e.Price,
		e.OrganiserKind, stringOrNil(e.OrganiserServiceID), e.OrganiserName, e.Recurrence.Freq, e.Recurrence.Interval,
		strings.Join(days, ","), e.Recurrence.Nth, timeOrNil(e.Recurrence.Until), e.Recurrence.Count, e.JoinMode,
		e.ExternalURL, e.Capacity, timeOrNil(e.RegistrationDeadline), questions, e.Status, e.StatusNote,
		e.ImportUID, e.ImportSource, e.CreatedAt.UTC(), e.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("put event %s: %w", e.PublicationID, translate(err))
	}
	return nil
}

// EventByID returns an organisation's event details.
func (q *Queries) EventByID(ctx context.Context, orgID, id string) (model.Event, error) {
	e, err := scanEvent(q.q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+`
		WHERE e.org_id = $1 AND e.publication_id = $2`, orgID, id))
	if err != nil {
		return e, fmt.Errorf("event %s: %w", id, translate(err))
	}
	return e, nil
}

// EventForUpdate is EventByID that locks the row until commit on
// PostgreSQL; on SQLite the transaction holds the write lock from BEGIN
// IMMEDIATE. Registrations take it to check capacity.
func (q *Queries) EventForUpdate(ctx context.Context, orgID, id string) (model.Event, error) {
	lock := ""
	if q.engine == Postgres {
		lock = " FOR UPDATE OF e"
	}
	e, err := scanEvent(q.q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+`
		WHERE e.org_id = $1 AND e.publication_id = $2`+lock, orgID, id))
	if err != nil {
		return e, fmt.Errorf("event %s: %w", id, translate(err))
	}
	return e, nil
}

// EventByImportUID finds an event imported with uid.
func (q *Queries) EventByImportUID(ctx context.Context, orgID, uid string) (model.Event, error) {
	e, err := scanEvent(q.q.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM `+eventFrom+`
		WHERE e.org_id = $1 AND e.import_uid = $2`, orgID, uid))
	if err != nil {
		return e, fmt.Errorf("event uid %q: %w", uid, translate(err))
	}
	return e, nil
}

// SetEventStatus records a cancellation or postponement (or its undoing).
func (q *Queries) SetEventStatus(ctx context.Context, orgID, id string, status model.EventStatus, note string, at time.Time) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE events SET status=$3, status_note=$4, updated_at=$5
		WHERE org_id=$1 AND publication_id=$2`, orgID, id, status, note, at))
	if err != nil {
		return fmt.Errorf("event %s status: %w", id, err)
	}
	return nil
}

// ReplaceOccurrences deletes an event's occurrences and writes occs.
func (q *Queries) ReplaceOccurrences(ctx context.Context, eventID string, occs []model.Occurrence) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM event_occurrences WHERE event_id=$1`, eventID); err != nil {
		return fmt.Errorf("clear occurrences of %s: %w", eventID, err)
	}
	return q.InsertOccurrences(ctx, occs)
}

// InsertOccurrences writes occurrences with multi-row inserts.
func (q *Queries) InsertOccurrences(ctx context.Context, occs []model.Occurrence) error {
	const perStmt = 100 // 8 values each: well under both engines' parameter limits
	for len(occs) > 0 {
		chunk := occs[:min(len(occs), perStmt)]
		occs = occs[len(chunk):]
		var (
			b    strings.Builder
			args []any
		)
		b.WriteString(`INSERT INTO event_occurrences (event_id, org_id, original_start, starts_at, ends_at, cancelled, moved, note) VALUES `)
		for i, o := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			args = append(args, o.EventID, o.OrgID, o.OriginalStart.UTC(), o.StartsAt.UTC(), o.EndsAt.UTC(),
				boolInt(o.Cancelled), boolInt(o.Moved), o.Note)
		}
		if _, err := q.q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert occurrences: %w", translate(err))
		}
	}
	return nil
}

const occColumns = `o.event_id, o.org_id, o.original_start, o.starts_at, o.ends_at, o.cancelled, o.moved, o.note`

func scanOccurrence(row scanner, extra ...any) (model.Occurrence, error) {
	var (
		o                model.Occurrence
		cancelled, moved int
	)
	dest := append([]any{&o.EventID, &o.OrgID, &o.OriginalStart, &o.StartsAt, &o.EndsAt, &cancelled, &moved, &o.Note}, extra...)
	if err := row.Scan(dest...); err != nil {
		return o, err
	}
	o.OriginalStart, o.StartsAt, o.EndsAt = o.OriginalStart.UTC(), o.StartsAt.UTC(), o.EndsAt.UTC()
	o.Cancelled, o.Moved = cancelled == 1, moved == 1
	return o, nil
}

// Occurrences returns an event's occurrences ending after from, in order,
// at most limit.
func (q *Queries) Occurrences(ctx context.Context, eventID string, from time.Time, limit int) ([]model.Occurrence, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+occColumns+` FROM event_occurrences o
		WHERE o.event_id = $1 AND o.ends_at > $2 ORDER BY o.starts_at LIMIT $3`, eventID, from.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("occurrences of %s: %w", eventID, err)
	}
	defer rows.Close()
	var out []model.Occurrence
	for rows.Next() {
		o, err := scanOccurrence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// EventExceptions lists an event's exceptions by original start.
func (q *Queries) EventExceptions(ctx context.Context, eventID string) ([]model.EventException, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, event_id, original_start, kind, starts_at, ends_at, note, created_at
		FROM event_exceptions WHERE event_id = $1 ORDER BY original_start`, eventID)
	if err != nil {
		return nil, fmt.Errorf("exceptions of %s: %w", eventID, err)
	}
	defer rows.Close()
	var out []model.EventException
	for rows.Next() {
		var (
			x          model.EventException
			start, end sql.NullTime
		)
		if err := rows.Scan(&x.ID, &x.EventID, &x.OriginalStart, &x.Kind, &start, &end, &x.Note, &x.CreatedAt); err != nil {
			return nil, err
		}
		x.OriginalStart, x.CreatedAt = x.OriginalStart.UTC(), x.CreatedAt.UTC()
		x.StartsAt, x.EndsAt = nullTime(start), nullTime(end)
		out = append(out, x)
	}
	return out, rows.Err()
}

// PutException records (or replaces) the exception of one occurrence.
func (q *Queries) PutException(ctx context.Context, x model.EventException) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO event_exceptions (id, event_id, original_start, kind, starts_at, ends_at, note, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (event_id, original_start) DO UPDATE SET kind=$4, starts_at=$5, ends_at=$6, note=$7, created_at=$8`,
		x.ID, x.EventID, x.OriginalStart.UTC(), x.Kind, timeOrNil(x.StartsAt), timeOrNil(x.EndsAt), x.Note, x.CreatedAt)
	if err != nil {
		return fmt.Errorf("put exception: %w", translate(err))
	}
	return nil
}

// DeleteExceptions removes an event's exceptions (all, or those with
// original starts in keep=false).
func (q *Queries) DeleteException(ctx context.Context, eventID, id string) error {
	return mustAffect(q.q.ExecContext(ctx, `DELETE FROM event_exceptions WHERE event_id=$1 AND id=$2`, eventID, id))
}

// ClearExceptions removes every exception of an event (its rule changed).
func (q *Queries) ClearExceptions(ctx context.Context, eventID string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM event_exceptions WHERE event_id=$1`, eventID)
	return err
}

// MaxEventLength bounds an event's length so that agenda reads can scan a
// bounded window of start times (see Agenda).
const MaxEventLength = 31 * 24 * time.Hour

// Agenda returns occurrences of published events, in start order, with the
// event and the publication's list fields, in one statement.
func (q *Queries) Agenda(ctx context.Context, f model.AgendaFilter) ([]model.AgendaItem, error) {
	args := []any{f.OrgID, f.From.UTC(), f.From.Add(-MaxEventLength).UTC()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// starts_at >= From - MaxEventLength lets the index on (org_id,
	// starts_at) bound the scan; ends_at > From keeps what is not over.
	where := []string{"o.org_id = $1", "o.starts_at >= $3", "o.ends_at > $2", "p.state = 'published'"}
	if !f.To.IsZero() {
		where = append(where, "o.starts_at < "+arg(f.To.UTC()))
	}
	if !f.WithCancelled {
		where = append(where, "o.cancelled = 0", "e.status <> 'cancelled'")
	}
	var tax []string
	if len(f.TopicIDs) > 0 {
		var ph []string
		for _, id := range f.TopicIDs {
			ph = append(ph, arg(id))
		}
		tax = append(tax, "EXISTS (SELECT 1 FROM publication_topics pt WHERE pt.publication_id = o.event_id AND pt.topic_id IN ("+strings.Join(ph, ",")+"))")
	}
	if len(f.NeighbourhoodIDs) > 0 {
		var ph []string
		for _, id := range f.NeighbourhoodIDs {
			ph = append(ph, arg(id))
		}
		tax = append(tax, "EXISTS (SELECT 1 FROM publication_neighbourhoods pn WHERE pn.publication_id = o.event_id AND pn.neighbourhood_id IN ("+strings.Join(ph, ",")+"))")
	}
	if len(tax) > 0 {
		where = append(where, "("+strings.Join(tax, " OR ")+")")
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	query := `SELECT ` + occColumns + `, ` + eventColumns + `, ` + publicColumns + `,
		COALESCE((SELECT SUM(r.seats) FROM event_registrations r WHERE r.event_id = o.event_id AND r.status = 'confirmed'), 0)
		FROM event_occurrences o JOIN publications p ON p.id = o.event_id
		JOIN events e ON e.publication_id = o.event_id LEFT JOIN services s ON s.id = e.organiser_service_id
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY o.starts_at, o.event_id LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(f.Offset)
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	defer rows.Close()
	var out []model.AgendaItem
	for rows.Next() {
		var (
			it model.AgendaItem
			es eventScan
			ps pubScan
		)
		extra := append(append(es.dest(), ps.dest()...), &it.Taken)
		o, err := scanOccurrence(rows, extra...)
		if err != nil {
			return nil, fmt.Errorf("scan agenda: %w", err)
		}
		it.Occurrence = o
		if it.Event, err = es.finish(); err != nil {
			return nil, err
		}
		it.Pub = ps.finish()
		out = append(out, it)
	}
	return out, rows.Err()
}

// FeedEvent is a published event with what a calendar feed writes of it.
type FeedEvent struct {
	Pub        model.Publication
	Event      model.Event
	Exceptions []model.EventException
}

// FeedEvents returns published events (of a topic or a neighbourhood when
// given) with an occurrence ending after since, in start order, at most
// limit, with their exceptions: two statements.
func (q *Queries) FeedEvents(ctx context.Context, orgID, topicID, neighbourhoodID string, since time.Time, limit int) ([]FeedEvent, error) {
	args := []any{orgID, since.UTC(), limit}
	where := ""
	if topicID != "" {
		args = append(args, topicID)
		where += " AND EXISTS (SELECT 1 FROM publication_topics pt WHERE pt.publication_id = e.publication_id AND pt.topic_id = $4)"
	}
	if neighbourhoodID != "" {
		args = append(args, neighbourhoodID)
		where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM publication_neighbourhoods pn WHERE pn.publication_id = e.publication_id AND pn.neighbourhood_id = $%d)", len(args))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+eventColumns+`, `+publicColumns+`, p.body_html FROM `+eventFrom+`
		JOIN publications p ON p.id = e.publication_id
		WHERE e.org_id = $1 AND p.state = 'published'
		AND EXISTS (SELECT 1 FROM event_occurrences o WHERE o.event_id = e.publication_id AND o.ends_at > $2)`+where+`
		ORDER BY e.starts_at, e.publication_id LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("feed events: %w", err)
	}
	var (
		out   []FeedEvent
		index = map[string]int{}
	)
	for rows.Next() {
		var (
			es   eventScan
			ps   pubScan
			body string
		)
		if err := rows.Scan(append(append(es.dest(), ps.dest()...), &body)...); err != nil {
			rows.Close()
			return nil, err
		}
		e, err := es.finish()
		if err != nil {
			rows.Close()
			return nil, err
		}
		p := ps.finish()
		p.BodyHTML = body
		index[e.PublicationID] = len(out)
		out = append(out, FeedEvent{Pub: p, Event: e})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	xrows, err := q.q.QueryContext(ctx, `SELECT x.event_id, x.original_start, x.kind, x.starts_at, x.ends_at
		FROM event_exceptions x JOIN events e ON e.publication_id = x.event_id
		JOIN publications p ON p.id = e.publication_id
		WHERE e.org_id = $1 AND p.state = 'published'`, orgID)
	if err != nil {
		return nil, fmt.Errorf("feed exceptions: %w", err)
	}
	defer xrows.Close()
	for xrows.Next() {
		var (
			x          model.EventException
			start, end sql.NullTime
		)
		if err := xrows.Scan(&x.EventID, &x.OriginalStart, &x.Kind, &start, &end); err != nil {
			return nil, err
		}
		if i, ok := index[x.EventID]; ok {
			x.OriginalStart, x.StartsAt, x.EndsAt = x.OriginalStart.UTC(), nullTime(start), nullTime(end)
			out[i].Exceptions = append(out[i].Exceptions, x)
		}
	}
	return out, xrows.Err()
}

// StaffEvents lists an organisation's events in any state: those not over
// yet (soonest first) or those over (latest first).
func (q *Queries) StaffEvents(ctx context.Context, orgID string, now time.Time, past bool, limit, offset int) ([]model.StaffEvent, error) {
	cond, order := "e.ends_at > $2 OR EXISTS (SELECT 1 FROM event_occurrences o WHERE o.event_id = e.publication_id AND o.ends_at > $2)", "e.starts_at"
	if past {
		cond, order = "NOT ("+cond+")", "e.starts_at DESC"
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+eventColumns+`, p.id, p.slug, p.title, p.state,
		COALESCE((SELECT SUM(r.seats) FROM event_registrations r WHERE r.event_id = e.publication_id AND r.status = 'confirmed'), 0),
		COALESCE((SELECT SUM(r.seats) FROM event_registrations r WHERE r.event_id = e.publication_id AND r.status = 'waiting'), 0)
		FROM `+eventFrom+` JOIN publications p ON p.id = e.publication_id
		WHERE e.org_id = $1 AND (`+cond+`) ORDER BY `+order+`, e.publication_id LIMIT $3 OFFSET $4`, orgID, now.UTC(), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("staff events: %w", err)
	}
	defer rows.Close()
	var out []model.StaffEvent
	for rows.Next() {
		var (
			s  model.StaffEvent
			es eventScan
		)
		if err := rows.Scan(append(es.dest(), &s.ID, &s.Slug, &s.Title, &s.State, &s.Taken, &s.Waiting)...); err != nil {
			return nil, err
		}
		if s.Event, err = es.finish(); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// EventsByIDs returns the organisation's events among ids, by id, in one
// query: the events among search results.
func (q *Queries) EventsByIDs(ctx context.Context, orgID string, ids []string) (map[string]model.Event, error) {
	out := map[string]model.Event{}
	if len(ids) == 0 {
		return out, nil
	}
	l, err := queryAll(ctx, q, scanEvent, `SELECT `+eventColumns+` FROM `+eventFrom+`
		WHERE e.org_id = $1 AND e.publication_id IN (`+placeholders(2, len(ids))+`)`, idArgs(orgID, ids)...)
	if err != nil {
		return nil, fmt.Errorf("events by ids: %w", err)
	}
	for _, e := range l {
		out[e.PublicationID] = e
	}
	return out, nil
}

// NextOccurrences returns, for each of the organisation's events ids, its
// first occurrence not cancelled and ending after from (events without
// one are absent), in one query.
func (q *Queries) NextOccurrences(ctx context.Context, orgID string, ids []string, from time.Time) (map[string]model.Occurrence, error) {
	out := map[string]model.Occurrence{}
	if len(ids) == 0 {
		return out, nil
	}
	args := append(idArgs(orgID, ids), from.UTC())
	at := "$" + strconv.Itoa(len(args))
	l, err := queryAll(ctx, q, func(r scanner) (model.Occurrence, error) { return scanOccurrence(r) },
		`SELECT `+occColumns+` FROM event_occurrences o
		WHERE o.org_id = $1 AND o.event_id IN (`+placeholders(2, len(ids))+`) AND o.cancelled = 0 AND o.ends_at > `+at+`
		AND o.starts_at = (SELECT MIN(o2.starts_at) FROM event_occurrences o2
			WHERE o2.event_id = o.event_id AND o2.cancelled = 0 AND o2.ends_at > `+at+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("next occurrences: %w", err)
	}
	for _, o := range l {
		if _, seen := out[o.EventID]; !seen {
			out[o.EventID] = o
		}
	}
	return out, nil
}

// idArgs is orgID then ids, the arguments of "org_id = $1 AND id IN (…)".
func idArgs(orgID string, ids []string) []any {
	args := make([]any, 0, len(ids)+1)
	args = append(args, orgID)
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}
