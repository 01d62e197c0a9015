package organisations

import (
	"context"
	"errors"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/model"
)

// A dotless host name (an intranet's "parvis") cannot be an organisation's
// handle: WebFinger gives it to the instance actor. Validation refuses it
// before anything is written.
func TestOrganisationHandleSpellingTheHost(t *testing.T) {
	c := &core.Core{BaseURL: "http://parvis"}
	s := New(c, Deps{Hosts: fediverse.New(c, fediverse.Deps{})})
	_, err := s.CreateOrganisation(context.Background(), "", NewOrganisation{Handle: "parvis", Name: "Parvis", Kind: model.KindCommune})
	var v *model.ValidationError
	if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Code != "org.error.handle_reserved" {
		t.Fatalf("err = %v, want the handle refused as reserved", err)
	}
}
