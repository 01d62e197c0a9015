package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parvis/parvis/internal/fts"
	"github.com/parvis/parvis/internal/model"
)

// Full-text search is the one place where the SQL differs between engines.
//
// PostgreSQL: a trigger on publications keeps publication_search (tsvectors
// built with the parvis_french configuration: unaccent + french_stem) in
// step, in the same transaction; IndexPublication has nothing to do there.
//
// SQLite: FTS5 has no French stemmer, so the text is folded and stemmed in Go
// (internal/fts) and stored in publication_search, which FTS5 indexes. The
// use cases call IndexPublication in the transaction that publishes or edits
// a publication. A trigger removes a publication from the index as soon as it
// leaves 'published' or its text changes, so a forgotten call can only make
// a publication missing from results, never show withdrawn text.

// IndexPublication (re)indexes publication id if it is published and
// removes it from the index otherwise.
func (q *Queries) IndexPublication(ctx context.Context, id string) error {
	if q.engine == Postgres {
		return nil // the publications_search trigger did it in this transaction
	}
	var (
		orgID, state, title, summary, bodyHTML, bodyMD string
		updated                                        time.Time
		published                                      sql.NullTime
	)
	err := q.q.QueryRowContext(ctx, `SELECT org_id, state, title, summary, body_html, body_md, updated_at, published_at
		FROM publications WHERE id = $1`, id).Scan(&orgID, &state, &title, &summary, &bodyHTML, &bodyMD, &updated, &published)
	if err != nil {
		return fmt.Errorf("index publication %s: %w", id, translate(err))
	}
	if model.PubState(state) != model.StatePublished {
		return q.UnindexPublication(ctx, id)
	}
	t, b := searchDocument(title, summary, bodyHTML, bodyMD)
	if published.Valid {
		updated = published.Time
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO publication_search (publication_id, org_id, title, body, published_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (publication_id) DO UPDATE SET org_id = excluded.org_id, title = excluded.title, body = excluded.body,
			published_at = excluded.published_at`,
		id, orgID, t, b, updated.UTC())
	if err != nil {
		return fmt.Errorf("index publication %s: %w", id, err)
	}
	return nil
}

// searchDocument is the stemmed text SQLite indexes for a publication.
func searchDocument(title, summary, bodyHTML, bodyMD string) (string, string) {
	body := bodyMD
	if bodyHTML != "" {
		body = fts.StripTags(bodyHTML)
	}
	return fts.Document(title), fts.Document(summary + " " + body)
}

// UnindexPublication removes publication id from search results.
func (q *Queries) UnindexPublication(ctx context.Context, id string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM publication_search WHERE publication_id = $1`, id); err != nil {
		return fmt.Errorf("unindex publication %s: %w", id, err)
	}
	return nil
}

// ReindexOrganisation rebuilds the SQLite index of an organisation's
// published publications (after a bulk import, or to recover an index);
// on PostgreSQL the index is always current.
func (s *Store) ReindexOrganisation(ctx context.Context, orgID string) (int, error) {
	if s.engine == Postgres {
		return 0, nil
	}
	n := 0
	const batch = 2000
	for offset := 0; ; offset += batch {
		var ids []string
		rows, err := s.q.QueryContext(ctx, `SELECT id FROM publications WHERE org_id = $1 AND state = 'published'
			ORDER BY id LIMIT $2 OFFSET $3`, orgID, batch, offset)
		if err != nil {
			return n, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return n, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		if len(ids) == 0 {
			return n, s.OptimizeSearchIndex(ctx)
		}
		err = s.InTx(ctx, func(tx *Tx) error {
			for _, id := range ids {
				if err := tx.IndexPublication(ctx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += len(ids)
	}
}

// OptimizeSearchIndex merges SQLite's full-text index into one segment after
// bulk indexing (seeding, ReindexOrganisation): a bulk load leaves several
// segments that every query has to merge (measured at 100,000
// publications: 8 segments, ~20% of a search's CPU). Day-to-day indexing
// relies on FTS5's automatic merging. Nothing to do on PostgreSQL.
func (s *Store) OptimizeSearchIndex(ctx context.Context) error {
	if s.engine == Postgres {
		return nil
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO publication_search_fts (publication_search_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize search index: %w", err)
	}
	return nil
}

// SearchResult is a page of results and the stems the query was reduced to
// (to highlight the matching words).
type SearchResult struct {
	Hits  []model.Publication // with BodyHTML, for snippets
	Stems []string
	More  bool // another page exists
}

// rankWindow is how many of an organisation's most recent matches are
// ranked by relevance (see SearchPublications).
const rankWindow = 1000

// maxQueryTerms bounds the work one query can ask for.
const maxQueryTerms = 8

// SearchPublications finds an organisation's published publications
// matching every word of query, best first, in one statement.
func (q *Queries) SearchPublications(ctx context.Context, orgID, query string, limit, offset int) (SearchResult, error) {
	res := SearchResult{Stems: fts.QueryTerms(query, maxQueryTerms)}
	if len(res.Stems) == 0 {
		return res, nil
	}
	var (
		sqlText string
		arg     any
	)
	if q.engine == Postgres {
		// Only the words the Go side kept, so both engines ignore the
		// same stop words and the same excess terms.
		arg = strings.Join(keptWords(query), " ")
		// As on SQLite, only the organisation's rankWindow most recent
		// matches are ranked: the planner either walks
		// publication_search_recent newest first checking each row (a
		// common word: the window fills within a few thousand rows) or
		// takes the GIN index's matches and sorts them (a rare word);
		// ranking and fetching every match of a common word took ~0.5 s at
		// 100,000 publications. Only the page's rows reach publications.
		// body holds the whole weighted document (migration 00043).
		sqlText = `WITH recent AS (
				SELECT s.publication_id, s.published_at, s.body AS doc
				FROM publication_search s
				WHERE s.org_id = $2 AND s.body @@ plainto_tsquery('parvis_french', $1)
				ORDER BY s.published_at DESC LIMIT ` + strconv.Itoa(rankWindow) + `),
			hits AS (
				SELECT r.publication_id, ts_rank(r.doc, plainto_tsquery('parvis_french', $1)) AS score, r.published_at
				FROM recent r ORDER BY score DESC, r.published_at DESC, r.publication_id LIMIT $3 OFFSET $4)
			SELECT ` + publicColumns + `, p.body_html
			FROM hits JOIN publications p ON p.id = hits.publication_id
			WHERE p.state = 'published'
			ORDER BY hits.score DESC, hits.published_at DESC, hits.publication_id`
	} else {
		// Ranking every match with bm25 costs ~150 ms for a word found in
		// tens of thousands of publications, so the ranking applies to the
		// most recently (re)indexed matches of the organisation: FTS5 walks
		// them newest first without ranking (the rowid follows indexing
		// order), and bm25 (title weighing ten times the text) orders those; older matches
		// beyond the window are reached with more specific words.
		arg = fts.MatchExpression(res.Stems)
		sqlText = `WITH recent AS (
				SELECT f.rowid AS seq, bm25(publication_search_fts, 10.0, 1.0) AS score
				FROM publication_search_fts f JOIN publication_search s ON s.seq = f.rowid
				WHERE publication_search_fts MATCH $1 AND s.org_id = $2
				ORDER BY f.rowid DESC LIMIT ` + strconv.Itoa(rankWindow) + `),
			hits AS (SELECT seq, score FROM recent ORDER BY score, seq DESC LIMIT $3 OFFSET $4)
			SELECT ` + publicColumns + `, p.body_html
			FROM hits JOIN publication_search s ON s.seq = hits.seq
			JOIN publications p ON p.id = s.publication_id
			WHERE p.state = 'published'
			ORDER BY hits.score, hits.seq DESC`
	}
	args := []any{arg, orgID, limit + 1, offset}
	if q.engine == Postgres {
		// Planned for each query's words (an unnamed statement), never
		// with a cached generic plan: the right plan depends on how common
		// the words are, which a generic plan cannot know (measured: a
		// common word went from ~5 ms to ~100 ms once PostgreSQL switched
		// the prepared statement to its generic plan).
		args = append([]any{pgx.QueryExecModeExec}, args...)
	}
	rows, err := q.q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return res, fmt.Errorf("search: %w", err)
	}
	hits, err := scanPublicRows(rows, true)
	if err != nil {
		return res, err
	}
	if len(hits) > limit {
		hits, res.More = hits[:limit], true
	}
	res.Hits = hits
	return res, nil
}

// keptWords returns the query's words that are not stop words, at most
// maxQueryTerms distinct ones.
func keptWords(query string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(query, func(r rune) bool { return !fts.IsWordRune(r) }) {
		t := fts.Terms(w)
		if len(t) == 0 || seen[t[0]] || len(out) >= maxQueryTerms {
			continue
		}
		seen[t[0]] = true
		out = append(out, w)
	}
	return out
}

// BulkIndexPublications indexes freshly bulk-inserted publications from
// their values (SQLite; PostgreSQL's trigger already did it).
func (q *Queries) BulkIndexPublications(ctx context.Context, pubs []model.Publication) error {
	if q.engine == Postgres {
		return nil
	}
	const perStmt = 500
	var (
		b    strings.Builder
		args []any
	)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := q.q.ExecContext(ctx, `INSERT INTO publication_search (publication_id, org_id, title, body, published_at) VALUES `+b.String(), args...)
		b.Reset()
		args = args[:0]
		if err != nil {
			return fmt.Errorf("bulk index: %w", err)
		}
		return nil
	}
	for _, p := range pubs {
		if p.State != model.StatePublished {
			continue
		}
		if len(args) > 0 {
			b.WriteByte(',')
		}
		t, body := searchDocument(p.Title, p.Summary, p.BodyHTML, p.BodyMD)
		at := p.UpdatedAt
		if p.PublishedAt != nil {
			at = *p.PublishedAt
		}
		args = append(args, p.ID, p.OrgID, t, body, at.UTC())
		n := len(args)
		b.WriteString("(" + q.bulkParam(n-4) + "," + q.bulkParam(n-3) + "," + q.bulkParam(n-2) + "," + q.bulkParam(n-1) + "," + q.bulkParam(n) + ")")
		if len(args)/5 >= perStmt {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
