package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parvis/parvis/internal/model"
)

const orgColumns = `id, handle, name, kind, description, contact_email, contact_phone, address,
	website, logo_path, publication_director, host, population, a11y_status, created_at, updated_at,
	brand_colour, header_colour, banner_path, banner_alt, banner_width, banner_height, banner_variants`

type scanner interface{ Scan(dest ...any) error }

func scanOrg(row scanner) (model.Organisation, error) {
	var o model.Organisation
	var variants string
	b := &o.Look.Banner
	err := row.Scan(&o.ID, &o.Handle, &o.Name, &o.Kind, &o.Description, &o.ContactEmail,
		&o.ContactPhone, &o.Address, &o.Website, &o.LogoPath, &o.PublicationDirector, &o.Host,
		&o.Population, &o.A11yStatus, &o.CreatedAt, &o.UpdatedAt,
		&o.Look.BrandColour, &o.Look.HeaderColour, &b.Path, &b.Alt, &b.Width, &b.Height, &variants)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	if err == nil && variants != "" {
		if err = json.Unmarshal([]byte(variants), &b.Variants); err != nil {
			err = fmt.Errorf("organisation %s banner variants: %w", o.ID, err)
		}
	}
	return o, err
}

// bannerVariants encodes a banner's resized copies as stored ("" for none).
func bannerVariants(b model.Media) (string, error) {
	if len(b.Variants) == 0 {
		return "", nil
	}
	j, err := json.Marshal(b.Variants)
	return string(j), err
}

// CreateOrganisation inserts o; a taken handle is model.ErrConflict.
func (q *Queries) CreateOrganisation(ctx context.Context, o model.Organisation) error {
	if o.A11yStatus == "" {
		o.A11yStatus = model.A11yNone
	}
	variants, err := bannerVariants(o.Look.Banner)
	if err != nil {
		return err
	}
	b := o.Look.Banner
	_, err = q.q.ExecContext(ctx, `INSERT INTO organisations (`+orgColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)`,
		o.ID, o.Handle, o.Name, o.Kind, o.Description, o.ContactEmail, o.ContactPhone, o.Address,
		o.Website, o.LogoPath, o.PublicationDirector, o.Host, o.Population, o.A11yStatus, o.CreatedAt, o.UpdatedAt,
		o.Look.BrandColour, o.Look.HeaderColour, b.Path, b.Alt, b.Width, b.Height, variants)
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

// UpdateOrganisationLook saves o's colours and banner (o.Look).
func (q *Queries) UpdateOrganisationLook(ctx context.Context, o model.Organisation) error {
	variants, err := bannerVariants(o.Look.Banner)
	if err != nil {
		return err
	}
	b := o.Look.Banner
	err = mustAffect(q.q.ExecContext(ctx, `UPDATE organisations SET brand_colour=$2, header_colour=$3,
		banner_path=$4, banner_alt=$5, banner_width=$6, banner_height=$7, banner_variants=$8, updated_at=$9 WHERE id=$1`,
		o.ID, o.Look.BrandColour, o.Look.HeaderColour, b.Path, b.Alt, b.Width, b.Height, variants, o.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update organisation look %s: %w", o.ID, err)
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
