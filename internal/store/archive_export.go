package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parvis/parvis/internal/model"
)

// The reads of an archive export (docs/ARCHIVES.md). Each lists one page of
// records after the id `after` ("" for the first), so that an export of a
// large organisation streams page by page instead of holding it all.

// ArchivePublicationIDs lists the organisation's publications created,
// revised or moved from one state to another during the period.
func (q *Queries) ArchivePublicationIDs(ctx context.Context, orgID string, p model.ArchivePeriod, after string, limit int) ([]string, error) {
	return queryAll(ctx, q, scanID, `SELECT x.id FROM publications x WHERE x.org_id = $1 AND x.id > $4 AND (
			(x.created_at >= $2 AND x.created_at < $3)
			OR EXISTS (SELECT 1 FROM publication_revisions r WHERE r.publication_id = x.id AND r.created_at >= $2 AND r.created_at < $3)
			OR EXISTS (SELECT 1 FROM publication_transitions t WHERE t.publication_id = x.id AND t.created_at >= $2 AND t.created_at < $3))
		ORDER BY x.id LIMIT `+fmt.Sprint(limit), orgID, p.From, p.To, after)
}

func scanID(r scanner) (string, error) {
	var id string
	return id, r.Scan(&id)
}

// ArchivePublication returns a publication with all its revisions and
// transitions, oldest first.
func (q *Queries) ArchivePublication(ctx context.Context, orgID, id string) (model.ArchivePublication, error) {
	p, err := q.PublicationByID(ctx, orgID, id)
	if err != nil {
		return model.ArchivePublication{}, err
	}
	a := model.ArchivePublication{ID: p.ID, Kind: string(p.Kind), Slug: p.Slug, Title: p.Title, Summary: p.Summary,
		BodyMarkdown: p.BodyMD, BodyHTML: p.BodyHTML, State: string(p.State), Revision: p.Revision, AuthorID: p.AuthorID,
		ImageID: p.ImageID, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(), PublishedAt: p.PublishedAt,
		UnpublishedAt: p.UnpublishedAt, Media: []string{}}
	a.Revisions, err = queryAll(ctx, q, func(r scanner) (model.ArchiveRevision, error) {
		var v model.ArchiveRevision
		var fields string
		err := r.Scan(&v.ID, &v.Revision, &v.Title, &v.Summary, &v.Body, &fields, &v.AuthorID, &v.AuthorName, &v.CreatedAt)
		if fields != "" && json.Valid([]byte(fields)) {
			v.Fields = json.RawMessage(fields)
		}
		v.CreatedAt = v.CreatedAt.UTC()
		return v, err
	}, `SELECT r.id, r.revision, r.title, r.summary, r.body_md, r.fields, r.author_id, COALESCE(a.display_name, ''), r.created_at
		FROM publication_revisions r LEFT JOIN accounts a ON a.id = r.author_id
		WHERE r.publication_id = $1 ORDER BY r.revision`, id)
	if err != nil {
		return a, fmt.Errorf("archive: revisions of %s: %w", id, err)
	}
	a.Transitions, err = queryAll(ctx, q, func(r scanner) (model.ArchiveTransition, error) {
		var v model.ArchiveTransition
		err := r.Scan(&v.ID, &v.From, &v.To, &v.ActorID, &v.ActorName, &v.Comment, &v.CreatedAt)
		v.CreatedAt = v.CreatedAt.UTC()
		return v, err
	}, `SELECT t.id, t.from_state, t.to_state, t.actor_id, COALESCE(a.display_name, ''), t.comment, t.created_at
		FROM publication_transitions t LEFT JOIN accounts a ON a.id = t.actor_id
		WHERE t.publication_id = $1 AND t.org_id = $2 ORDER BY t.created_at, t.id`, id, orgID)
	if err != nil {
		return a, fmt.Errorf("archive: transitions of %s: %w", id, err)
	}
	if a.Revisions == nil {
		a.Revisions = []model.ArchiveRevision{}
	}
	if a.Transitions == nil {
		a.Transitions = []model.ArchiveTransition{}
	}
	return a, nil
}

// ArchiveComments lists the organisation's comments written, edited or
// decided on during the period, each with its earlier texts.
func (q *Queries) ArchiveComments(ctx context.Context, orgID string, p model.ArchivePeriod, after string, limit int) ([]model.ArchiveComment, error) {
	list, err := queryAll(ctx, q, scanArchiveComment, `SELECT x.id, x.publication_id, COALESCE(x.parent_id, ''),
			COALESCE(x.account_id, ''), COALESCE(a.display_name, x.remote_name), x.remote_actor, COALESCE(x.service_id, ''),
			x.as_org, x.staff_label, x.official, x.body, x.status, x.initial_status, x.screen_verdict, x.screen_score,
			x.screen_reasons, x.rule_number, x.rule_text, x.created_at, x.edited_at
		FROM comments x LEFT JOIN accounts a ON a.id = x.account_id
		WHERE x.org_id = $1 AND x.id > $4 AND (
			(x.created_at >= $2 AND x.created_at < $3)
			OR (x.edited_at >= $2 AND x.edited_at < $3)
			OR EXISTS (SELECT 1 FROM moderation_decisions d WHERE d.comment_id = x.id AND d.created_at >= $2 AND d.created_at < $3))
		ORDER BY x.id LIMIT `+fmt.Sprint(limit), orgID, p.From, p.To, after)
	if err != nil {
		return nil, fmt.Errorf("archive: comments: %w", err)
	}
	for i := range list {
		list[i].Revisions, err = queryAll(ctx, q, func(r scanner) (model.ArchiveCommentRevision, error) {
			var v model.ArchiveCommentRevision
			err := r.Scan(&v.ID, &v.Body, &v.CreatedAt)
			v.CreatedAt = v.CreatedAt.UTC()
			return v, err
		}, `SELECT id, body, created_at FROM comment_revisions WHERE comment_id = $1 ORDER BY created_at, id`, list[i].ID)
		if err != nil {
			return nil, fmt.Errorf("archive: revisions of comment %s: %w", list[i].ID, err)
		}
		if list[i].Revisions == nil {
			list[i].Revisions = []model.ArchiveCommentRevision{}
		}
	}
	return list, nil
}

func scanArchiveComment(r scanner) (model.ArchiveComment, error) {
	var c model.ArchiveComment
	var asOrg, official int
	var reasons string
	var edited sql.NullTime
	err := r.Scan(&c.ID, &c.PublicationID, &c.ParentID, &c.AccountID, &c.AuthorName, &c.RemoteActor, &c.ServiceID,
		&asOrg, &c.StaffLabel, &official, &c.Body, &c.Status, &c.InitialStatus, &c.Screening.Verdict, &c.Screening.Score,
		&reasons, &c.RuleNumber, &c.RuleText, &c.CreatedAt, &edited)
	c.AsOrganisation, c.Official = asOrg != 0, official != 0
	c.Screening.Reasons = []string{}
	if reasons != "" {
		c.Screening.Reasons = strings.Split(reasons, "\n")
	}
	c.CreatedAt, c.EditedAt = c.CreatedAt.UTC(), nullTime(edited)
	return c, err
}

// ArchiveDecisions lists the moderation decisions taken during the period,
// each with the appeal against it.
func (q *Queries) ArchiveDecisions(ctx context.Context, orgID string, p model.ArchivePeriod, after string, limit int) ([]model.ArchiveDecision, error) {
	return queryAll(ctx, q, func(r scanner) (model.ArchiveDecision, error) {
		var d model.ArchiveDecision
		var queued, decided sql.NullTime
		var appealID, text, status, by, answer sql.NullString
		var appealAt sql.NullTime
		err := r.Scan(&d.ID, &d.CommentID, &d.AuthorID, &d.ActorID, &d.ActorName, &d.Action, &d.Sanction, &d.Source,
			&d.RuleNumber, &d.RuleText, &d.LegalGround, &d.Note, &queued, &d.CreatedAt,
			&appealID, &text, &status, &by, &decided, &answer, &appealAt)
		d.QueuedAt, d.CreatedAt = nullTime(queued), d.CreatedAt.UTC()
		if appealID.Valid {
			d.Appeal = &model.ArchiveAppeal{ID: appealID.String, Text: text.String, Status: status.String,
				DecidedBy: by.String, DecidedAt: nullTime(decided), Answer: answer.String, CreatedAt: appealAt.Time.UTC()}
		}
		return d, err
	}, `SELECT x.id, x.comment_id, x.author_id, x.actor_id, COALESCE(a.display_name, ''), x.action, x.sanction, x.source,
			x.rule_number, x.rule_text, x.legal_ground, x.note, x.queued_at, x.created_at,
			m.id, m.text, m.status, m.decided_by, m.decided_at, m.answer, m.created_at
		FROM moderation_decisions x LEFT JOIN accounts a ON a.id = x.actor_id
		LEFT JOIN moderation_appeals m ON m.decision_id = x.id
		WHERE x.org_id = $1 AND x.id > $4 AND x.created_at >= $2 AND x.created_at < $3
		ORDER BY x.id LIMIT `+fmt.Sprint(limit), orgID, p.From, p.To, after)
}

// ArchiveAudit lists the audit entries of the period.
func (q *Queries) ArchiveAudit(ctx context.Context, orgID string, p model.ArchivePeriod, after string, limit int) ([]model.ArchiveAuditEntry, error) {
	return queryAll(ctx, q, func(r scanner) (model.ArchiveAuditEntry, error) {
		var e model.ArchiveAuditEntry
		err := r.Scan(&e.ID, &e.ActorID, &e.ActorName, &e.Action, &e.Target, &e.Detail, &e.CreatedAt)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	}, `SELECT x.id, x.actor_id, COALESCE(a.display_name, ''), x.action, x.target, x.detail, x.created_at
		FROM audit_log x LEFT JOIN accounts a ON a.id = x.actor_id
		WHERE x.org_id = $1 AND x.id > $4 AND x.created_at >= $2 AND x.created_at < $3
		ORDER BY x.id LIMIT `+fmt.Sprint(limit), orgID, p.From, p.To, after)
}
