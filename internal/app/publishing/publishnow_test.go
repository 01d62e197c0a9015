package publishing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// SaveAndPublish ("Publier maintenant") saves and publishes in one
// transaction for whom the policy lets publish alone; refused (an editor,
// or a kind that needs approval first), nothing is saved.
func TestSaveAndPublish(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		n := newNewsroom(t, engine) // news need approval; alerts do not
		ctx := context.Background()
		alert := func() model.PubInput {
			return model.PubInput{ID: core.NewID(), Kind: model.KindAlert, Title: "Coupure d'eau rue Haute",
				Summary: "Jusqu'à 18 h.", AlertLevel: string(model.AlertVigilance)}
		}
		saved := func(id string) bool {
			_, err := n.ts.Store.PublicationByID(ctx, n.org.ID, id)
			return err == nil
		}
		in := alert()
		if _, err := n.pub.SaveAndPublish(ctx, n.editor.ID, n.org.ID, in); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("editor: %v, want ErrForbidden", err)
		}
		if saved(in.ID) {
			t.Fatal("a refused « publier maintenant » saved the alert")
		}
		news := model.PubInput{ID: core.NewID(), Kind: model.KindNews, Title: "Le marché déménage", Body: "Place de la Mairie."}
		if _, err := n.pub.SaveAndPublish(ctx, n.manager.ID, n.org.ID, news); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("news needing approval: %v, want ErrForbidden", err)
		}
		if saved(news.ID) {
			t.Fatal("news needing approval were saved by a refused « publier maintenant »")
		}
		res, err := n.pub.SaveAndPublish(ctx, n.manager.ID, n.org.ID, in)
		if err != nil || !res.Created || res.Publication.State != model.StatePublished {
			t.Fatalf("manager: %v, created %v, state %s", err, res.Created, res.Publication.State)
		}
	})
}
