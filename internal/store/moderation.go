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

// ModerationSettings returns an organisation's stored debate settings, or
// model.ErrNotFound when it never saved any (the app applies defaults).
func (q *Queries) ModerationSettings(ctx context.Context, orgID string) (model.ModerationSettings, error) {
	s := model.ModerationSettings{OrgID: orgID}
	var charter string
	var second int
	err := q.q.QueryRowContext(ctx, `SELECT mode, charter, report_threshold, second_opinion, updated_at FROM moderation_settings WHERE org_id=$1`,
		orgID).Scan(&s.Mode, &charter, &s.ReportThreshold, &second, &s.UpdatedAt)
	s.SecondOpinion = second != 0
	if err != nil {
		return s, fmt.Errorf("moderation settings: %w", translate(err))
	}
	if charter != "" {
		s.Charter = strings.Split(charter, "\n")
	}
	return s, nil
}

// PutModerationSettings saves an organisation's debate settings.
func (q *Queries) PutModerationSettings(ctx context.Context, s model.ModerationSettings) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO moderation_settings (org_id, mode, charter, report_threshold, updated_at)
		VALUES ($1,$2,$3,$4,$5) ON CONFLICT (org_id) DO UPDATE SET mode=excluded.mode, charter=excluded.charter,
		report_threshold=excluded.report_threshold, updated_at=excluded.updated_at`,
		s.OrgID, s.Mode, strings.Join(s.Charter, "\n"), s.ReportThreshold, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save moderation settings: %w", translate(err))
	}
	return nil
}

// PublicationCommentMode returns a publication's own mode, or "" when it
// follows the organisation's.
func (q *Queries) PublicationCommentMode(ctx context.Context, publicationID string) (model.ModerationMode, error) {
	var m model.ModerationMode
	err := q.q.QueryRowContext(ctx, `SELECT mode FROM publication_comment_modes WHERE publication_id=$1`, publicationID).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("publication comment mode: %w", err)
	}
	return m, nil
}

// SetPublicationCommentMode sets a publication's own mode; "" returns it to
// the organisation's.
func (q *Queries) SetPublicationCommentMode(ctx context.Context, orgID, publicationID string, m model.ModerationMode, at time.Time) error {
	if m == "" {
		_, err := q.q.ExecContext(ctx, `DELETE FROM publication_comment_modes WHERE publication_id=$1 AND org_id=$2`, publicationID, orgID)
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO publication_comment_modes (publication_id, org_id, mode, updated_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT (publication_id) DO UPDATE SET mode=excluded.mode, updated_at=excluded.updated_at`,
		publicationID, orgID, m, at)
	if err != nil {
		return fmt.Errorf("set publication comment mode: %w", translate(err))
	}
	return nil
}

// CreateReport records a report; the same person reporting the same comment
// twice is model.ErrConflict. The statement itself does not fail (ON
// CONFLICT), so the surrounding transaction stays usable on PostgreSQL.
func (q *Queries) CreateReport(ctx context.Context, r model.Report) error {
	res, err := q.q.ExecContext(ctx, `INSERT INTO comment_reports (id, org_id, comment_id, reporter_account_id, reporter_email,
		reporter_key, reason, rule_number, legal_ground, explanation, status, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'open',$11) ON CONFLICT (comment_id, reporter_key) DO NOTHING`,
		r.ID, r.OrgID, r.CommentID, stringOrNil(r.ReporterAccountID), r.ReporterEmail, r.ReporterKey, r.Reason,
		r.RuleNumber, r.LegalGround, r.Explanation, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("create report: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("create report: %w: reported already", model.ErrConflict)
	}
	return nil
}

func scanReport(row scanner) (model.Report, error) {
	var r model.Report
	var seen, decided sql.NullTime
	err := row.Scan(&r.ID, &r.OrgID, &r.CommentID, &r.ReporterAccountID, &r.ReporterEmail, &r.ReporterKey, &r.Reason,
		&r.RuleNumber, &r.LegalGround, &r.Explanation, &r.Status, &seen, &r.FirstSeenBy, &decided, &r.CreatedAt)
	r.FirstSeenAt, r.DecidedAt = nullTime(seen), nullTime(decided)
	return r, err
}

const reportColumns = `id, org_id, comment_id, COALESCE(reporter_account_id, ''), reporter_email, reporter_key, reason,
	rule_number, legal_ground, explanation, status, first_seen_at, first_seen_by, decided_at, created_at`

// ReportsOf lists a comment's reports, oldest first.
func (q *Queries) ReportsOf(ctx context.Context, orgID, commentID string) ([]model.Report, error) {
	return queryAll(ctx, q, scanReport, `SELECT `+reportColumns+` FROM comment_reports
		WHERE org_id=$1 AND comment_id=$2 ORDER BY created_at, id`, orgID, commentID)
}

// CountOpenReporters counts the distinct people with an open report on a comment.
func (q *Queries) CountOpenReporters(ctx context.Context, commentID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT reporter_key) FROM comment_reports WHERE comment_id=$1 AND status='open'`,
		commentID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count reporters: %w", err)
	}
	return n, nil
}

// MarkReportsSeen stamps when a staff member first opened the comment's open
// reports (proof of prompt action); later openings change nothing.
func (q *Queries) MarkReportsSeen(ctx context.Context, commentID, by string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE comment_reports SET first_seen_at=$1, first_seen_by=$2
		WHERE comment_id=$3 AND first_seen_at IS NULL`, at, by, commentID)
	if err != nil {
		return fmt.Errorf("mark reports seen: %w", err)
	}
	return nil
}

// CloseReports closes a comment's open reports and returns them (their
// authors are told the decision).
func (q *Queries) CloseReports(ctx context.Context, commentID string, at time.Time) ([]model.Report, error) {
	open, err := queryAll(ctx, q, scanReport, `SELECT `+reportColumns+` FROM comment_reports
		WHERE comment_id=$1 AND status='open' ORDER BY created_at, id`, commentID)
	if err != nil {
		return nil, err
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE comment_reports SET status='closed', decided_at=$1 WHERE comment_id=$2 AND status='open'`,
		at, commentID); err != nil {
		return nil, fmt.Errorf("close reports: %w", err)
	}
	return open, nil
}

// CreateDecision records a moderation decision.
func (q *Queries) CreateDecision(ctx context.Context, d model.Decision) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO moderation_decisions (id, org_id, comment_id, author_id, actor_id, action,
		sanction, source, rule_number, rule_text, legal_ground, note, queued_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		d.ID, d.OrgID, d.CommentID, d.AuthorID, d.ActorID, d.Action, d.Sanction, d.Source, d.RuleNumber, d.RuleText,
		d.LegalGround, d.Note, timeOrNil(d.QueuedAt), d.CreatedAt)
	if err != nil {
		return fmt.Errorf("create decision: %w", translate(err))
	}
	return q.ChainAppend(ctx, "moderation_decision", d.ID, d.CreatedAt)
}

const decisionColumns = `id, org_id, comment_id, author_id, actor_id, action, sanction, source, rule_number, rule_text,
	legal_ground, note, queued_at, created_at`

func scanDecision(row scanner) (model.Decision, error) {
	var d model.Decision
	var queued sql.NullTime
	err := row.Scan(&d.ID, &d.OrgID, &d.CommentID, &d.AuthorID, &d.ActorID, &d.Action, &d.Sanction, &d.Source,
		&d.RuleNumber, &d.RuleText, &d.LegalGround, &d.Note, &queued, &d.CreatedAt)
	d.QueuedAt = nullTime(queued)
	return d, err
}

// DecisionByID returns an organisation's decision.
func (q *Queries) DecisionByID(ctx context.Context, orgID, id string) (model.Decision, error) {
	d, err := scanDecision(q.q.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM moderation_decisions
		WHERE org_id=$1 AND id=$2`, orgID, id))
	if err != nil {
		return d, fmt.Errorf("decision %s: %w", id, translate(err))
	}
	return d, nil
}

// DecisionsOf lists the decisions about a comment, oldest first.
func (q *Queries) DecisionsOf(ctx context.Context, orgID, commentID string) ([]model.Decision, error) {
	return queryAll(ctx, q, scanDecision, `SELECT `+decisionColumns+` FROM moderation_decisions
		WHERE org_id=$1 AND comment_id=$2 ORDER BY created_at, id`, orgID, commentID)
}

// DecisionsAbout lists the latest decisions about an author's comments in an organisation.
func (q *Queries) DecisionsAbout(ctx context.Context, orgID, authorID string, limit int) ([]model.Decision, error) {
	return queryAll(ctx, q, scanDecision, `SELECT `+decisionColumns+` FROM moderation_decisions
		WHERE org_id=$1 AND author_id=$2 ORDER BY created_at DESC, id DESC LIMIT $3`, orgID, authorID, limit)
}

// CommentsBy lists an author's latest comments in an organisation.
func (q *Queries) CommentsBy(ctx context.Context, orgID, accountID string, limit int) ([]model.Comment, error) {
	return queryAll(ctx, q, scanComment, `SELECT `+commentColumns+commentFrom+
		`WHERE c.org_id=$1 AND c.account_id=$2 ORDER BY c.created_at DESC, c.id DESC LIMIT $3`, orgID, accountID, limit)
}

// CreateAppeal records an appeal; a second appeal against the same decision
// is model.ErrConflict.
func (q *Queries) CreateAppeal(ctx context.Context, a model.Appeal) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO moderation_appeals (id, org_id, comment_id, decision_id, account_id, text,
		status, created_at) VALUES ($1,$2,$3,$4,$5,$6,'pending',$7)`,
		a.ID, a.OrgID, a.CommentID, a.DecisionID, a.AccountID, a.Text, a.CreatedAt)
	if err != nil {
		return fmt.Errorf("create appeal: %w", translate(err))
	}
	return nil
}

const appealColumns = `id, org_id, comment_id, decision_id, account_id, text, status, decided_by, decided_at, answer, created_at`

func scanAppeal(row scanner) (model.Appeal, error) {
	var a model.Appeal
	var decided sql.NullTime
	err := row.Scan(&a.ID, &a.OrgID, &a.CommentID, &a.DecisionID, &a.AccountID, &a.Text, &a.Status, &a.DecidedBy,
		&decided, &a.Answer, &a.CreatedAt)
	a.DecidedAt = nullTime(decided)
	return a, err
}

// AppealsOf lists the appeals about a comment, oldest first.
func (q *Queries) AppealsOf(ctx context.Context, orgID, commentID string) ([]model.Appeal, error) {
	return queryAll(ctx, q, scanAppeal, `SELECT `+appealColumns+` FROM moderation_appeals
		WHERE org_id=$1 AND comment_id=$2 ORDER BY created_at, id`, orgID, commentID)
}

// DecideAppeal closes a pending appeal; model.ErrNotFound when it is no
// longer pending (decided already).
func (q *Queries) DecideAppeal(ctx context.Context, a model.Appeal) error {
	return mustAffect(q.q.ExecContext(ctx, `UPDATE moderation_appeals SET status=$1, decided_by=$2, decided_at=$3, answer=$4
		WHERE id=$5 AND org_id=$6 AND status='pending'`, a.Status, a.DecidedBy, timeOrNil(a.DecidedAt), a.Answer, a.ID, a.OrgID))
}

// CreateSanction records a warning, mute or ban.
func (q *Queries) CreateSanction(ctx context.Context, s model.Sanction) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO moderation_sanctions (id, org_id, account_id, kind, until_at, decision_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, s.ID, s.OrgID, s.AccountID, s.Kind, timeOrNil(s.Until), s.DecisionID, s.CreatedAt)
	if err != nil {
		return fmt.Errorf("create sanction: %w", translate(err))
	}
	return nil
}

// ActiveSanction returns the account's mute or ban in force in the
// organisation (a ban first, else the mute lasting longest), or
// model.ErrNotFound.
func (q *Queries) ActiveSanction(ctx context.Context, orgID, accountID string, now time.Time) (model.Sanction, error) {
	var s model.Sanction
	var until sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT id, kind, until_at, decision_id, created_at FROM moderation_sanctions
		WHERE org_id=$1 AND account_id=$2 AND lifted_at IS NULL AND kind IN ('mute','ban')
		AND (until_at IS NULL OR until_at > $3)
		ORDER BY CASE WHEN kind='ban' THEN 0 ELSE 1 END, until_at DESC LIMIT 1`, orgID, accountID, now).
		Scan(&s.ID, &s.Kind, &until, &s.DecisionID, &s.CreatedAt)
	if err != nil {
		return s, fmt.Errorf("active sanction: %w", translate(err))
	}
	s.OrgID, s.AccountID, s.Until = orgID, accountID, nullTime(until)
	return s, nil
}

// LiftSanctions lifts the sanctions a decision imposed (reversed on appeal).
func (q *Queries) LiftSanctions(ctx context.Context, orgID, decisionID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE moderation_sanctions SET lifted_at=$1 WHERE org_id=$2 AND decision_id=$3 AND lifted_at IS NULL`,
		at, orgID, decisionID)
	return err
}

// QueueItem is one comment waiting for a decision, with what the queue shows.
type QueueItem struct {
	Comment          model.Comment
	PublicationTitle string
	PublicationSlug  string
	OpenReports      int
	// Opinion is the language model's second opinion, nil when none was asked.
	Opinion *model.CommentOpinion
}

// NeedsDecision lists an organisation's comments waiting for a human
// decision (held, reported, appealed, review requested), oldest first. It is
// the one query behind the moderation queue (and any console of things
// needing a human). With reviews, only the comments waiting for one of
// those reasons.
func (q *Queries) NeedsDecision(ctx context.Context, orgID string, limit int, reviews ...model.Review) ([]QueueItem, error) {
	args := []any{orgID, limit}
	only := ""
	if len(reviews) > 0 {
		marks := make([]string, len(reviews))
		for i, r := range reviews {
			args = append(args, string(r))
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		only = " AND c.review IN (" + strings.Join(marks, ",") + ")"
	}
	return queryAll(ctx, q, func(r scanner) (QueueItem, error) {
		var it QueueItem
		var op model.CommentOpinion
		var band sql.NullString
		var answered sql.NullTime
		c, err := scanComment(withExtra{row: r, extra: append([]any{&it.PublicationTitle, &it.PublicationSlug, &it.OpenReports, &band},
			opinionDest(&op, &answered)...)})
		it.Comment = c
		if err == nil && band.Valid {
			op.CommentID, op.OrgID, op.Band, op.AnsweredAt = c.ID, c.OrgID, band.String, nullTime(answered)
			it.Opinion = &op
		}
		return it, err
	}, `SELECT `+commentColumns+`, p.title, p.slug,
		(SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id AND r.status='open'),
		o.band, `+opinionNullColumns+commentFrom+`
		JOIN publications p ON p.id = c.publication_id
		LEFT JOIN comment_opinions o ON o.comment_id = c.id
		WHERE c.org_id=$1 AND c.review <> ''`+only+` ORDER BY c.review_since, c.id LIMIT $2`, args...)
}

// RoutedAgent is a staff member to tell about a comment routed to a service.
type RoutedAgent struct {
	AccountID   string
	Email       string
	Locale      string
	DisplayName string
	ServiceID   string
	EmailRouted bool
}

// AgentsOfServices lists the agents of the organisation who belong to one of
// the services, with their e-mail preference.
func (q *Queries) AgentsOfServices(ctx context.Context, orgID string, serviceIDs []string) ([]RoutedAgent, error) {
	if len(serviceIDs) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	var marks []string
	for _, id := range serviceIDs {
		args = append(args, id)
		marks = append(marks, fmt.Sprintf("$%d", len(args)))
	}
	return queryAll(ctx, q, func(r scanner) (RoutedAgent, error) {
		var a RoutedAgent
		var pref int
		err := r.Scan(&a.AccountID, &a.Email, &a.Locale, &a.DisplayName, &a.ServiceID, &pref)
		a.EmailRouted = pref != 0
		return a, err
	}, `SELECT a.id, a.email, a.locale, a.display_name, MIN(ms.service_id), COALESCE(MAX(sp.email_routed), 0)
		FROM membership_services ms JOIN accounts a ON a.id = ms.account_id
		LEFT JOIN staff_preferences sp ON sp.account_id = ms.account_id AND sp.org_id = ms.org_id
		WHERE ms.org_id=$1 AND ms.service_id IN (`+strings.Join(marks, ",")+`)
		GROUP BY a.id, a.email, a.locale, a.display_name ORDER BY a.id`, args...)
}

// Notify records that a comment was routed to a staff member.
func (q *Queries) Notify(ctx context.Context, id, orgID, accountID, commentID, serviceID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO staff_notifications (id, org_id, account_id, comment_id, service_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (account_id, comment_id) DO NOTHING`, id, orgID, accountID, commentID, serviceID, at)
	if err != nil {
		return fmt.Errorf("notify: %w", translate(err))
	}
	return nil
}

// NotificationsOf lists a staff member's latest routed comments in an organisation.
func (q *Queries) NotificationsOf(ctx context.Context, orgID, accountID string, limit int) ([]model.Notification, error) {
	return queryAll(ctx, q, func(r scanner) (model.Notification, error) {
		var n model.Notification
		var read sql.NullTime
		c, err := scanComment(withExtra{row: r, extra: []any{&n.ID, &n.PublicationTitle, &n.PublicationSlug, &read, &n.CreatedAt}})
		n.Comment, n.ReadAt = c, nullTime(read)
		return n, err
	}, `SELECT `+commentColumns+`, sn.id, p.title, p.slug, sn.read_at, sn.created_at FROM staff_notifications sn
		JOIN comments c ON c.id = sn.comment_id LEFT JOIN accounts a ON a.id = c.account_id
		JOIN publications p ON p.id = c.publication_id
		WHERE sn.org_id=$1 AND sn.account_id=$2 ORDER BY sn.created_at DESC, sn.id DESC LIMIT $3`, orgID, accountID, limit)
}

// MarkNotificationsRead marks all of a staff member's notifications read.
func (q *Queries) MarkNotificationsRead(ctx context.Context, orgID, accountID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `UPDATE staff_notifications SET read_at=$1 WHERE org_id=$2 AND account_id=$3 AND read_at IS NULL`,
		at, orgID, accountID)
	return err
}

// EmailRouted tells whether the staff member wants routed comments by e-mail.
func (q *Queries) EmailRouted(ctx context.Context, orgID, accountID string) (bool, error) {
	var v int
	err := q.q.QueryRowContext(ctx, `SELECT email_routed FROM staff_preferences WHERE org_id=$1 AND account_id=$2`, orgID, accountID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return v != 0, err
}

// SetEmailRouted saves the staff member's e-mail preference.
func (q *Queries) SetEmailRouted(ctx context.Context, orgID, accountID string, on bool, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO staff_preferences (account_id, org_id, email_routed, updated_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (account_id, org_id) DO UPDATE SET email_routed=excluded.email_routed, updated_at=excluded.updated_at`,
		accountID, orgID, boolInt(on), at)
	if err != nil {
		return fmt.Errorf("staff preference: %w", translate(err))
	}
	return nil
}

// CountNeedsDecision counts an organisation's comments waiting for a human
// decision, per reason (the staff dashboard); the same rows as
// NeedsDecision.
func (q *Queries) CountNeedsDecision(ctx context.Context, orgID string) (map[model.Review]int, error) {
	return countBy[model.Review](ctx, q, "count needs decision", `SELECT review, COUNT(*) FROM comments WHERE org_id=$1 AND review <> '' GROUP BY review`, orgID)
}
