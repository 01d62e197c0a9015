package store

import (
	"context"
	"fmt"

	"github.com/parvis/parvis/internal/model"
)

const orgColumns = `id, handle, name, kind, description, contact_email, contact_phone, address,
	website, logo_path, publication_director, host, population, a11y_status, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanOrg(row scanner) (model.Organisation, error) {
	var o model.Organisation
	err := row.Scan(&o.ID, &o.Handle, &o.Name, &o.Kind, &o.Description, &o.ContactEmail,
		&o.ContactPhone, &o.Address, &o.Website, &o.LogoPath, &o.PublicationDirector, &o.Host,
		&o.Population, &o.A11yStatus, &o.CreatedAt, &o.UpdatedAt)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// CreateOrganisation inserts o; a taken handle is model.ErrConflict.
func (q *Queries) CreateOrganisation(ctx context.Context, o model.Organisation) error {
	if o.A11yStatus == "" {
		o.A11yStatus = model.A11yNone
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO organisations (`+orgColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		o.ID, o.Handle, o.Name, o.Kind, o.Description, o.ContactEmail, o.ContactPhone, o.Address,
		o.Website, o.LogoPath, o.PublicationDirector, o.Host, o.Population, o.A11yStatus, o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create organisation %q: %w", o.Handle, translate(err))
	}
	return nil
}

// UpdateOrganisationProfile saves the editable profile fields of o.
func (q *Queries) UpdateOrganisationProfile(ctx context.Context, o model.Organisation) error {
	err := mustAffect(q.q.ExecContext(ctx, `UPDATE organisations SET name=$2, kind=$3, description=$4,
		contact_email=$5, contact_phone=$6, address=$7, website=$8, logo_path=$9,
		publication_director=$10, host=$11, population=$12, updated_at=$13 WHERE id=$1`,
		o.ID, o.Name, o.Kind, o.Description, o.ContactEmail, o.ContactPhone, o.Address, o.Website,
		o.LogoPath, o.PublicationDirector, o.Host, o.Population, o.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update organisation %s: %w", o.ID, err)
	}
	return nil
}

// OrganisationByHandle finds an organisation by its public handle.
func (q *Queries) OrganisationByHandle(ctx context.Context, handle string) (model.Organisation, error) {
	o, err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE handle=$1`, handle))
	if err != nil {
		return o, fmt.Errorf("organisation %q: %w", handle, translate(err))
	}
	return o, nil
}

// OrganisationByID finds an organisation by id.
func (q *Queries) OrganisationByID(ctx context.Context, id string) (model.Organisation, error) {
	o, err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id=$1`, id))
	if err != nil {
		return o, fmt.Errorf("organisation %s: %w", id, translate(err))
	}
	return o, nil
}

// Organisations lists every organisation by name.
func (q *Queries) Organisations(ctx context.Context) ([]model.Organisation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations ORDER BY name, handle`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []model.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("scan organisation: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
