package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// ConsoleSettings returns an organisation's console settings, or
// model.ErrNotFound when it kept the defaults.
func (q *Queries) ConsoleSettings(ctx context.Context, orgID string) (model.ConsoleSettings, error) {
	var s model.ConsoleSettings
	var holidays int
	var words string
	err := q.q.QueryRowContext(ctx, `SELECT org_id, holidays, oncall_phone, oncall_email, urgent_words, legal_months,
		target_hours, hourly_cost_cents, updated_at FROM console_settings WHERE org_id=$1`, orgID).Scan(&s.OrgID, &holidays,
		&s.OnCallPhone, &s.OnCallEmail, &words, &s.LegalMonths, &s.TargetHours, &s.HourlyCostCents, &s.UpdatedAt)
	if err != nil {
		return s, fmt.Errorf("console settings: %w", translate(err))
	}
	s.Holidays = holidays != 0
	if words != "" {
		s.UrgentWords = strings.Split(words, "\n")
	}
	return s, nil
}

// PutConsoleSettings saves an organisation's console settings.
func (q *Queries) PutConsoleSettings(ctx context.Context, s model.ConsoleSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO console_settings (org_id, holidays, oncall_phone, oncall_email, urgent_words,
		legal_months, target_hours, hourly_cost_cents, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
		ON CONFLICT (org_id) DO UPDATE SET holidays=excluded.holidays, oncall_phone=excluded.oncall_phone,
		oncall_email=excluded.oncall_email, urgent_words=excluded.urgent_words, legal_months=excluded.legal_months,
		target_hours=excluded.target_hours, hourly_cost_cents=excluded.hourly_cost_cents, updated_at=excluded.updated_at`,
		s.OrgID, boolInt(s.Holidays), s.OnCallPhone, s.OnCallEmail, strings.Join(s.UrgentWords, "\n"), s.LegalMonths,
		s.TargetHours, s.HourlyCostCents, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save console settings: %w", translate(err))
	}
	return nil
}

// OfficeSpans returns an organisation's weekly opening spans, by weekday
// then start.
func (q *Queries) OfficeSpans(ctx context.Context, orgID string) ([]model.OfficeSpan, error) {
	return queryAll(ctx, q, func(r scanner) (model.OfficeSpan, error) {
		var s model.OfficeSpan
		var d int
		err := r.Scan(&d, &s.Start, &s.End)
		s.Weekday = time.Weekday(d)
		return s, err
	}, `SELECT weekday, start_min, end_min FROM office_hours WHERE org_id=$1 ORDER BY weekday, start_min`, orgID)
}

// ReplaceOfficeSpans replaces the whole weekly timetable.
func (q *Queries) ReplaceOfficeSpans(ctx context.Context, orgID string, spans []model.OfficeSpan) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM office_hours WHERE org_id=$1`, orgID); err != nil {
		return fmt.Errorf("clear office hours: %w", err)
	}
	for _, s := range spans {
		_, err := q.q.ExecContext(ctx, `INSERT INTO office_hours (org_id, weekday, start_min, end_min) VALUES ($1,$2,$3,$4)`,
			orgID, int(s.Weekday), s.Start, s.End)
		if err != nil {
			return fmt.Errorf("office hours: %w", translate(err))
		}
	}
	return nil
}

// OfficeClosures lists an organisation's closures ending on or after from
// (YYYY-MM-DD; "" for all), earliest first.
func (q *Queries) OfficeClosures(ctx context.Context, orgID, from string) ([]model.OfficeClosure, error) {
	return queryAll(ctx, q, func(r scanner) (model.OfficeClosure, error) {
		var c model.OfficeClosure
		return c, r.Scan(&c.ID, &c.OrgID, &c.StartsOn, &c.EndsOn, &c.Label)
	}, `SELECT id, org_id, starts_on, ends_on, label FROM office_closures WHERE org_id=$1 AND ends_on >= $2
		ORDER BY starts_on, id`, orgID, from)
}

// AddOfficeClosure records a closure.
func (q *Queries) AddOfficeClosure(ctx context.Context, c model.OfficeClosure, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO office_closures (id, org_id, starts_on, ends_on, label, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, c.ID, c.OrgID, c.StartsOn, c.EndsOn, c.Label, at)
	if err != nil {
		return fmt.Errorf("add closure: %w", translate(err))
	}
	return nil
}

// DeleteOfficeClosure removes an organisation's closure.
func (q *Queries) DeleteOfficeClosure(ctx context.Context, orgID, id string) error {
	return mustAffect(q.q.ExecContext(ctx, `DELETE FROM office_closures WHERE org_id=$1 AND id=$2`, orgID, id))
}

// CreateResidentRequest stores a request; a repeated form key is
// model.ErrConflict.
func (q *Queries) CreateResidentRequest(ctx context.Context, r model.ResidentRequest) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO resident_requests (id, org_id, account_id, name, email, body, publication_id,
		service_id, reference, idem_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		r.ID, r.OrgID, stringOrNil(r.AccountID), r.Name, r.Email, r.Body, stringOrNil(r.PublicationID),
		stringOrNil(r.ServiceID), r.Reference, r.IdemKey, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("create request: %w", translate(err))
	}
	return nil
}

const requestColumns = `id, org_id, COALESCE(account_id, ''), name, email, body, COALESCE(publication_id, ''),
	COALESCE(service_id, ''), reference, idem_key, created_at`

func scanRequest(r scanner) (model.ResidentRequest, error) {
	var x model.ResidentRequest
	err := r.Scan(&x.ID, &x.OrgID, &x.AccountID, &x.Name, &x.Email, &x.Body, &x.PublicationID, &x.ServiceID,
		&x.Reference, &x.IdemKey, &x.CreatedAt)
	x.CreatedAt = x.CreatedAt.UTC()
	return x, err
}

// ResidentRequestByID returns an organisation's request.
func (q *Queries) ResidentRequestByID(ctx context.Context, orgID, id string) (model.ResidentRequest, error) {
	r, err := scanRequest(q.q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM resident_requests WHERE org_id=$1 AND id=$2`, orgID, id))
	if err != nil {
		return r, fmt.Errorf("request %s: %w", id, translate(err))
	}
	return r, nil
}

// ResidentRequestByIdem returns the request made with that form key.
func (q *Queries) ResidentRequestByIdem(ctx context.Context, orgID, key string) (model.ResidentRequest, error) {
	r, err := scanRequest(q.q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM resident_requests WHERE org_id=$1 AND idem_key=$2`, orgID, key))
	if err != nil {
		return r, fmt.Errorf("request by key: %w", translate(err))
	}
	return r, nil
}

const inboxColumns = `i.id, i.org_id, i.kind, i.source_id, i.publication_id, i.author_name, i.excerpt,
	COALESCE(i.service_id, ''), COALESCE(s.name, ''), COALESCE(i.assignee_id, ''), COALESCE(a.display_name, ''), i.state,
	i.urgent, i.out_of_hours, i.received_at, i.due_at, i.legal_due_at, i.first_answer_at, i.first_answer_secs,
	i.closed_at, i.version, i.updated_at`

const inboxFrom = ` FROM inbox_items i LEFT JOIN services s ON s.id = i.service_id LEFT JOIN accounts a ON a.id = i.assignee_id `

func scanInbox(r scanner) (model.InboxItem, error) {
	var it model.InboxItem
	var urgent, ooh int
	var due, legal, first, closed sql.NullTime
	var secs sql.NullInt64
	err := r.Scan(&it.ID, &it.OrgID, &it.Kind, &it.SourceID, &it.PublicationID, &it.AuthorName, &it.Excerpt,
		&it.ServiceID, &it.ServiceName, &it.AssigneeID, &it.AssigneeName, &it.State, &urgent, &ooh, &it.ReceivedAt,
		&due, &legal, &first, &secs, &closed, &it.Version, &it.UpdatedAt)
	it.Urgent, it.OutOfHours = urgent != 0, ooh != 0
	it.DueAt, it.LegalDueAt, it.FirstAnswerAt, it.ClosedAt = nullTime(due), nullTime(legal), nullTime(first), nullTime(closed)
	if secs.Valid {
		d := time.Duration(secs.Int64) * time.Second
		it.FirstAnswerOpen = &d
	}
	it.ReceivedAt, it.UpdatedAt = it.ReceivedAt.UTC(), it.UpdatedAt.UTC()
	return it, err
}

func secsOrNil(d *time.Duration) any {
	if d == nil {
		return nil
	}
	return int64(*d / time.Second)
}

// CreateInboxItem inserts an item; an item of the same kind and source
// already there is model.ErrConflict.
func (q *Queries) CreateInboxItem(ctx context.Context, it model.InboxItem) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_items (id, org_id, kind, source_id, publication_id, author_name, excerpt,
		service_id, assignee_id, state, open, urgent, out_of_hours, received_at, due_at, legal_due_at, version, updated_at, search_text)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
		it.ID, it.OrgID, it.Kind, it.SourceID, it.PublicationID, it.AuthorName, it.Excerpt, stringOrNil(it.ServiceID),
		stringOrNil(it.AssigneeID), it.State, boolInt(it.State.Open()), boolInt(it.Urgent), boolInt(it.OutOfHours),
		it.ReceivedAt, timeOrNil(it.DueAt), timeOrNil(it.LegalDueAt), 1, it.UpdatedAt, strings.ToLower(it.AuthorName+" "+it.Excerpt))
	if err != nil {
		return fmt.Errorf("create inbox item: %w", translate(err))
	}
	return nil
}

// InboxItemByID returns an organisation's item.
func (q *Queries) InboxItemByID(ctx context.Context, orgID, id string) (model.InboxItem, error) {
	it, err := scanInbox(q.q.QueryRowContext(ctx, `SELECT `+inboxColumns+inboxFrom+`WHERE i.org_id=$1 AND i.id=$2`, orgID, id))
	if err != nil {
		return it, fmt.Errorf("inbox item %s: %w", id, translate(err))
	}
	return it, nil
}

// InboxItemBySource returns the item of that kind made from a source.
func (q *Queries) InboxItemBySource(ctx context.Context, orgID string, kind model.InboxKind, sourceID string) (model.InboxItem, error) {
	it, err := scanInbox(q.q.QueryRowContext(ctx, `SELECT `+inboxColumns+inboxFrom+
		`WHERE i.org_id=$1 AND i.kind=$2 AND i.source_id=$3`, orgID, kind, sourceID))
	if err != nil {
		return it, fmt.Errorf("inbox item for %s %s: %w", kind, sourceID, translate(err))
	}
	return it, nil
}

// InboxItemsOfSource returns every item made from a source (a comment may be
// a question, then reported…).
func (q *Queries) InboxItemsOfSource(ctx context.Context, orgID, sourceID string) ([]model.InboxItem, error) {
	return queryAll(ctx, q, scanInbox, `SELECT `+inboxColumns+inboxFrom+`WHERE i.source_id=$1 AND i.org_id=$2`, sourceID, orgID)
}

// UpdateInboxItem saves an item's mutable fields if its version is still
// version (optimistic concurrency); otherwise it is model.ErrConflict.
func (q *Queries) UpdateInboxItem(ctx context.Context, it model.InboxItem, version int) error {
	res, err := q.q.ExecContext(ctx, `UPDATE inbox_items SET service_id=$1, assignee_id=$2, state=$3, open=$4, urgent=$5,
		due_at=$6, legal_due_at=$7, first_answer_at=$8, first_answer_secs=$9, closed_at=$10, version=version+1, updated_at=$11
		WHERE id=$12 AND org_id=$13 AND version=$14`,
		stringOrNil(it.ServiceID), stringOrNil(it.AssigneeID), it.State, boolInt(it.State.Open()), boolInt(it.Urgent),
		timeOrNil(it.DueAt), timeOrNil(it.LegalDueAt), timeOrNil(it.FirstAnswerAt), secsOrNil(it.FirstAnswerOpen),
		timeOrNil(it.ClosedAt), it.UpdatedAt, it.ID, it.OrgID, version)
	if err != nil {
		return fmt.Errorf("update inbox item: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("inbox item %s changed since version %d: %w", it.ID, version, model.ErrConflict)
	}
	return nil
}

// EditInboxItemText shows an item's source as its author changed it:
// it.Excerpt becomes the excerpt and the text searched, and it.Urgent only
// ever turns the flag on. The version stays: the item's state and
// assignment did not change, so what staff are doing with it stays valid.
func (q *Queries) EditInboxItemText(ctx context.Context, it model.InboxItem, at time.Time) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE inbox_items SET excerpt=$1, search_text=$2,
		urgent=CASE WHEN $3 = 1 THEN 1 ELSE urgent END, updated_at=$4 WHERE id=$5 AND org_id=$6`,
		it.Excerpt, strings.ToLower(it.AuthorName+" "+it.Excerpt), boolInt(it.Urgent), at, it.ID, it.OrgID))
}

// inboxWhere is the WHERE clause and arguments of an inbox filter.
func inboxWhere(f model.InboxFilter) (string, []any) {
	conds := []string{"i.org_id=$1"}
	args := []any{f.OrgID}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Open {
		add("i.open=?", 1)
	}
	if f.State != "" {
		add("i.state=?", string(f.State))
	}
	if f.Kind != "" {
		add("i.kind=?", string(f.Kind))
	}
	switch f.ServiceID {
	case "":
	case "-":
		conds = append(conds, "i.service_id IS NULL")
	default:
		add("i.service_id=?", f.ServiceID)
	}
	if f.AssigneeID != "" {
		add("i.assignee_id=?", f.AssigneeID)
	}
	if f.Visible != nil {
		args = append(args, f.Visible.AccountID)
		or := []string{fmt.Sprintf("i.assignee_id=$%d", len(args))}
		for _, s := range f.Visible.ServiceIDs {
			args = append(args, s)
			or = append(or, fmt.Sprintf("i.service_id=$%d", len(args)))
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q))
		args = append(args, "%"+q+"%")
		conds = append(conds, fmt.Sprintf(`i.search_text LIKE $%d ESCAPE '\'`, len(args)))
	}
	return strings.Join(conds, " AND "), args
}

// ListInbox returns one page of items matching f.
func (q *Queries) ListInbox(ctx context.Context, f model.InboxFilter) ([]model.InboxItem, error) {
	where, args := inboxWhere(f)
	order := "i.urgent DESC, i.received_at DESC, i.id DESC"
	switch f.Sort {
	case "newest":
		order = "i.received_at DESC, i.id DESC"
	case "oldest":
		order = "i.received_at, i.id"
	case "due":
		order = "CASE WHEN i.due_at IS NULL THEN 1 ELSE 0 END, i.due_at, i.received_at"
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	return queryAll(ctx, q, scanInbox, fmt.Sprintf(`SELECT `+inboxColumns+inboxFrom+`WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d`,
		where, order, len(args)-1, len(args)), args...)
}

// CountInbox counts the items matching f (ignoring Limit and Offset).
func (q *Queries) CountInbox(ctx context.Context, f model.InboxFilter) (int, error) {
	where, args := inboxWhere(f)
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_items i WHERE `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count inbox: %w", err)
	}
	return n, nil
}

// AddInboxEvent appends to an item's history.
func (q *Queries) AddInboxEvent(ctx context.Context, e model.InboxEvent) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_events (id, item_id, org_id, actor_id, kind, detail, body, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, e.ID, e.ItemID, e.OrgID, e.ActorID, e.Kind, e.Detail, e.Body, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("inbox event: %w", translate(err))
	}
	return nil
}

// InboxEvents returns an item's history, oldest first, with actors' names.
func (q *Queries) InboxEvents(ctx context.Context, orgID, itemID string) ([]model.InboxEvent, error) {
	return queryAll(ctx, q, func(r scanner) (model.InboxEvent, error) {
		var e model.InboxEvent
		err := r.Scan(&e.ID, &e.ItemID, &e.OrgID, &e.ActorID, &e.ActorName, &e.Kind, &e.Detail, &e.Body, &e.CreatedAt)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	}, `SELECT e.id, e.item_id, e.org_id, e.actor_id, COALESCE(a.display_name, ''), e.kind, e.detail, e.body, e.created_at
		FROM inbox_events e LEFT JOIN accounts a ON a.id = e.actor_id
		WHERE e.org_id=$1 AND e.item_id=$2 ORDER BY e.created_at, e.id`, orgID, itemID)
}

// RoutingRules lists an organisation's rules in order.
func (q *Queries) RoutingRules(ctx context.Context, orgID string) ([]model.RoutingRule, error) {
	return queryAll(ctx, q, func(r scanner) (model.RoutingRule, error) {
		var x model.RoutingRule
		err := r.Scan(&x.ID, &x.OrgID, &x.Kind, &x.Value, &x.ServiceID, &x.ServiceName, &x.Position, &x.CreatedAt)
		return x, err
	}, `SELECT r.id, r.org_id, r.kind, r.value, r.service_id, s.name, r.position, r.created_at
		FROM routing_rules r JOIN services s ON s.id = r.service_id WHERE r.org_id=$1 ORDER BY r.position, r.id`, orgID)
}

// CreateRoutingRule appends a rule after the others.
func (q *Queries) CreateRoutingRule(ctx context.Context, r model.RoutingRule) error {
	if err := q.serviceInOrg(ctx, r.OrgID, r.ServiceID); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO routing_rules (id, org_id, kind, value, service_id, position, created_at)
		VALUES ($1,$2,$3,$4,$5,(SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rules WHERE org_id=$2),$6)`,
		r.ID, r.OrgID, r.Kind, r.Value, r.ServiceID, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("create routing rule: %w", translate(err))
	}
	return nil
}

// DeleteRoutingRule removes an organisation's rule.
func (q *Queries) DeleteRoutingRule(ctx context.Context, orgID, id string) error {
	return mustAffect(q.q.ExecContext(ctx, `DELETE FROM routing_rules WHERE org_id=$1 AND id=$2`, orgID, id))
}

const replyColumns = `r.id, r.org_id, COALESCE(r.service_id, ''), COALESCE(s.name, ''), r.title, r.body, r.created_at, r.updated_at`

func scanReply(r scanner) (model.SavedReply, error) {
	var x model.SavedReply
	err := r.Scan(&x.ID, &x.OrgID, &x.ServiceID, &x.ServiceName, &x.Title, &x.Body, &x.CreatedAt, &x.UpdatedAt)
	return x, err
}

// SavedReplies lists an organisation's saved replies (its own and every
// service's), by title.
func (q *Queries) SavedReplies(ctx context.Context, orgID string) ([]model.SavedReply, error) {
	return queryAll(ctx, q, scanReply, `SELECT `+replyColumns+` FROM saved_replies r LEFT JOIN services s ON s.id = r.service_id
		WHERE r.org_id=$1 ORDER BY r.title, r.id`, orgID)
}

// SavedReplyByID returns an organisation's saved reply.
func (q *Queries) SavedReplyByID(ctx context.Context, orgID, id string) (model.SavedReply, error) {
	r, err := scanReply(q.q.QueryRowContext(ctx, `SELECT `+replyColumns+` FROM saved_replies r LEFT JOIN services s ON s.id = r.service_id
		WHERE r.org_id=$1 AND r.id=$2`, orgID, id))
	if err != nil {
		return r, fmt.Errorf("saved reply %s: %w", id, translate(err))
	}
	return r, nil
}

// PutSavedReply creates or updates a saved reply.
func (q *Queries) PutSavedReply(ctx context.Context, r model.SavedReply) error {
	if r.ServiceID != "" {
		if err := q.serviceInOrg(ctx, r.OrgID, r.ServiceID); err != nil {
			return err
		}
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO saved_replies (id, org_id, service_id, title, body, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET service_id=excluded.service_id, title=excluded.title,
		body=excluded.body, updated_at=excluded.updated_at WHERE saved_replies.org_id=excluded.org_id`,
		r.ID, r.OrgID, stringOrNil(r.ServiceID), r.Title, r.Body, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save reply: %w", translate(err))
	}
	return nil
}

// DeleteSavedReply removes an organisation's saved reply.
func (q *Queries) DeleteSavedReply(ctx context.Context, orgID, id string) error {
	return mustAffect(q.q.ExecContext(ctx, `DELETE FROM saved_replies WHERE org_id=$1 AND id=$2`, orgID, id))
}

// RecordActivity notes that a staff member was active in the staff area of
// the organisation during that minute (idempotent).
func (q *Queries) RecordActivity(ctx context.Context, orgID, accountID string, minute time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO staff_activity (org_id, account_id, minute) VALUES ($1,$2,$3)
		ON CONFLICT (org_id, account_id, minute) DO NOTHING`, orgID, accountID, minute.UTC().Truncate(time.Minute))
	if err != nil {
		return fmt.Errorf("record activity: %w", translate(err))
	}
	return nil
}

// ActivityMinutes returns the active minutes of the organisation's staff in
// [from, to), as instants (one per person and minute).
func (q *Queries) ActivityMinutes(ctx context.Context, orgID string, from, to time.Time) ([]time.Time, error) {
	return queryAll(ctx, q, func(r scanner) (time.Time, error) {
		var t time.Time
		err := r.Scan(&t)
		return t.UTC(), err
	}, `SELECT minute FROM staff_activity WHERE org_id=$1 AND minute >= $2 AND minute < $3 ORDER BY minute`, orgID, from, to)
}

// InboxStat is what the figures need of an item.
type InboxStat struct {
	Kind          model.InboxKind
	ServiceID     string
	ReceivedAt    time.Time
	FirstAnswerAt *time.Time
	Open          *time.Duration
	ClosedAt      *time.Time
}

// InboxStats returns the items alive during [from, to): received before to
// and neither answered nor closed before from. One query, for the figures.
func (q *Queries) InboxStats(ctx context.Context, orgID string, from, to time.Time) ([]InboxStat, error) {
	return queryAll(ctx, q, func(r scanner) (InboxStat, error) {
		var s InboxStat
		var first, closed sql.NullTime
		var secs sql.NullInt64
		err := r.Scan(&s.Kind, &s.ServiceID, &s.ReceivedAt, &first, &secs, &closed)
		s.ReceivedAt = s.ReceivedAt.UTC()
		s.FirstAnswerAt, s.ClosedAt = nullTime(first), nullTime(closed)
		if secs.Valid {
			d := time.Duration(secs.Int64) * time.Second
			s.Open = &d
		}
		return s, err
	}, `SELECT kind, COALESCE(service_id, ''), received_at, first_answer_at, first_answer_secs, closed_at FROM inbox_items
		WHERE org_id=$1 AND received_at < $3 AND (first_answer_at IS NULL OR first_answer_at >= $2)
		AND (closed_at IS NULL OR closed_at >= $2)`, orgID, from, to)
}

// FirstAnswerTimes returns the open-hours response times of items first
// answered since since.
func (q *Queries) FirstAnswerTimes(ctx context.Context, orgID string, since time.Time) ([]time.Duration, error) {
	return queryAll(ctx, q, func(r scanner) (time.Duration, error) {
		var s int64
		err := r.Scan(&s)
		return time.Duration(s) * time.Second, err
	}, `SELECT first_answer_secs FROM inbox_items WHERE org_id=$1 AND first_answer_at >= $2 AND first_answer_secs IS NOT NULL`,
		orgID, since)
}

// OrgsWithOverdue lists the organisations having open items past their due time.
func (q *Queries) OrgsWithOverdue(ctx context.Context, now time.Time) ([]string, error) {
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT DISTINCT org_id FROM inbox_items WHERE open=1 AND due_at < $1 ORDER BY org_id`, now)
}

// Overdue lists an organisation's open items past their due time, most overdue first.
func (q *Queries) Overdue(ctx context.Context, orgID string, now time.Time, limit int) ([]model.InboxItem, error) {
	return queryAll(ctx, q, scanInbox, `SELECT `+inboxColumns+inboxFrom+`WHERE i.org_id=$1 AND i.open=1 AND i.due_at < $2
		ORDER BY i.due_at, i.id LIMIT $3`, orgID, now, limit)
}

// MarkDigestSent records the day's digest; false when it was sent already.
func (q *Queries) MarkDigestSent(ctx context.Context, orgID, day string, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO console_digests (org_id, day, sent_at) VALUES ($1,$2,$3)
		ON CONFLICT (org_id, day) DO NOTHING`, orgID, day, at)
	if err != nil {
		return false, fmt.Errorf("digest: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Managers lists the administrators and managers of an organisation, for
// e-mails that must reach someone in charge.
func (q *Queries) Managers(ctx context.Context, orgID string) ([]RoutedAgent, error) {
	return queryAll(ctx, q, func(r scanner) (RoutedAgent, error) {
		var a RoutedAgent
		var pref int
		err := r.Scan(&a.AccountID, &a.Email, &a.Locale, &a.DisplayName, &pref)
		a.EmailRouted = pref != 0
		return a, err
	}, `SELECT a.id, a.email, a.locale, a.display_name, COALESCE(sp.email_routed, 0) FROM memberships m
		JOIN accounts a ON a.id = m.account_id
		LEFT JOIN staff_preferences sp ON sp.account_id = m.account_id AND sp.org_id = m.org_id
		WHERE m.org_id=$1 AND m.role IN ('admin', 'manager') ORDER BY a.id`, orgID)
}

// PublicationTaxonomy returns a publication's topic and neighbourhood ids.
func (q *Queries) PublicationTaxonomy(ctx context.Context, publicationID string) (topics, places []string, err error) {
	ids := func(query string) ([]string, error) {
		return queryAll(ctx, q, func(r scanner) (string, error) {
			var s string
			return s, r.Scan(&s)
		}, query, publicationID)
	}
	if topics, err = ids(`SELECT topic_id FROM publication_topics WHERE publication_id=$1 ORDER BY topic_id`); err != nil {
		return nil, nil, err
	}
	places, err = ids(`SELECT neighbourhood_id FROM publication_neighbourhoods WHERE publication_id=$1 ORDER BY neighbourhood_id`)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return topics, places, err
}

// ActiveStaff counts the people with activity in [from, to).
func (q *Queries) ActiveStaff(ctx context.Context, orgID string, from, to time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT account_id) FROM staff_activity WHERE org_id=$1 AND minute >= $2 AND minute < $3`,
		orgID, from, to).Scan(&n)
	return n, err
}

// OrgFollowers counts the distinct people following an organisation, by
// channel: confirmed e-mail subscribers (with or without an account: an
// account-holder follows through the same subscribers row), and distinct
// Fediverse accounts following the organisation's actor or any of its
// topics' actors (one remote account following three topics counts once).
func (q *Queries) OrgFollowers(ctx context.Context, orgID string) (email, fediverse int, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscribers s WHERE s.status = 'active' AND (
			EXISTS (SELECT 1 FROM subscriber_orgs so WHERE so.subscriber_id = s.id AND so.org_id = $1)
			OR EXISTS (SELECT 1 FROM subscriber_follows f WHERE f.subscriber_id = s.id AND f.org_id = $1))`, orgID).Scan(&email)
	if err != nil {
		return 0, 0, fmt.Errorf("count e-mail followers: %w", err)
	}
	err = q.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT f.remote_actor) FROM fed_followers f
		JOIN fed_actors a ON a.id = f.actor_id LEFT JOIN topics t ON t.id = a.topic_id
		WHERE a.org_id = $1 OR t.org_id = $1`, orgID).Scan(&fediverse)
	if err != nil {
		return 0, 0, fmt.Errorf("count Fediverse followers: %w", err)
	}
	return email, fediverse, nil
}
