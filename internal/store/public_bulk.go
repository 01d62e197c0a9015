package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parvis/parvis/internal/model"
)

// BulkInsertPublications writes many publications, with their topic and
// neighbourhood assignments, in multi-row statements. It serves the data
// generator (`parvis seed`) and tests that need volume; the editorial use
// cases create publications one by one with their revisions and history.
// Call it inside a transaction; on SQLite, index the published ones
// afterwards (ReindexOrganisation or IndexPublication).
func (q *Queries) BulkInsertPublications(ctx context.Context, pubs []model.Publication) error {
	const cols = `id, org_id, kind, slug, title, summary, body_md, body_html, state, author_id, revision,
		alert_level, alert_ends_at, job_title, job_grade, job_category, job_filiere, job_contract, job_time,
		job_place, job_closes_at, job_apply, created_at, updated_at, published_at, republished_at, image_id`
	const ncols = 27
	const rowsPerStmt = 400 // 400 × 27 parameters stays under both engines' limits
	for start := 0; start < len(pubs); start += rowsPerStmt {
		chunk := pubs[start:min(start+rowsPerStmt, len(pubs))]
		var (
			b    strings.Builder
			args = make([]any, 0, len(chunk)*ncols)
		)
		b.WriteString("INSERT INTO publications (" + cols + ") VALUES ")
		for i, p := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c := range ncols {
				if c > 0 {
					b.WriteByte(',')
				}
				b.WriteString(q.bulkParam(i*ncols + c + 1))
			}
			b.WriteByte(')')
			rev := p.Revision
			if rev == 0 {
				rev = 1
			}
			args = append(args, p.ID, p.OrgID, string(p.Kind), p.Slug, p.Title, p.Summary, p.BodyMD, p.BodyHTML,
				string(p.State), p.AuthorID, rev, string(p.AlertLevel), timeOrNil(p.AlertEndsAt), p.Job.Title,
				p.Job.Grade, p.Job.Category, p.Job.Filiere, p.Job.Contract, p.Job.Time, p.Job.Place,
				timeOrNil(p.Job.ClosesAt), p.Job.HowToApply, p.CreatedAt.UTC(), p.UpdatedAt.UTC(),
				timeOrNil(p.PublishedAt), timeOrNil(p.RepublishedAt), p.ImageID)
		}
		if _, err := q.q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("bulk insert publications: %w", translate(err))
		}
		if err := q.bulkLinks(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}

// bulkLinks inserts the topic and neighbourhood assignments of pubs.
func (q *Queries) bulkLinks(ctx context.Context, pubs []model.Publication) error {
	for _, link := range []struct {
		table, col string
		ids        func(model.Publication) []string
	}{
		{"publication_topics", "topic_id", func(p model.Publication) []string { return p.TopicIDs }},
		{"publication_neighbourhoods", "neighbourhood_id", func(p model.Publication) []string { return p.NeighbourhoodIDs }},
	} {
		var (
			b    strings.Builder
			args []any
		)
		for _, p := range pubs {
			for _, id := range link.ids(p) {
				if len(args) > 0 {
					b.WriteByte(',')
				}
				args = append(args, p.ID, id)
				b.WriteString("(" + q.bulkParam(len(args)-1) + "," + q.bulkParam(len(args)) + ")")
			}
		}
		if len(args) == 0 {
			continue
		}
		_, err := q.q.ExecContext(ctx, "INSERT INTO "+link.table+" (publication_id, "+link.col+") VALUES "+b.String(), args...)
		if err != nil {
			return fmt.Errorf("bulk insert %s: %w", link.table, translate(err))
		}
	}
	return nil
}

// bulkParam is the n-th parameter of a many-row statement. SQLite treats $N
// as a named parameter and looks each one up in a list, which is quadratic
// over thousands of them (most of the bulk insert's time went there);
// anonymous ? parameters are positional. PostgreSQL needs $N.
func (q *Queries) bulkParam(n int) string {
	if q.engine == SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}
