package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// opinionNullColumns read a comment_opinions row "o" that a LEFT JOIN may
// leave empty; opinionDest scans them.
const opinionNullColumns = `COALESCE(o.status,''), COALESCE(o.decision,''), COALESCE(o.category,''),
	COALESCE(o.confidence,0), COALESCE(o.reason,''), COALESCE(o.model,''), COALESCE(o.action,''), COALESCE(o.note,''),
	o.requested_at, o.answered_at`

func opinionDest(op *model.CommentOpinion, answered *sql.NullTime) []any {
	return []any{&op.Status, &op.Decision, &op.Category, &op.Confidence, &op.Reason, &op.Model, &op.Action, &op.Note,
		(*nullTimeInto)(&op.RequestedAt), answered}
}

// nullTimeInto scans a nullable time into a time.Time (zero when NULL).
type nullTimeInto time.Time

func (t *nullTimeInto) Scan(v any) error {
	var n sql.NullTime
	if err := n.Scan(v); err != nil {
		return err
	}
	if n.Valid {
		*t = nullTimeInto(n.Time.UTC())
	}
	return nil
}

// RequestOpinion records that a comment's second opinion is wanted (again,
// after an edit): any earlier answer is forgotten.
func (q *Queries) RequestOpinion(ctx context.Context, orgID, commentID, band string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO comment_opinions (comment_id, org_id, band, status, requested_at)
		VALUES ($1,$2,$3,$4,$5) ON CONFLICT (comment_id) DO UPDATE SET band=excluded.band, status=excluded.status,
		decision='', category='', confidence=0, reason='', model='', action='', note='',
		requested_at=excluded.requested_at, answered_at=NULL`, commentID, orgID, band, model.OpinionPending, at)
	if err != nil {
		return fmt.Errorf("request opinion: %w", translate(err))
	}
	return nil
}

// OpinionOf returns a comment's second opinion, or model.ErrNotFound.
func (q *Queries) OpinionOf(ctx context.Context, commentID string) (model.CommentOpinion, error) {
	var op model.CommentOpinion
	var answered sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT o.comment_id, o.org_id, o.band, `+opinionNullColumns+
		` FROM comment_opinions o WHERE o.comment_id=$1`, commentID).
		Scan(append([]any{&op.CommentID, &op.OrgID, &op.Band}, opinionDest(&op, &answered)...)...)
	if err != nil {
		return op, fmt.Errorf("opinion of %s: %w", commentID, translate(err))
	}
	op.AnsweredAt = nullTime(answered)
	return op, nil
}

// SaveOpinion stores the outcome of a second opinion.
func (q *Queries) SaveOpinion(ctx context.Context, op model.CommentOpinion) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE comment_opinions SET status=$1, decision=$2, category=$3, confidence=$4,
		reason=$5, model=$6, action=$7, note=$8, answered_at=$9 WHERE comment_id=$10`,
		op.Status, op.Decision, op.Category, op.Confidence, op.Reason, op.Model, op.Action, op.Note,
		timeOrNil(op.AnsweredAt), op.CommentID))
}

// SetSecondOpinion switches an organisation's second opinion on or off,
// creating its settings row with the defaults when it has none.
func (q *Queries) SetSecondOpinion(ctx context.Context, orgID string, on bool, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO moderation_settings (org_id, second_opinion, updated_at) VALUES ($1,$2,$3)
		ON CONFLICT (org_id) DO UPDATE SET second_opinion=excluded.second_opinion, updated_at=excluded.updated_at`,
		orgID, boolInt(on), at)
	if err != nil {
		return fmt.Errorf("second opinion setting: %w", translate(err))
	}
	return nil
}

// SkipOpinion marks a comment's second opinion, if it has one, as no longer
// relevant (its text changed and is no longer uncertain): any answer, which
// was about the earlier text, is forgotten.
func (q *Queries) SkipOpinion(ctx context.Context, commentID, note string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE comment_opinions SET status=$1, decision='', category='', confidence=0, reason='',
		action='', note=$2, answered_at=$3 WHERE comment_id=$4`, model.OpinionSkipped, note, at, commentID)
	if err != nil {
		return fmt.Errorf("skip opinion: %w", translate(err))
	}
	return nil
}
