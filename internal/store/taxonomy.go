package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parvis/parvis/internal/model"
)

// Topics and neighbourhoods: the organisation's tags. Every query is scoped
// by organisation; a slug taken in the organisation is model.ErrConflict.

const topicColumns = `id, org_id, slug, name, description, service_id, created_at`

func scanTopic(row scanner) (model.Topic, error) {
	var (
		t       model.Topic
		service sql.NullString
	)
	err := row.Scan(&t.ID, &t.OrgID, &t.Slug, &t.Name, &t.Description, &service, &t.CreatedAt)
	t.ServiceID = service.String
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

// stringOrNil binds "" as NULL, for nullable references.
func stringOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// serviceInOrg refuses a service id that is not one of the organisation's
// (model.ErrNotFound); "" means no service and is always fine.
func (q *Queries) serviceInOrg(ctx context.Context, orgID, serviceID string) error {
	if serviceID == "" {
		return nil
	}
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM services WHERE org_id=$1 AND id=$2`, orgID, serviceID).Scan(&n); err != nil {
		return fmt.Errorf("service %s: %w", serviceID, err)
	}
	if n == 0 {
		return fmt.Errorf("service %s: %w", serviceID, model.ErrNotFound)
	}
	return nil
}

// CreateTopic adds a topic. Its service, if any, must belong to the same
// organisation (model.ErrNotFound otherwise).
func (q *Queries) CreateTopic(ctx context.Context, t model.Topic) error {
	if err := q.serviceInOrg(ctx, t.OrgID, t.ServiceID); err != nil {
		return fmt.Errorf("create topic %q: %w", t.Slug, err)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO topics (id, org_id, slug, name, description, service_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		t.ID, t.OrgID, t.Slug, t.Name, t.Description, stringOrNil(t.ServiceID), t.CreatedAt)
	if err != nil {
		return fmt.Errorf("create topic %q: %w", t.Slug, translate(err))
	}
	return nil
}

// UpdateTopic saves a topic's slug, name, description and service.
func (q *Queries) UpdateTopic(ctx context.Context, t model.Topic) error {
	if err := q.serviceInOrg(ctx, t.OrgID, t.ServiceID); err != nil {
		return fmt.Errorf("update topic %s: %w", t.ID, err)
	}
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE topics SET slug=$3, name=$4, description=$5, service_id=$6
		WHERE org_id=$1 AND id=$2`, t.OrgID, t.ID, t.Slug, t.Name, t.Description, stringOrNil(t.ServiceID)))
	if err != nil {
		return fmt.Errorf("update topic %s: %w", t.ID, err)
	}
	return nil
}

// DeleteTopic removes a topic (and its links to publications).
func (q *Queries) DeleteTopic(ctx context.Context, orgID, id string) error {
	if err := mustAffect(q.q.ExecContext(ctx, `DELETE FROM topics WHERE org_id=$1 AND id=$2`, orgID, id)); err != nil {
		return fmt.Errorf("delete topic %s: %w", id, err)
	}
	return nil
}

// TopicByID returns an organisation's topic.
func (q *Queries) TopicByID(ctx context.Context, orgID, id string) (model.Topic, error) {
	t, err := scanTopic(q.q.QueryRowContext(ctx, `SELECT `+topicColumns+` FROM topics WHERE org_id=$1 AND id=$2`, orgID, id))
	if err != nil {
		return t, fmt.Errorf("topic %s: %w", id, translate(err))
	}
	return t, nil
}

// TopicBySlug returns an organisation's topic by slug.
func (q *Queries) TopicBySlug(ctx context.Context, orgID, slug string) (model.Topic, error) {
	t, err := scanTopic(q.q.QueryRowContext(ctx, `SELECT `+topicColumns+` FROM topics WHERE org_id=$1 AND slug=$2`, orgID, slug))
	if err != nil {
		return t, fmt.Errorf("topic %q: %w", slug, translate(err))
	}
	return t, nil
}

// TopicsOf lists an organisation's topics by name.
func (q *Queries) TopicsOf(ctx context.Context, orgID string) ([]model.Topic, error) {
	out, err := queryAll(ctx, q, scanTopic, `SELECT `+topicColumns+` FROM topics WHERE org_id=$1 ORDER BY name, slug`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	return out, nil
}

const neighbourhoodColumns = `id, org_id, slug, name, description, created_at`

func scanNeighbourhood(row scanner) (model.Neighbourhood, error) {
	var n model.Neighbourhood
	err := row.Scan(&n.ID, &n.OrgID, &n.Slug, &n.Name, &n.Description, &n.CreatedAt)
	n.CreatedAt = n.CreatedAt.UTC()
	return n, err
}

// CreateNeighbourhood adds a neighbourhood.
func (q *Queries) CreateNeighbourhood(ctx context.Context, n model.Neighbourhood) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO neighbourhoods (id, org_id, slug, name, description, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)`, n.ID, n.OrgID, n.Slug, n.Name, n.Description, n.CreatedAt)
	if err != nil {
		return fmt.Errorf("create neighbourhood %q: %w", n.Slug, translate(err))
	}
	return nil
}

// UpdateNeighbourhood saves a neighbourhood's slug, name and description.
func (q *Queries) UpdateNeighbourhood(ctx context.Context, n model.Neighbourhood) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE neighbourhoods SET slug=$3, name=$4, description=$5
		WHERE org_id=$1 AND id=$2`, n.OrgID, n.ID, n.Slug, n.Name, n.Description))
	if err != nil {
		return fmt.Errorf("update neighbourhood %s: %w", n.ID, err)
	}
	return nil
}

// DeleteNeighbourhood removes a neighbourhood (and its links to publications).
func (q *Queries) DeleteNeighbourhood(ctx context.Context, orgID, id string) error {
	if err := mustAffect(q.q.ExecContext(ctx, `DELETE FROM neighbourhoods WHERE org_id=$1 AND id=$2`, orgID, id)); err != nil {
		return fmt.Errorf("delete neighbourhood %s: %w", id, err)
	}
	return nil
}

// NeighbourhoodByID returns an organisation's neighbourhood.
func (q *Queries) NeighbourhoodByID(ctx context.Context, orgID, id string) (model.Neighbourhood, error) {
	n, err := scanNeighbourhood(q.q.QueryRowContext(ctx, `SELECT `+neighbourhoodColumns+` FROM neighbourhoods
		WHERE org_id=$1 AND id=$2`, orgID, id))
	if err != nil {
		return n, fmt.Errorf("neighbourhood %s: %w", id, translate(err))
	}
	return n, nil
}

// NeighbourhoodBySlug returns an organisation's neighbourhood by slug.
func (q *Queries) NeighbourhoodBySlug(ctx context.Context, orgID, slug string) (model.Neighbourhood, error) {
	n, err := scanNeighbourhood(q.q.QueryRowContext(ctx, `SELECT `+neighbourhoodColumns+` FROM neighbourhoods
		WHERE org_id=$1 AND slug=$2`, orgID, slug))
	if err != nil {
		return n, fmt.Errorf("neighbourhood %q: %w", slug, translate(err))
	}
	return n, nil
}

// NeighbourhoodsOf lists an organisation's neighbourhoods by name.
func (q *Queries) NeighbourhoodsOf(ctx context.Context, orgID string) ([]model.Neighbourhood, error) {
	out, err := queryAll(ctx, q, scanNeighbourhood, `SELECT `+neighbourhoodColumns+` FROM neighbourhoods WHERE org_id=$1 ORDER BY name, slug`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list neighbourhoods: %w", err)
	}
	return out, nil
}

// TopicWithOrg returns a topic and its organisation's handle.
func (q *Queries) TopicWithOrg(ctx context.Context, id string) (model.Topic, string, error) {
	var handle string
	t, err := scanTopic(withExtra{row: q.q.QueryRowContext(ctx, `SELECT t.id, t.org_id, t.slug, t.name, t.description,
		t.service_id, t.created_at, o.handle FROM topics t JOIN organisations o ON o.id = t.org_id WHERE t.id=$1`, id),
		extra: []any{&handle}})
	if err != nil {
		return t, "", fmt.Errorf("topic %s: %w", id, translate(err))
	}
	return t, handle, nil
}
