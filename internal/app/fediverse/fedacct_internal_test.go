package fediverse

import (
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
)

// The user part of a WebFinger address: the host is the instance actor
// before anything else, then one handle or a handle and a topic joined by
// the only dot; anything else is nobody.
func TestParseAcct(t *testing.T) {
	a := &Service{Core: &core.Core{BaseURL: "https://bellerive.fr"}}
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
	p := &Service{Core: &core.Core{BaseURL: "http://127.0.0.1:8080"}}
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
// handle, nor a handle and a topic the host spelled with a dot: WebFinger
// gives those addresses to the instance actor.
func TestCollidesWithHost(t *testing.T) {
	a := &Service{Core: &core.Core{BaseURL: "http://parvis"}}
	if !a.CollidesWithHost("parvis", "") || a.CollidesWithHost("parvis", "travaux") || !(&Service{Core: &core.Core{BaseURL: "https://ville.fr"}}).CollidesWithHost("ville", "fr") {
		t.Error("CollidesWithHost")
	}
}
