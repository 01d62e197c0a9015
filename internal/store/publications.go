package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Staff-side publication queries. Every one is scoped by organisation: an id
// from another organisation is simply not found. The public pages have their
// own read queries (public*.go).

func (q *Queries) pubColumns() string {
	return `p.id, p.org_id, p.kind, p.slug, p.title, p.summary, p.body_md, p.body_html, p.state,
	p.author_id, p.revision, p.alert_level, p.alert_ends_at, p.job_title, p.job_grade, p.job_category,
	p.job_filiere, p.job_contract, p.job_time, p.job_place, p.job_closes_at, p.job_apply, p.image_id,
	p.created_at, p.updated_at, p.submitted_at, p.approved_at, p.approved_by, p.scheduled_at,
	p.published_at, p.republished_at, p.unpublished_at,
	(SELECT ` + q.groupConcat("pt.topic_id") + ` FROM publication_topics pt WHERE pt.publication_id = p.id),
	(SELECT ` + q.groupConcat("pn.neighbourhood_id") + ` FROM publication_neighbourhoods pn WHERE pn.publication_id = p.id)`
}

func scanPublication(row scanner) (model.Publication, error) {
	var (
		p                                                 model.Publication
		alertEnds, closes, submitted, approved, scheduled sql.NullTime
		published, republished, unpublished               sql.NullTime
		topics, neighbourhoods                            sql.NullString
	)
	err := row.Scan(&p.ID, &p.OrgID, &p.Kind, &p.Slug, &p.Title, &p.Summary, &p.BodyMD, &p.BodyHTML, &p.State,
		&p.AuthorID, &p.Revision, &p.AlertLevel, &alertEnds, &p.Job.Title, &p.Job.Grade, &p.Job.Category,
		&p.Job.Filiere, &p.Job.Contract, &p.Job.Time, &p.Job.Place, &closes, &p.Job.HowToApply, &p.ImageID,
		&p.CreatedAt, &p.UpdatedAt, &submitted, &approved, &p.ApprovedBy, &scheduled,
		&published, &republished, &unpublished, &topics, &neighbourhoods)
	if err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.AlertEndsAt, p.Job.ClosesAt = nullTime(alertEnds), nullTime(closes)
	p.SubmittedAt, p.ApprovedAt, p.ScheduledAt = nullTime(submitted), nullTime(approved), nullTime(scheduled)
	p.PublishedAt, p.RepublishedAt, p.UnpublishedAt = nullTime(published), nullTime(republished), nullTime(unpublished)
	p.TopicIDs, p.NeighbourhoodIDs = splitIDs(topics), splitIDs(neighbourhoods)
	return p, nil
}

// splitIDs turns a group_concat result into a sorted-as-stored slice; nil when empty.
func splitIDs(s sql.NullString) []string {
	if !s.Valid || s.String == "" {
		return nil
	}
	return strings.Split(s.String, ",")
}

// revisionFields is what a revision keeps beyond title, summary and body,
// stored as JSON in publication_revisions.fields so kinds can grow fields
// without a migration of the archive.
type revisionFields struct {
	AlertLevel  model.AlertLevel `json:"alert_level,omitempty"`
	AlertEndsAt *time.Time       `json:"alert_ends_at,omitempty"`
	Job         *model.JobOffer  `json:"job,omitempty"`
}

func (q *Queries) insertRevision(ctx context.Context, id string, p model.Publication, authorID string, at time.Time) error {
	f := revisionFields{AlertLevel: p.AlertLevel, AlertEndsAt: p.AlertEndsAt}
	if p.Job != (model.JobOffer{}) {
		job := p.Job
		f.Job = &job
	}
	fields, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO publication_revisions
		(id, publication_id, revision, title, summary, body_md, fields, author_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		id, p.ID, p.Revision, p.Title, p.Summary, p.BodyMD, string(fields), authorID, at)
	if err != nil {
		return fmt.Errorf("insert revision %d of %s: %w", p.Revision, p.ID, translate(err))
	}
	return q.ChainAppend(ctx, "publication_revision", id, at)
}

// CreatePublication inserts p (its Revision is set to 1) and its first
// revision row, whose id is revisionID. Run it in a transaction. A slug taken
// in the organisation is model.ErrConflict.
func (q *Queries) CreatePublication(ctx context.Context, p model.Publication, revisionID string) error {
	p.Revision = 1
	_, err := q.q.ExecContext(ctx, `INSERT INTO publications (id, org_id, kind, slug, title, summary, body_md,
		body_html, state, author_id, revision, alert_level, alert_ends_at, job_title, job_grade, job_category,
		job_filiere, job_contract, job_time, job_place, job_closes_at, job_apply, image_id, created_at, updated_at,
		published_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26)`,
		p.ID, p.OrgID, p.Kind, p.Slug, p.Title, p.Summary, p.BodyMD, p.BodyHTML, p.State, p.AuthorID, p.Revision,
		p.AlertLevel, timeOrNil(p.AlertEndsAt), p.Job.Title, p.Job.Grade, p.Job.Category, p.Job.Filiere,
		p.Job.Contract, p.Job.Time, p.Job.Place, timeOrNil(p.Job.ClosesAt), p.Job.HowToApply, p.ImageID,
		p.CreatedAt, p.UpdatedAt, publishedAt(p))
	if err != nil {
		return fmt.Errorf("create publication %q: %w", p.Slug, translate(err))
	}
	return q.insertRevision(ctx, revisionID, p, p.AuthorID, p.CreatedAt)
}

// publishedAt is the publication date to store for a new publication: the
// one given, or its creation time when it is created already published (an
// import, the demo), so that it shows a date, sorts, and enters the sitemap
// and search like any other.
func publishedAt(p model.Publication) any {
	if p.PublishedAt == nil && p.State == model.StatePublished {
		return p.CreatedAt
	}
	return timeOrNil(p.PublishedAt)
}

// UpdatePublicationContent saves new content for p (identified by p.OrgID and
// p.ID) as a new revision by authorID at p.UpdatedAt, and returns the new
// revision number. When the publication is already published, the change is
// live and republished_at records it ("mis à jour le…"). The slug, state and
// author never change here. Run it in a transaction.
func (q *Queries) UpdatePublicationContent(ctx context.Context, p model.Publication, revisionID, authorID string) (int, error) {
	var rev int
	err := q.q.QueryRowContext(ctx, `UPDATE publications SET title=$3, summary=$4, body_md=$5, body_html=$6,
		alert_level=$7, alert_ends_at=$8, job_title=$9, job_grade=$10, job_category=$11, job_filiere=$12,
		job_contract=$13, job_time=$14, job_place=$15, job_closes_at=$16, job_apply=$17, image_id=$18,
		updated_at=$19, revision = revision + 1,
		republished_at = CASE WHEN state = 'published' THEN $19 ELSE republished_at END
		WHERE org_id=$1 AND id=$2 RETURNING revision`,
		p.OrgID, p.ID, p.Title, p.Summary, p.BodyMD, p.BodyHTML, p.AlertLevel, timeOrNil(p.AlertEndsAt),
		p.Job.Title, p.Job.Grade, p.Job.Category, p.Job.Filiere, p.Job.Contract, p.Job.Time, p.Job.Place,
		timeOrNil(p.Job.ClosesAt), p.Job.HowToApply, p.ImageID, p.UpdatedAt).Scan(&rev)
	if err != nil {
		return 0, fmt.Errorf("update publication %s: %w", p.ID, translate(err))
	}
	p.Revision = rev
	if err := q.insertRevision(ctx, revisionID, p, authorID, p.UpdatedAt); err != nil {
		return 0, err
	}
	return rev, nil
}

// SetPublicationImage changes only the illustration, without a new revision
// (the picture is not part of the archived text).
func (q *Queries) SetPublicationImage(ctx context.Context, orgID, id, mediaID string) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE publications SET image_id=$3 WHERE org_id=$1 AND id=$2`, orgID, id, mediaID))
	if err != nil {
		return fmt.Errorf("set image of %s: %w", id, err)
	}
	return nil
}

// PublicationByID returns an organisation's publication, whatever its state.
func (q *Queries) PublicationByID(ctx context.Context, orgID, id string) (model.Publication, error) {
	p, err := scanPublication(q.q.QueryRowContext(ctx,
		`SELECT `+q.pubColumns()+` FROM publications p WHERE p.org_id=$1 AND p.id=$2`, orgID, id))
	if err != nil {
		return p, fmt.Errorf("publication %s: %w", id, translate(err))
	}
	return p, nil
}

// PublicationForUpdate is PublicationByID that, inside a transaction, locks
// the row until commit on PostgreSQL (SQLite transactions here take the write
// lock when they begin, _txlock=immediate).
func (q *Queries) PublicationForUpdate(ctx context.Context, orgID, id string) (model.Publication, error) {
	lock := ""
	if q.engine == Postgres {
		lock = " FOR UPDATE OF p"
	}
	p, err := scanPublication(q.q.QueryRowContext(ctx,
		`SELECT `+q.pubColumns()+` FROM publications p WHERE p.org_id=$1 AND p.id=$2`+lock, orgID, id))
	if err != nil {
		return p, fmt.Errorf("publication %s: %w", id, translate(err))
	}
	return p, nil
}

// PublishedPublication returns the organisation's publication slug if it
// is published (not found otherwise): what public pages and federation may
// show.
func (q *Queries) PublishedPublication(ctx context.Context, orgID, slug string) (model.Publication, error) {
	p, err := q.PublicationBySlug(ctx, orgID, slug)
	if err == nil && p.State != model.StatePublished {
		return model.Publication{}, model.ErrNotFound
	}
	return p, err
}

// PublicationBySlug returns an organisation's publication by slug, whatever its state.
func (q *Queries) PublicationBySlug(ctx context.Context, orgID, slug string) (model.Publication, error) {
	p, err := scanPublication(q.q.QueryRowContext(ctx,
		`SELECT `+q.pubColumns()+` FROM publications p WHERE p.org_id=$1 AND p.slug=$2`, orgID, slug))
	if err != nil {
		return p, fmt.Errorf("publication %q: %w", slug, translate(err))
	}
	return p, nil
}

// SlugTaken reports whether slug is used by a publication of the organisation.
func (q *Queries) SlugTaken(ctx context.Context, orgID, slug string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM publications WHERE org_id=$1 AND slug=$2`, orgID, slug).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("slug %q: %w", slug, err)
	}
	return n > 0, nil
}

// StateChange moves a publication from one state to another.
type StateChange struct {
	model.PubTransition
	// ScheduledAt is the publication time when To is scheduled.
	ScheduledAt *time.Time
}

// SetPublicationState moves the publication from c.From to c.To, stamps the
// matching date and records the transition. It is a compare-and-set: when
// the publication is no longer in c.From (a concurrent or repeated request)
// nothing changes and model.ErrConflict is returned; model.ErrNotFound when
// the organisation has no such publication. Run it in a transaction.
func (q *Queries) SetPublicationState(ctx context.Context, c StateChange) error {
	at := c.CreatedAt
	// PostgreSQL refuses a bound parameter the statement does not use, so
	// each case appends exactly what its SET clause references.
	var set string
	args := []any{c.OrgID, c.PublicationID, c.From, c.To}
	switch c.To {
	case model.StateDraft:
		// Sent back or withdrawn: a later submission needs a fresh approval.
		set = `approved_at = NULL, approved_by = '', scheduled_at = NULL`
	case model.StateSubmitted:
		set = `submitted_at = $5, approved_at = NULL, approved_by = ''`
		args = append(args, at)
	case model.StateApproved:
		if c.From == model.StateScheduled {
			// Unscheduled: the approval it had still stands.
			set = `scheduled_at = NULL`
			break
		}
		set = `approved_at = $5, approved_by = $6, scheduled_at = NULL`
		args = append(args, at, c.ActorID)
	case model.StateScheduled:
		if c.ScheduledAt == nil {
			return fmt.Errorf("schedule %s: %w: no time", c.PublicationID, model.ErrInvalid)
		}
		set = `scheduled_at = $5`
		args = append(args, c.ScheduledAt.UTC())
	case model.StatePublished:
		// The first publication date is the public one; a re-publication
		// after withdrawal shows as an update.
		set = `published_at = COALESCE(published_at, $5),
			republished_at = CASE WHEN published_at IS NULL THEN republished_at ELSE $5 END,
			unpublished_at = NULL`
		args = append(args, at)
	case model.StateUnpublished:
		set = `unpublished_at = $5, scheduled_at = NULL`
		args = append(args, at)
	default:
		return fmt.Errorf("state %q: %w", c.To, model.ErrInvalid)
	}
	res, err := q.q.ExecContext(ctx, `UPDATE publications SET state = $4, `+set+`
		WHERE org_id = $1 AND id = $2 AND state = $3`, args...)
	if err := mustAffect(res, err); err != nil {
		if !errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("set state of %s: %w", c.PublicationID, err)
		}
		var state string
		err := q.q.QueryRowContext(ctx, `SELECT state FROM publications WHERE org_id=$1 AND id=$2`,
			c.OrgID, c.PublicationID).Scan(&state)
		if err != nil {
			return fmt.Errorf("publication %s: %w", c.PublicationID, translate(err))
		}
		return fmt.Errorf("publication %s is %s, not %s: %w", c.PublicationID, state, c.From, model.ErrConflict)
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO publication_transitions
		(id, publication_id, org_id, from_state, to_state, actor_id, comment, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		c.ID, c.PublicationID, c.OrgID, c.From, c.To, c.ActorID, c.Comment, at)
	if err != nil {
		return fmt.Errorf("record transition of %s: %w", c.PublicationID, translate(err))
	}
	return q.ChainAppend(ctx, "publication_transition", c.ID, at)
}

// SetPublicationTopics replaces the publication's topics. A topic of another
// organisation is refused with model.ErrNotFound (and, in a transaction,
// nothing changes). Run it in a transaction.
func (q *Queries) SetPublicationTopics(ctx context.Context, orgID, pubID string, topicIDs []string) error {
	return q.setTags(ctx, orgID, pubID, topicIDs, "publication_topics", "topic_id", "topics")
}

// SetPublicationNeighbourhoods replaces the publication's neighbourhoods, with
// the same rules as SetPublicationTopics.
func (q *Queries) SetPublicationNeighbourhoods(ctx context.Context, orgID, pubID string, ids []string) error {
	return q.setTags(ctx, orgID, pubID, ids, "publication_neighbourhoods", "neighbourhood_id", "neighbourhoods")
}

// setTags is shared by topics and neighbourhoods; table names are constants
// from the two callers above, never input.
func (q *Queries) setTags(ctx context.Context, orgID, pubID string, ids []string, joinTable, col, tagTable string) error {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM publications WHERE org_id=$1 AND id=$2`, orgID, pubID).Scan(&n); err != nil {
		return fmt.Errorf("publication %s: %w", pubID, err)
	}
	if n == 0 {
		return fmt.Errorf("publication %s: %w", pubID, model.ErrNotFound)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM `+joinTable+` WHERE publication_id=$1`, pubID); err != nil {
		return fmt.Errorf("clear %s: %w", tagTable, err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		// The SELECT proves the tag belongs to this organisation.
		res, err := q.q.ExecContext(ctx, `INSERT INTO `+joinTable+` (publication_id, `+col+`)
			SELECT $1, id FROM `+tagTable+` WHERE id=$2 AND org_id=$3`, pubID, id, orgID)
		if err := mustAffect(res, err); err != nil {
			return fmt.Errorf("%s %s: %w", tagTable, id, err)
		}
	}
	return nil
}

// ListPublications returns one page of an organisation's publications, most
// recently changed first, and how many match in all.
func (q *Queries) ListPublications(ctx context.Context, f model.PubFilter) ([]model.Publication, int, error) {
	where := []string{"p.org_id = $1"}
	args := []any{f.OrgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.State != "" {
		add("p.state = $%d", f.State)
	}
	if f.Kind != "" {
		add("p.kind = $%d", f.Kind)
	}
	if f.AuthorID != "" {
		add("p.author_id = $%d", f.AuthorID)
	}
	if f.TopicID != "" {
		add("EXISTS (SELECT 1 FROM publication_topics t WHERE t.publication_id = p.id AND t.topic_id = $%d)", f.TopicID)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM publications p WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count publications: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit, max(f.Offset, 0))
	list, err := q.queryPublications(ctx, `SELECT `+q.pubColumns()+` FROM publications p WHERE `+cond+
		fmt.Sprintf(` ORDER BY p.updated_at DESC, p.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	return list, total, err
}

func (q *Queries) queryPublications(ctx context.Context, query string, args ...any) ([]model.Publication, error) {
	return queryAll(ctx, q, scanPublication, query, args...)
}

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, q *Queries, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// DueScheduled lists scheduled publications (of every organisation) whose
// time has come, oldest first: a safety net behind the per-publication jobs.
func (q *Queries) DueScheduled(ctx context.Context, now time.Time, limit int) ([]model.Publication, error) {
	return q.queryPublications(ctx, `SELECT `+q.pubColumns()+` FROM publications p
		WHERE p.state = 'scheduled' AND p.scheduled_at <= $1 ORDER BY p.scheduled_at, p.id LIMIT $2`, now.UTC(), limit)
}

// PublicationsBetween lists an organisation's publications scheduled or
// published in [from, to), for the staff calendar, in time order.
func (q *Queries) PublicationsBetween(ctx context.Context, orgID string, from, to time.Time) ([]model.Publication, error) {
	return q.queryPublications(ctx, `SELECT `+q.pubColumns()+` FROM publications p
		WHERE p.org_id = $1 AND (
			(p.state = 'scheduled' AND p.scheduled_at >= $2 AND p.scheduled_at < $3) OR
			(p.state IN ('published', 'unpublished') AND p.published_at >= $2 AND p.published_at < $3))
		ORDER BY COALESCE(p.scheduled_at, p.published_at), p.id`, orgID, from.UTC(), to.UTC())
}

// CountPublicationsByState counts an organisation's publications per state
// (for the tabs of the staff list and the validation queue badge).
func (q *Queries) CountPublicationsByState(ctx context.Context, orgID string) (map[model.PubState]int, error) {
	return countBy[model.PubState](ctx, q, "count publications", `SELECT state, COUNT(*) FROM publications WHERE org_id=$1 GROUP BY state`, orgID)
}

// countBy runs a query of (key, count) rows into a map.
func countBy[K ~string](ctx context.Context, q *Queries, what, query string, args ...any) (map[K]int, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := map[K]int{}
	for rows.Next() {
		var (
			k K
			n int
		)
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

const revisionColumns = `r.id, r.publication_id, r.revision, r.title, r.summary, r.body_md, r.fields, r.author_id, r.created_at`

func scanRevision(row scanner) (model.PubRevision, error) {
	var (
		r      model.PubRevision
		fields string
	)
	if err := row.Scan(&r.ID, &r.PublicationID, &r.Revision, &r.Title, &r.Summary, &r.BodyMD, &fields, &r.AuthorID, &r.CreatedAt); err != nil {
		return r, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if fields != "" {
		var f revisionFields
		if err := json.Unmarshal([]byte(fields), &f); err != nil {
			return r, fmt.Errorf("revision %d fields: %w", r.Revision, err)
		}
		r.AlertLevel, r.AlertEndsAt = f.AlertLevel, f.AlertEndsAt
		if f.Job != nil {
			r.Job = *f.Job
		}
	}
	return r, nil
}

// PublicationRevisions lists every revision of an organisation's
// publication, newest first.
func (q *Queries) PublicationRevisions(ctx context.Context, orgID, pubID string) ([]model.PubRevision, error) {
	out, err := queryAll(ctx, q, scanRevision, `SELECT `+revisionColumns+` FROM publication_revisions r
		JOIN publications p ON p.id = r.publication_id
		WHERE p.org_id = $1 AND r.publication_id = $2 ORDER BY r.revision DESC`, orgID, pubID)
	if err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	return out, nil
}

// PublicationRevision returns revision n of an organisation's publication.
func (q *Queries) PublicationRevision(ctx context.Context, orgID, pubID string, n int) (model.PubRevision, error) {
	r, err := scanRevision(q.q.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM publication_revisions r
		JOIN publications p ON p.id = r.publication_id
		WHERE p.org_id = $1 AND r.publication_id = $2 AND r.revision = $3`, orgID, pubID, n))
	if err != nil {
		return r, fmt.Errorf("revision %d of %s: %w", n, pubID, translate(err))
	}
	return r, nil
}

// PublicationTransitions lists the workflow history of an organisation's
// publication, oldest first.
func (q *Queries) PublicationTransitions(ctx context.Context, orgID, pubID string) ([]model.PubTransition, error) {
	out, err := queryAll(ctx, q, func(row scanner) (model.PubTransition, error) {
		var t model.PubTransition
		err := row.Scan(&t.ID, &t.PublicationID, &t.OrgID, &t.From, &t.To, &t.ActorID, &t.Comment, &t.CreatedAt)
		t.CreatedAt = t.CreatedAt.UTC()
		return t, err
	}, `SELECT id, publication_id, org_id, from_state, to_state, actor_id, comment, created_at
		FROM publication_transitions WHERE org_id = $1 AND publication_id = $2 ORDER BY created_at, id`, orgID, pubID)
	if err != nil {
		return nil, fmt.Errorf("list transitions: %w", err)
	}
	return out, nil
}

// ValidationRequired reports whether the organisation requires a validator's
// approval before publishing items of kind.
func (q *Queries) ValidationRequired(ctx context.Context, orgID string, kind model.PubKind) (bool, error) {
	var v int
	err := q.q.QueryRowContext(ctx, `SELECT validation_required FROM publication_settings WHERE org_id=$1 AND kind=$2`,
		orgID, kind).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("publication settings: %w", err)
	}
	return v != 0, nil
}

// ValidationSettings returns, per kind, whether validation is required.
func (q *Queries) ValidationSettings(ctx context.Context, orgID string) (map[model.PubKind]bool, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT kind, validation_required FROM publication_settings WHERE org_id=$1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("publication settings: %w", err)
	}
	defer rows.Close()
	out := map[model.PubKind]bool{}
	for rows.Next() {
		var (
			k model.PubKind
			v int
		)
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v != 0
	}
	return out, rows.Err()
}

// SetValidationRequired records whether items of kind need approval.
func (q *Queries) SetValidationRequired(ctx context.Context, orgID string, kind model.PubKind, required bool, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO publication_settings (org_id, kind, validation_required, updated_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, kind) DO UPDATE
		SET validation_required = excluded.validation_required, updated_at = excluded.updated_at`,
		orgID, kind, boolInt(required), at)
	if err != nil {
		return fmt.Errorf("set validation setting: %w", translate(err))
	}
	return nil
}
