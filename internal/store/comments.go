package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// commentColumns are read by scanComment; the author's display name comes
// from the account (so a renamed resident shows the new name) and falls back
// to the remote actor's name.
const commentColumns = `c.id, c.org_id, c.publication_id, COALESCE(c.parent_id, ''), COALESCE(c.account_id, ''),
	c.remote_actor, c.remote_name, c.remote_object, c.remote_handle, c.remote_url, COALESCE(a.display_name, c.remote_name), COALESCE(c.service_id, ''), c.as_org,
	c.staff_label, c.body, c.fingerprint, c.status, c.initial_status, c.screen_verdict, c.screen_score,
	c.screen_reasons, c.rule_number, c.rule_text, c.official, c.useful_count, c.review, c.review_since,
	c.idem_key, c.created_at, c.edited_at, c.updated_at`

const commentFrom = ` FROM comments c LEFT JOIN accounts a ON a.id = c.account_id `

func scanComment(row scanner) (model.Comment, error) {
	var c model.Comment
	var asOrg, official int
	var reasons string
	var reviewSince, editedAt sql.NullTime
	err := row.Scan(&c.ID, &c.OrgID, &c.PublicationID, &c.ParentID, &c.AccountID, &c.RemoteActor, &c.RemoteName,
		&c.RemoteObject, &c.RemoteHandle, &c.RemoteURL, &c.AuthorName, &c.ServiceID, &asOrg, &c.StaffLabel, &c.Body, &c.Fingerprint, &c.Status, &c.InitialStatus,
		&c.ScreenVerdict, &c.ScreenScore, &reasons, &c.RuleNumber, &c.RuleText, &official, &c.UsefulCount,
		&c.Review, &reviewSince, &c.IdemKey, &c.CreatedAt, &editedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.AsOrg, c.Official = asOrg != 0, official != 0
	if reasons != "" {
		c.ScreenReasons = strings.Split(reasons, "\n")
	}
	c.ReviewSince, c.EditedAt = nullTime(reviewSince), nullTime(editedAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

// CreateComment inserts a comment. A repeated idempotency key of the same
// account is model.ErrConflict.
func (q *Queries) CreateComment(ctx context.Context, c model.Comment) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO comments (id, org_id, publication_id, parent_id, account_id,
		remote_actor, remote_name, service_id, as_org, staff_label, body, fingerprint, status, initial_status,
		screen_verdict, screen_score, screen_reasons, official, review, review_since, idem_key, created_at, updated_at,
		remote_object, remote_handle, remote_url)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26)`,
		c.ID, c.OrgID, c.PublicationID, stringOrNil(c.ParentID), stringOrNil(c.AccountID), c.RemoteActor, c.RemoteName,
		stringOrNil(c.ServiceID), boolInt(c.AsOrg), c.StaffLabel, c.Body, c.Fingerprint, c.Status, c.InitialStatus,
		c.ScreenVerdict, c.ScreenScore, strings.Join(c.ScreenReasons, "\n"), boolInt(c.Official), c.Review,
		timeOrNil(c.ReviewSince), c.IdemKey, c.CreatedAt, c.UpdatedAt, c.RemoteObject, c.RemoteHandle, c.RemoteURL)
	if err != nil {
		return fmt.Errorf("create comment: %w", translate(err))
	}
	return nil
}

// CommentByIdem returns the account's comment made with that form key.
func (q *Queries) CommentByIdem(ctx context.Context, accountID, key string) (model.Comment, error) {
	c, err := scanComment(q.q.QueryRowContext(ctx, `SELECT `+commentColumns+commentFrom+
		`WHERE c.account_id=$1 AND c.idem_key=$2`, accountID, key))
	if err != nil {
		return c, fmt.Errorf("comment by key: %w", translate(err))
	}
	return c, nil
}

// CommentByID returns an organisation's comment.
func (q *Queries) CommentByID(ctx context.Context, orgID, id string) (model.Comment, error) {
	c, err := scanComment(q.q.QueryRowContext(ctx, `SELECT `+commentColumns+commentFrom+
		`WHERE c.org_id=$1 AND c.id=$2`, orgID, id))
	if err != nil {
		return c, fmt.Errorf("comment %s: %w", id, translate(err))
	}
	return c, nil
}

// CommentForUpdate is CommentByID that locks the row on PostgreSQL until
// the transaction ends (SQLite transactions hold the write lock already).
func (q *Queries) CommentForUpdate(ctx context.Context, orgID, id string) (model.Comment, error) {
	lock := ""
	if q.engine == Postgres {
		lock = " FOR UPDATE OF c"
	}
	c, err := scanComment(q.q.QueryRowContext(ctx, `SELECT `+commentColumns+commentFrom+
		`WHERE c.org_id=$1 AND c.id=$2`+lock, orgID, id))
	if err != nil {
		return c, fmt.Errorf("comment %s: %w", id, translate(err))
	}
	return c, nil
}

// ThreadComments returns every comment of a publication, oldest first, in
// one query; the caller decides what each reader may see.
func (q *Queries) ThreadComments(ctx context.Context, publicationID string) ([]model.Comment, error) {
	return queryAll(ctx, q, scanComment, `SELECT `+commentColumns+commentFrom+
		`WHERE c.publication_id=$1 ORDER BY c.created_at, c.id`, publicationID)
}

// UpdateComment saves a comment's mutable fields.
func (q *Queries) UpdateComment(ctx context.Context, c model.Comment) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE comments SET body=$1, fingerprint=$2, status=$3, screen_verdict=$4,
		screen_score=$5, screen_reasons=$6, rule_number=$7, rule_text=$8, official=$9, review=$10, review_since=$11,
		edited_at=$12, updated_at=$13 WHERE id=$14 AND org_id=$15`,
		c.Body, c.Fingerprint, c.Status, c.ScreenVerdict, c.ScreenScore, strings.Join(c.ScreenReasons, "\n"),
		c.RuleNumber, c.RuleText, boolInt(c.Official), c.Review, timeOrNil(c.ReviewSince), timeOrNil(c.EditedAt),
		c.UpdatedAt, c.ID, c.OrgID))
}

// AddCommentRevision keeps a comment's earlier text.
func (q *Queries) AddCommentRevision(ctx context.Context, id, commentID, body string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO comment_revisions (id, comment_id, body, created_at) VALUES ($1,$2,$3,$4)`,
		id, commentID, body, at)
	if err != nil {
		return fmt.Errorf("comment revision: %w", translate(err))
	}
	return q.ChainAppend(ctx, "comment_revision", id, at)
}

// CommentRevisions lists a comment's earlier texts, oldest first.
func (q *Queries) CommentRevisions(ctx context.Context, commentID string) ([]string, error) {
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT body FROM comment_revisions WHERE comment_id=$1 ORDER BY created_at, id`, commentID)
}

// SetUseful marks or unmarks a comment as useful for the account and keeps
// the count beside the comment; it reports whether anything changed.
func (q *Queries) SetUseful(ctx context.Context, commentID, accountID string, on bool, at time.Time) (bool, error) {
	var res sql.Result
	var err error
	if on {
		res, err = q.q.ExecContext(ctx, `INSERT INTO comment_useful (comment_id, account_id, created_at) VALUES ($1,$2,$3)
			ON CONFLICT (comment_id, account_id) DO NOTHING`, commentID, accountID, at)
	} else {
		res, err = q.q.ExecContext(ctx, `DELETE FROM comment_useful WHERE comment_id=$1 AND account_id=$2`, commentID, accountID)
	}
	if err != nil {
		return false, fmt.Errorf("useful: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = q.q.ExecContext(ctx, `UPDATE comments SET useful_count =
		(SELECT COUNT(*) FROM comment_useful WHERE comment_id=$1) WHERE id=$1`, commentID)
	return err == nil, err
}

// UsefulMarks returns which comments of a publication the account marked useful.
func (q *Queries) UsefulMarks(ctx context.Context, publicationID, accountID string) (map[string]bool, error) {
	ids, err := queryAll(ctx, q, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT u.comment_id FROM comment_useful u JOIN comments c ON c.id = u.comment_id
		WHERE c.publication_id=$1 AND u.account_id=$2`, publicationID, accountID)
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// RecentComment is what flood control needs of an author's comment.
type RecentComment struct {
	CreatedAt   time.Time
	Fingerprint string
}

// RecentComments returns the account's latest comments (every organisation:
// flooding is flooding), newest first.
func (q *Queries) RecentComments(ctx context.Context, accountID string, limit int) ([]RecentComment, error) {
	return queryAll(ctx, q, func(r scanner) (RecentComment, error) {
		var c RecentComment
		err := r.Scan(&c.CreatedAt, &c.Fingerprint)
		c.CreatedAt = c.CreatedAt.UTC()
		return c, err
	}, `SELECT created_at, fingerprint FROM comments WHERE account_id=$1 ORDER BY created_at DESC, id DESC LIMIT $2`, accountID, limit)
}

// FingerprintRemoved reports whether a removed comment of the organisation
// had this fingerprint.
func (q *Queries) FingerprintRemoved(ctx context.Context, orgID, fp string) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM removed_fingerprints WHERE org_id=$1 AND fingerprint=$2`, orgID, fp).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("removed fingerprint: %w", err)
	}
	return n > 0, nil
}

// AddRemovedFingerprint records a removed text's fingerprint.
func (q *Queries) AddRemovedFingerprint(ctx context.Context, orgID, fp, commentID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO removed_fingerprints (org_id, fingerprint, comment_id, created_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, fingerprint) DO NOTHING`, orgID, fp, commentID, at)
	if err != nil {
		return fmt.Errorf("removed fingerprint: %w", translate(err))
	}
	return nil
}

// DropRemovedFingerprint forgets a fingerprint (the removal was reversed on appeal).
func (q *Queries) DropRemovedFingerprint(ctx context.Context, orgID, commentID string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM removed_fingerprints WHERE org_id=$1 AND comment_id=$2`, orgID, commentID)
	return err
}

// PublicationServices returns the services responsible for the topics of a
// publication (topics.service_id), without duplicates.
func (q *Queries) PublicationServices(ctx context.Context, publicationID string) ([]string, error) {
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT DISTINCT t.service_id FROM publication_topics pt JOIN topics t ON t.id = pt.topic_id
		WHERE pt.publication_id=$1 AND t.service_id IS NOT NULL ORDER BY t.service_id`, publicationID)
}
