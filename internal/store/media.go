package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parvis/parvis/internal/model"
)

const mediaColumns = `id, org_id, kind, path, original_name, content_type, alt, width, height, bytes, variants, uploaded_by, created_at`

func scanMedia(row scanner) (model.Media, error) {
	var (
		m        model.Media
		variants string
	)
	if err := row.Scan(&m.ID, &m.OrgID, &m.Kind, &m.Path, &m.OriginalName, &m.ContentType, &m.Alt, &m.Width,
		&m.Height, &m.Bytes, &variants, &m.UploadedBy, &m.CreatedAt); err != nil {
		return m, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	if variants != "" {
		if err := json.Unmarshal([]byte(variants), &m.Variants); err != nil {
			return m, fmt.Errorf("media %s variants: %w", m.ID, err)
		}
	}
	return m, nil
}

// CreateMedia records an uploaded file (already written to disk).
func (q *Queries) CreateMedia(ctx context.Context, m model.Media) error {
	variants := ""
	if len(m.Variants) > 0 {
		b, err := json.Marshal(m.Variants)
		if err != nil {
			return err
		}
		variants = string(b)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO media (`+mediaColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		m.ID, m.OrgID, m.Kind, m.Path, m.OriginalName, m.ContentType, m.Alt, m.Width, m.Height, m.Bytes,
		variants, m.UploadedBy, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("create media: %w", translate(err))
	}
	return nil
}

// MediaByID returns an organisation's media.
func (q *Queries) MediaByID(ctx context.Context, orgID, id string) (model.Media, error) {
	m, err := scanMedia(q.q.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE org_id=$1 AND id=$2`, orgID, id))
	if err != nil {
		return m, fmt.Errorf("media %s: %w", id, translate(err))
	}
	return m, nil
}

// MediaByPath returns the media stored at path (relative to the media root),
// whichever organisation it belongs to: media URLs are public.
func (q *Queries) MediaByPath(ctx context.Context, path string) (model.Media, error) {
	m, err := scanMedia(q.q.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE path=$1`, path))
	if err != nil {
		return m, fmt.Errorf("media %q: %w", path, translate(err))
	}
	return m, nil
}

// MediaOf lists an organisation's latest media of kind ("" for all), newest first.
func (q *Queries) MediaOf(ctx context.Context, orgID, kind string, limit int) ([]model.Media, error) {
	out, err := queryAll(ctx, q, scanMedia, `SELECT `+mediaColumns+` FROM media
		WHERE org_id=$1 AND ($2 = '' OR kind = $2) ORDER BY created_at DESC, id DESC LIMIT $3`, orgID, kind, limit)
	if err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	return out, nil
}

// MediaByIDs returns the organisation's media among ids, by id, in one
// query: the illustrations of a list of cards.
func (q *Queries) MediaByIDs(ctx context.Context, orgID string, ids []string) (map[string]model.Media, error) {
	out := map[string]model.Media{}
	if len(ids) == 0 {
		return out, nil
	}
	l, err := queryAll(ctx, q, scanMedia, `SELECT `+mediaColumns+` FROM media
		WHERE org_id=$1 AND id IN (`+placeholders(2, len(ids))+`)`, idArgs(orgID, ids)...)
	if err != nil {
		return nil, fmt.Errorf("media by ids: %w", err)
	}
	for _, m := range l {
		out[m.ID] = m
	}
	return out, nil
}
