package organisations

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

var handlePattern = regexp.MustCompile(`^[a-z0-9-]{3,30}$`)

// reservedHandles cannot be organisation handles: they are top-level routes.
var reservedHandles = map[string]bool{
	"account": true, "admin": true, "api": true, "healthz": true, "login": true, "logout": true,
	"metrics": true, "password": true, "signup": true, "static": true, "staff": true, "verify": true,
	"invitations": true, "lang": true, "media": true, "well-known": true, "users": true, "search": true,
	"feeds": true, "sitemap": true, "robots": true, "inbox": true, "nodeinfo": true, "email": true,
	"abonnement": true, "confirmer-abonnement": true,
	"actor": true, "accessibilite": true, "mentions-legales": true, "donnees-personnelles": true, "contact": true,
}

// List lists the instance's organisations (the home page, the sitemap,
// feeds and federation read it; no policy: they are public).
func (s *Service) List(ctx context.Context) ([]model.Organisation, error) {
	return s.Store.Organisations(ctx)
}

// NewOrganisation describes an organisation to create.
type NewOrganisation struct {
	Handle string
	Name   string
	Kind   model.OrgKind
}

// CreateOrganisation validates and creates an organisation (operator action).
func (s *Service) CreateOrganisation(ctx context.Context, actorID string, in NewOrganisation) (model.Organisation, error) {
	return s.createOrganisation(ctx, actorID, in, nil)
}

// createOrganisation validates and inserts; then, when set, runs in the same
// transaction (e.g. to make the creator its administrator).
func (s *Service) createOrganisation(ctx context.Context, actorID string, in NewOrganisation, then func(tx *store.Tx, o model.Organisation) error) (model.Organisation, error) {
	in.Handle = strings.TrimSpace(in.Handle)
	in.Name = strings.TrimSpace(in.Name)
	if in.Kind == "" {
		in.Kind = model.KindCommune
	}
	v := &model.ValidationError{}
	switch {
	case !handlePattern.MatchString(in.Handle) || strings.HasPrefix(in.Handle, "-") || strings.HasSuffix(in.Handle, "-"):
		v.Add("handle", "org.error.handle_format")
	case reservedHandles[in.Handle], s.Hosts.CollidesWithHost(in.Handle, ""):
		v.Add("handle", "org.error.handle_reserved")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 120 {
		v.Add("name", "org.error.name")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "org.error.kind")
	}
	if err := v.Err(); err != nil {
		return model.Organisation{}, err
	}
	now := s.Now()
	o := model.Organisation{ID: core.NewID(), Handle: in.Handle, Name: in.Name, Kind: in.Kind, CreatedAt: now, UpdatedAt: now}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrganisation(ctx, o); err != nil {
			if errors.Is(err, model.ErrConflict) {
				v.Add("handle", "org.error.handle_taken")
				return v
			}
			return err
		}
		if err := s.Audit(ctx, tx, o.ID, actorID, "org.create", o.Handle, o.Name); err != nil {
			return err
		}
		if then != nil {
			return then(tx, o)
		}
		return nil
	})
	return o, err
}
