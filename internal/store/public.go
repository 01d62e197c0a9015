package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// The public read side: what residents see. Every query here filters on
// state = 'published', so a draft, a submitted or a withdrawn publication can
// never reach a public page, a feed, the sitemap or search results.

// publicColumns are the columns of a publication shown in lists; the body is
// added for pages and feeds.
const publicColumns = `p.id, p.org_id, p.kind, p.slug, p.title, p.summary, p.state, p.revision,
	p.alert_level, p.alert_ends_at, p.job_title, p.job_grade, p.job_category, p.job_filiere,
	p.job_contract, p.job_time, p.job_place, p.job_closes_at, p.job_apply, p.image_id,
	p.created_at, p.updated_at, p.published_at, p.republished_at`

func scanPublic(row scanner, withBody bool) (model.Publication, error) {
	var (
		p                               model.Publication
		alertEnds, closes, pub, republd sql.NullTime
	)
	dest := []any{&p.ID, &p.OrgID, &p.Kind, &p.Slug, &p.Title, &p.Summary, &p.State, &p.Revision,
		&p.AlertLevel, &alertEnds, &p.Job.Title, &p.Job.Grade, &p.Job.Category, &p.Job.Filiere,
		&p.Job.Contract, &p.Job.Time, &p.Job.Place, &closes, &p.Job.HowToApply, &p.ImageID,
		&p.CreatedAt, &p.UpdatedAt, &pub, &republd}
	if withBody {
		dest = append(dest, &p.BodyHTML)
	}
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	p.AlertEndsAt, p.Job.ClosesAt = nullTime(alertEnds), nullTime(closes)
	p.PublishedAt, p.RepublishedAt = nullTime(pub), nullTime(republd)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

func scanPublicRows(rows *sql.Rows, withBody bool) ([]model.Publication, error) {
	defer rows.Close()
	var out []model.Publication
	for rows.Next() {
		p, err := scanPublic(rows, withBody)
		if err != nil {
			return nil, fmt.Errorf("scan publication: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PublicGeneration returns the organisation's id and the generation of its
// public pages (bumped by triggers on every change, see migration 00041):
// one indexed read, run by the page cache on every anonymous request.
func (q *Queries) PublicGeneration(ctx context.Context, handle string) (orgID string, gen int64, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT o.id, COALESCE(g.generation, 0) FROM organisations o
		LEFT JOIN public_generations g ON g.org_id = o.id WHERE o.handle = $1`, handle).Scan(&orgID, &gen)
	if err != nil {
		return "", 0, fmt.Errorf("organisation %q: %w", handle, translate(err))
	}
	return orgID, gen, nil
}

// PublishedBySlug returns a published publication with its body, and the
// topics and neighbourhoods it is filed under (two statements).
func (q *Queries) PublishedBySlug(ctx context.Context, orgID, slug string) (model.Publication, []model.Topic, []model.Neighbourhood, error) {
	p, err := scanPublic(q.q.QueryRowContext(ctx, `SELECT `+publicColumns+`, p.body_html FROM publications p
		WHERE p.org_id = $1 AND p.slug = $2 AND p.state = 'published'`, orgID, slug), true)
	if err != nil {
		return p, nil, nil, fmt.Errorf("publication %q: %w", slug, translate(err))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT 't', t.id, t.slug, t.name FROM publication_topics pt
		JOIN topics t ON t.id = pt.topic_id WHERE pt.publication_id = $1
		UNION ALL
		SELECT 'n', n.id, n.slug, n.name FROM publication_neighbourhoods pn
		JOIN neighbourhoods n ON n.id = pn.neighbourhood_id WHERE pn.publication_id = $1
		ORDER BY 1, 4`, p.ID)
	if err != nil {
		return p, nil, nil, fmt.Errorf("publication %q taxonomy: %w", slug, err)
	}
	defer rows.Close()
	var (
		topics []model.Topic
		nbs    []model.Neighbourhood
	)
	for rows.Next() {
		var kind, id, s, name string
		if err := rows.Scan(&kind, &id, &s, &name); err != nil {
			return p, nil, nil, err
		}
		if kind == "t" {
			topics = append(topics, model.Topic{ID: id, OrgID: orgID, Slug: s, Name: name})
			p.TopicIDs = append(p.TopicIDs, id)
		} else {
			nbs = append(nbs, model.Neighbourhood{ID: id, OrgID: orgID, Slug: s, Name: name})
			p.NeighbourhoodIDs = append(p.NeighbourhoodIDs, id)
		}
	}
	return p, topics, nbs, rows.Err()
}

// PublicList returns published publications, newest first, in one
// statement.
func (q *Queries) PublicList(ctx context.Context, f model.PublicFilter) ([]model.Publication, error) {
	var (
		where = []string{"p.org_id = $1", "p.state = 'published'"}
		args  = []any{f.OrgID}
		from  = "publications p"
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.Kinds) == 0 {
		f.Kinds = []model.PubKind{model.KindNews, model.KindAlert, model.KindJob, model.KindEvent}
	}
	var in []string
	for _, k := range f.Kinds {
		in = append(in, arg(string(k)))
	}
	where = append(where, "p.kind IN ("+strings.Join(in, ",")+")")
	order := "p.published_at DESC, p.id DESC"
	// A tag's page walks the join table's (tag, listed_at) index newest
	// first (listed_at is published_at while published, migration 00042),
	// so a page reads its rows only instead of sorting the organisation's.
	if f.TopicID != "" {
		from = "publication_topics pt JOIN publications p ON p.id = pt.publication_id"
		where = append(where, "pt.topic_id = "+arg(f.TopicID), "pt.listed_at IS NOT NULL")
		order = "pt.listed_at DESC, pt.publication_id DESC"
	}
	if f.NeighbourhoodID != "" {
		if f.TopicID == "" {
			from = "publication_neighbourhoods pn JOIN publications p ON p.id = pn.publication_id"
			order = "pn.listed_at DESC, pn.publication_id DESC"
		} else {
			from += " JOIN publication_neighbourhoods pn ON pn.publication_id = p.id"
		}
		where = append(where, "pn.neighbourhood_id = "+arg(f.NeighbourhoodID), "pn.listed_at IS NOT NULL")
	}
	if f.ActiveAt != nil {
		now := arg(f.ActiveAt.UTC())
		where = append(where, "(p.kind <> 'alert' OR p.alert_ends_at IS NULL OR p.alert_ends_at > "+now+")",
			"(p.kind <> 'job' OR p.job_closes_at IS NULL OR p.job_closes_at > "+now+")")
		order = "CASE p.alert_level WHEN 'urgence' THEN 0 WHEN 'vigilance' THEN 1 ELSE 2 END, " + order
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	cols := publicColumns
	if f.WithBody {
		cols += ", p.body_html"
	}
	query := `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(f.Offset)
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("public list: %w", err)
	}
	return scanPublicRows(rows, f.WithBody)
}

// SitemapEntry is one public publication URL for sitemap.xml.
type SitemapEntry struct {
	Slug     string
	Modified time.Time
}

// PublicSitemap lists an organisation's published slugs with their last
// public change, newest first, one page at a time.
func (q *Queries) PublicSitemap(ctx context.Context, orgID string, limit, offset int) ([]SitemapEntry, error) {
	// Both dates are read and compared in Go: SQLite gives an expression
	// over timestamps back as text.
	rows, err := q.q.QueryContext(ctx, `SELECT slug, published_at, republished_at, updated_at FROM publications
		WHERE org_id = $1 AND state = 'published' ORDER BY published_at DESC, id DESC LIMIT $2 OFFSET $3`,
		orgID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	defer rows.Close()
	var out []SitemapEntry
	for rows.Next() {
		var (
			e        SitemapEntry
			pub, rep sql.NullTime
		)
		// A published row without a date (written before published_at
		// was stored on creation) falls back on its last update rather
		// than failing the whole sitemap.
		if err := rows.Scan(&e.Slug, &pub, &rep, &e.Modified); err != nil {
			return nil, err
		}
		if pub.Valid {
			e.Modified = pub.Time
		}
		if rep.Valid && rep.Time.After(e.Modified) {
			e.Modified = rep.Time
		}
		e.Modified = e.Modified.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// PublishedCount counts an organisation's published publications (for the
// sitemap index).
func (q *Queries) PublishedCount(ctx context.Context, orgID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM publications WHERE org_id = $1 AND state = 'published'`, orgID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count published: %w", err)
	}
	return n, nil
}
