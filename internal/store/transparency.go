package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// DecisionCount is how many decisions of one kind were taken.
type DecisionCount struct {
	Action     string
	Source     string
	RuleNumber int
	RuleText   string
	N          int
}

// Transparency is what an organisation's yearly transparency report counts
// (DSA art. 15 and 24, in the spirit of a small public body).
type Transparency struct {
	Comments      int // received
	StaffAnswers  int
	Published     int // published at once
	Held          int // held on arrival (screening or pre-moderation)
	Rejected      int // refused by screening
	Reports       int
	ReportsIlegal int
	Decisions     []DecisionCount
	Appeals       map[string]int // by status
	// Waits are the times from entering the queue to a human decision.
	Waits []time.Duration
}

// TransparencyOf counts an organisation's debate between from and to.
func (q *Queries) TransparencyOf(ctx context.Context, orgID string, from, to time.Time) (Transparency, error) {
	var t Transparency
	var staff, published, held, rejected sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*),
		SUM(CASE WHEN staff_label <> '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN initial_status='published' AND staff_label = '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN initial_status='held' THEN 1 ELSE 0 END),
		SUM(CASE WHEN initial_status='rejected' THEN 1 ELSE 0 END)
		FROM comments WHERE org_id=$1 AND created_at >= $2 AND created_at < $3`, orgID, from, to).
		Scan(&t.Comments, &staff, &published, &held, &rejected)
	if err != nil {
		return t, fmt.Errorf("transparency comments: %w", err)
	}
	t.StaffAnswers, t.Published, t.Held, t.Rejected = int(staff.Int64), int(published.Int64), int(held.Int64), int(rejected.Int64)
	var illegal sql.NullInt64
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN reason='illegal' THEN 1 ELSE 0 END)
		FROM comment_reports WHERE org_id=$1 AND created_at >= $2 AND created_at < $3`, orgID, from, to).
		Scan(&t.Reports, &illegal); err != nil {
		return t, fmt.Errorf("transparency reports: %w", err)
	}
	t.ReportsIlegal = int(illegal.Int64)
	t.Decisions, err = queryAll(ctx, q, func(r scanner) (DecisionCount, error) {
		var d DecisionCount
		return d, r.Scan(&d.Action, &d.Source, &d.RuleNumber, &d.RuleText, &d.N)
	}, `SELECT action, source, rule_number, MAX(rule_text), COUNT(*) FROM moderation_decisions
		WHERE org_id=$1 AND created_at >= $2 AND created_at < $3
		GROUP BY action, source, rule_number ORDER BY action, source, rule_number`, orgID, from, to)
	if err != nil {
		return t, fmt.Errorf("transparency decisions: %w", err)
	}
	type kv struct {
		k string
		n int
	}
	appeals, err := queryAll(ctx, q, func(r scanner) (kv, error) {
		var x kv
		return x, r.Scan(&x.k, &x.n)
	}, `SELECT status, COUNT(*) FROM moderation_appeals WHERE org_id=$1 AND created_at >= $2 AND created_at < $3
		GROUP BY status`, orgID, from, to)
	if err != nil {
		return t, fmt.Errorf("transparency appeals: %w", err)
	}
	t.Appeals = map[string]int{}
	for _, a := range appeals {
		t.Appeals[a.k] = a.n
	}
	type span struct{ from, to time.Time }
	spans, err := queryAll(ctx, q, func(r scanner) (span, error) {
		var s span
		return s, r.Scan(&s.from, &s.to)
	}, `SELECT queued_at, created_at FROM moderation_decisions WHERE org_id=$1 AND actor_id <> ''
		AND queued_at IS NOT NULL AND created_at >= $2 AND created_at < $3`, orgID, from, to)
	if err != nil {
		return t, fmt.Errorf("transparency waits: %w", err)
	}
	for _, s := range spans {
		t.Waits = append(t.Waits, s.to.Sub(s.from))
	}
	return t, nil
}
