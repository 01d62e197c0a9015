package app

import (
	"context"
	"errors"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
)

// The user part of a WebFinger address: the host is the instance actor
// before anything else, then one handle or a handle and a topic joined by
// the only dot; anything else is nobody.
func TestParseAcct(t *testing.T) {
	a := &App{Core: &core.Core{BaseURL: "https://bellerive.fr"}}
	for user, want := range map[string]LocalRef{
		"bellerive.fr":      {Kind: model.ActorInstance},
		"Bellerive.FR":      {Kind: model.ActorInstance},
		"bellerive":         {Kind: model.ActorOrg, Handle: "bellerive"},
		"bellerive.travaux": {Kind: model.ActorTopic, Handle: "bellerive", Slug: "travaux"},
		"ville.fr":          {Kind: model.ActorTopic, Handle: "ville", Slug: "fr"},
	} {
		if got, ok := a.ParseAcct(user); !ok || got != want {
			t.Errorf("ParseAcct(%q) = %+v %v, want %+v", user, got, ok, want)
		}
	}
	for _, user := range []string{"", "a.b.c", "bellerive.fr.", ".fr", "bellerive:8080", "a b", "é"} {
		if got, ok := a.ParseAcct(user); ok {
			t.Errorf("ParseAcct(%q) = %+v, want nobody", user, got)
		}
	}
	// With a port, the instance actor's name is the host name alone (a
	// user name has no colon), and host:port still finds it.
	p := &App{Core: &core.Core{BaseURL: "http://127.0.0.1:8080"}}
	if p.InstanceUsername() != "127.0.0.1" {
		t.Errorf("instance user name %q, want the host without its port", p.InstanceUsername())
	}
	for _, user := range []string{"127.0.0.1", "127.0.0.1:8080"} {
		if got, ok := p.ParseAcct(user); !ok || got.Kind != model.ActorInstance {
			t.Errorf("host with port, %q: %+v %v", user, got, ok)
		}
	}
}

// A dotless host name (an intranet's "parvis") cannot be an organisation's
// handle: WebFinger gives it to the instance actor. Validation refuses it
// before anything is written.
func TestOrganisationHandleSpellingTheHost(t *testing.T) {
	a := &App{Core: &core.Core{BaseURL: "http://parvis"}}
	_, err := a.CreateOrganisation(context.Background(), "", NewOrganisation{Handle: "parvis", Name: "Parvis", Kind: model.KindCommune})
	var v *model.ValidationError
	if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Code != "org.error.handle_reserved" {
		t.Fatalf("err = %v, want the handle refused as reserved", err)
	}
	if !a.collidesWithHost("parvis", "") || a.collidesWithHost("parvis", "travaux") || !(&App{Core: &core.Core{BaseURL: "https://ville.fr"}}).collidesWithHost("ville", "fr") {
		t.Error("collidesWithHost")
	}
}
