package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// chainKind describes one kind of row the tamper-evident history links:
// where the row lives, which organisation it belongs to and which columns
// are its content. The columns are every column of an append-only table,
// so that any change to a stored row changes its hash.
type chainKind struct {
	from string // FROM clause, the row aliased x
	org  string // expression of the row's organisation
	cols string // the content, in a fixed order
	at   string // expression ordering rows for the backfill
}

// ChainKinds lists the kinds of links, in the order the backfill takes
// them. docs/ARCHIVES.md explains the choice.
var ChainKinds = []string{"publication_revision", "publication_transition", "comment_revision", "moderation_decision", "audit"}

var chainKinds = map[string]chainKind{
	"publication_revision": {
		from: `publication_revisions x JOIN publications p ON p.id = x.publication_id`, org: `p.org_id`,
		cols: `x.id, x.publication_id, x.revision, x.title, x.summary, x.body_md, x.fields, x.author_id, x.created_at`,
		at:   `x.created_at`,
	},
	"publication_transition": {
		from: `publication_transitions x`, org: `x.org_id`,
		cols: `x.id, x.publication_id, x.org_id, x.from_state, x.to_state, x.actor_id, x.comment, x.created_at`,
		at:   `x.created_at`,
	},
	"comment_revision": {
		from: `comment_revisions x JOIN comments c ON c.id = x.comment_id`, org: `c.org_id`,
		cols: `x.id, x.comment_id, x.body, x.created_at`, at: `x.created_at`,
	},
	"moderation_decision": {
		from: `moderation_decisions x`, org: `x.org_id`,
		cols: `x.id, x.org_id, x.comment_id, x.author_id, x.actor_id, x.action, x.sanction, x.source, x.rule_number,
			x.rule_text, x.legal_ground, x.note, x.queued_at, x.created_at`,
		at: `x.created_at`,
	},
	"audit": {
		from: `audit_log x`, org: `x.org_id`,
		cols: `x.id, x.org_id, x.actor_id, x.action, x.target, x.detail, x.created_at`, at: `x.created_at`,
	},
}

// canonicalRow reads a row of kind back from its table and serialises it
// canonically: a JSON array of its columns, times in UTC RFC 3339 with
// nanoseconds, integers as integers, NULL as null. Reading it back (rather
// than serialising the Go value that was inserted) makes the append and
// the verification see exactly the same bytes. found is false when the row
// is gone.
func (q *Queries) canonicalRow(ctx context.Context, kind, id string) (orgID string, row []byte, found bool, err error) {
	k, ok := chainKinds[kind]
	if !ok {
		return "", nil, false, fmt.Errorf("chain: unknown kind %q: %w", kind, model.ErrInvalid)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+k.org+`, `+k.cols+` FROM `+k.from+` WHERE x.id = $1`, id)
	if err != nil {
		return "", nil, false, fmt.Errorf("chain: read %s %s: %w", kind, id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", nil, false, rows.Err()
	}
	cols, err := rows.Columns()
	if err != nil {
		return "", nil, false, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", nil, false, fmt.Errorf("chain: scan %s %s: %w", kind, id, err)
	}
	out := make([]any, 0, len(vals)-1)
	for _, v := range vals[1:] {
		out = append(out, canonicalValue(v))
	}
	row, err = json.Marshal(out)
	return fmt.Sprint(canonicalValue(vals[0])), row, true, err
}

// canonicalValue turns what either driver returns into one form.
func canonicalValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// LinkHash is one link's hash: SHA-256 of the previous link's hash (hex,
// "" for the first link) followed by a header naming the link (its place in
// the chain, kind and row id) and the row's canonical serialisation.
func LinkHash(prev string, seq int64, kind, id string, row []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	fmt.Fprintf(h, "\n%d\n%s\n%s\n", seq, kind, id)
	h.Write(row)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainAppend links the row id of kind, just inserted, to the end of its
// organisation's chain. Run it in the transaction that inserted the row, so
// that the row and its link commit together: on PostgreSQL the head row is
// locked (FOR UPDATE) until the commit, and SQLite has one writer.
func (q *Queries) ChainAppend(ctx context.Context, kind, id string, at time.Time) error {
	orgID, row, found, err := q.canonicalRow(ctx, kind, id)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("chain: %s %s: %w", kind, id, model.ErrNotFound)
	}
	seq, prev, err := q.lockChainHead(ctx, orgID)
	if err != nil {
		return err
	}
	seq++
	hash := LinkHash(prev, seq, kind, id, row)
	if _, err := q.q.ExecContext(ctx, `INSERT INTO archive_chain (org_id, seq, kind, row_id, hash, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, orgID, seq, kind, id, hash, at.UTC()); err != nil {
		return fmt.Errorf("chain: link %s %s: %w", kind, id, translate(err))
	}
	// Guarded by the old position too: a writer outside a transaction that
	// raced another finds nothing to update rather than moving the head back.
	err = mustAffect(q.q.ExecContext(ctx, `UPDATE archive_chain_heads SET seq = $2, hash = $3 WHERE org_id = $1 AND seq = $4`,
		orgID, seq, hash, seq-1))
	if err != nil {
		return fmt.Errorf("chain: move head of %q: %w", orgID, err)
	}
	return nil
}

// lockChainHead returns the organisation's last link, creating the empty
// head on first use, locked until the transaction ends on PostgreSQL.
func (q *Queries) lockChainHead(ctx context.Context, orgID string) (int64, string, error) {
	lock := ""
	if q.engine == Postgres {
		lock = ` FOR UPDATE`
	}
	for range 2 {
		var seq int64
		var hash string
		err := q.q.QueryRowContext(ctx, `SELECT seq, hash FROM archive_chain_heads WHERE org_id = $1`+lock, orgID).Scan(&seq, &hash)
		if err == nil {
			return seq, hash, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", fmt.Errorf("chain: head of %q: %w", orgID, translate(err))
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO archive_chain_heads (org_id, seq, hash) VALUES ($1, 0, '')
			ON CONFLICT (org_id) DO NOTHING`, orgID); err != nil {
			return 0, "", fmt.Errorf("chain: create head of %q: %w", orgID, translate(err))
		}
	}
	return 0, "", fmt.Errorf("chain: head of %q vanished: %w", orgID, model.ErrConflict)
}

// ChainHead is the last link of an organisation's chain: whoever keeps it
// (an archive's manifest) can later prove that nothing before it changed.
type ChainHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// ChainHeadOf returns the organisation's last link (zero when it has none).
func (q *Queries) ChainHeadOf(ctx context.Context, orgID string) (ChainHead, error) {
	var h ChainHead
	err := q.q.QueryRowContext(ctx, `SELECT seq, hash FROM archive_chain_heads WHERE org_id = $1`, orgID).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return ChainHead{}, nil
	}
	if err != nil {
		return h, fmt.Errorf("chain head: %w", err)
	}
	return h, nil
}
