package store

import (
	"context"
	"fmt"
	"time"
)

// Screening word-list names.
const (
	WordsWatched = "watched"
	WordsBlocked = "blocked"
	WordsAllowed = "allowed"
)

// ScreenWords returns an organisation's word lists by list name.
func (q *Queries) ScreenWords(ctx context.Context, orgID string) (map[string][]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT list, word FROM screen_words WHERE org_id=$1 ORDER BY list, word`, orgID)
	if err != nil {
		return nil, fmt.Errorf("screen words: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var list, word string
		if err := rows.Scan(&list, &word); err != nil {
			return nil, err
		}
		out[list] = append(out[list], word)
	}
	return out, rows.Err()
}

// ReplaceScreenWords replaces one list of an organisation.
func (q *Queries) ReplaceScreenWords(ctx context.Context, orgID, list string, words []string, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM screen_words WHERE org_id=$1 AND list=$2`, orgID, list); err != nil {
		return fmt.Errorf("clear %s words: %w", list, err)
	}
	for _, w := range words {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO screen_words (org_id, list, word, created_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (org_id, list, word) DO NOTHING`, orgID, list, w, at); err != nil {
			return fmt.Errorf("add %s word: %w", list, translate(err))
		}
	}
	return nil
}
