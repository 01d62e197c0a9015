package e2e

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func alertForm(id, title string) url.Values {
	return url.Values{"id": {id}, "kind": {"alert"}, "title": {title}, "summary": {"Coupure d'eau rue Haute jusqu'à 18 h."},
		"alert_level": {"vigilance"}, "body": {""}}
}

// Issue 18: a manager publishes an alert in one step ("Publier maintenant":
// saved and published in one transaction); an editor may not, and nothing
// of a refused request is saved.
func TestPublishNowAlert(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Clock.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		ts.Staff(t, "communication@bellerive.test", "bellerive", model.RoleManager)
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		editor, manager, admin := ts.Client(t), ts.Client(t), ts.Client(t)
		ts.LoginAs(t, editor, "redaction@bellerive.test")
		ts.LoginAs(t, manager, "communication@bellerive.test")
		ts.LoginAs(t, admin, "admin@bellerive.test")
		const button = `name="op" value="publish_now"`

		if r := editor.Get("/admin/bellerive/publications/new?kind=alert"); r.Status != 200 || strings.Contains(r.Body, button) {
			t.Fatalf("an editor is offered « Publier maintenant » (%d)", r.Status)
		}
		// Refused: an editor cannot publish now, and nothing is saved.
		id := newDraftID(t, editor, "bellerive", "alert")
		form := alertForm(id, "Coupure d'eau rue Haute")
		form.Set("op", "publish_now")
		if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", form); r.Status != 403 {
			t.Fatalf("editor « publier maintenant » = %d, want 403", r.Status)
		}
		if _, err := ts.Store.PublicationByID(context.Background(), org.ID, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a refused « publier maintenant » saved the alert: %v", err)
		}

		// A manager: one step.
		r := manager.Get("/admin/bellerive/publications/new?kind=alert")
		if r.Status != 200 || !strings.Contains(r.Body, button) || !has(r, "Publier maintenant") {
			t.Fatalf("the manager's new alert does not offer « Publier maintenant » (%d)", r.Status)
		}
		id = newDraftID(t, manager, "bellerive", "alert")
		// Not ready (no summary): kept as a draft, not published; the form
		// comes back with why.
		bad := alertForm(id, "Coupure d'eau rue Haute")
		bad.Set("summary", "")
		bad.Set("op", "publish_now")
		if r := postMultipart(t, ts, manager, "/admin/bellerive/publications", bad); r.Status != 422 || !has(r, "Coupure d'eau rue Haute") {
			t.Fatalf("not ready « publier maintenant » = %d", r.Status)
		}
		if p := stateOf(t, ts, org.ID, id); p.State != model.StateDraft {
			t.Fatalf("an alert not ready: %s, want a draft", p.State)
		}
		form = alertForm(id, "Coupure d'eau rue Haute")
		form.Set("op", "publish_now")
		if r := postMultipart(t, ts, manager, "/admin/bellerive/publications", form); r.Status != 303 || r.Location != "/admin/bellerive/publications/"+id {
			t.Fatalf("manager « publier maintenant » = %d %q\n%s", r.Status, r.Location, r.Body)
		}
		if p := stateOf(t, ts, org.ID, id); p.State != model.StatePublished || p.PublishedAt == nil {
			t.Fatalf("after « publier maintenant »: %s", p.State)
		}

		// Where alerts need approval, nobody publishes them alone.
		if r := admin.Post("/admin/bellerive/publishing-settings", url.Values{"required": {"alert"}}); r.Status != 303 {
			t.Fatalf("settings = %d", r.Status)
		}
		if r := manager.Get("/admin/bellerive/publications/new?kind=alert"); strings.Contains(r.Body, button) {
			t.Fatal("« Publier maintenant » offered where alerts need approval")
		}
		id = newDraftID(t, manager, "bellerive", "alert")
		form = alertForm(id, "Crue de la Loire")
		form.Set("op", "publish_now")
		if r := postMultipart(t, ts, manager, "/admin/bellerive/publications", form); r.Status != 403 {
			t.Fatalf("« publier maintenant » under required validation = %d, want 403", r.Status)
		}
		if _, err := ts.Store.PublicationByID(context.Background(), org.ID, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a refused « publier maintenant » saved the alert: %v", err)
		}
	})
}

var chosenImage = regexp.MustCompile(`(?:<option value="([0-9a-f-]{36})" selected>|name="image_id" value="([0-9a-f-]{36})")`)

// Issue 18: "Prévisualiser" keeps a freshly chosen image: the upload is
// stored as a media first and the re-displayed form carries its id, so the
// item goes to validation with it.
func TestPreviewKeepsTheChosenImage(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		ts.Staff(t, "maire@bellerive.test", "bellerive", model.RoleValidator)
		editor := ts.Client(t)
		ts.LoginAs(t, editor, "redaction@bellerive.test")

		id := newDraftID(t, editor, "bellerive", "news")
		form := newsForm(id, "Le marché de Noël ouvre samedi", "Rendez-vous place de la Mairie.")
		form.Set("op", "preview")
		form.Set("image_alt", "Les chalets du marché sous les guirlandes")
		r := postMultipart(t, ts, editor, "/admin/bellerive/publications", form, upload{"image_file", "marche.png", pngImage(t, 64, 48)})
		if r.Status != 200 || !has(r, "Les chalets du marché sous les guirlandes") {
			t.Fatalf("preview with an image = %d\n%s", r.Status, r.Body)
		}
		m := chosenImage.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("the previewed form does not carry the image:\n%s", r.Body)
		}
		imageID := m[1] + m[2]
		// The person submits the form as shown (no file chosen any more).
		form = newsForm(id, "Le marché de Noël ouvre samedi", "Rendez-vous place de la Mairie.")
		form.Set("image_id", imageID)
		form.Set("op", "submit")
		if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", form); r.Status != 303 {
			t.Fatalf("submit after preview = %d\n%s", r.Status, r.Body)
		}
		p := stateOf(t, ts, org.ID, id)
		if p.State != model.StateSubmitted || p.ImageID != imageID {
			t.Fatalf("after preview then submit: state %s, image %q, want %q", p.State, p.ImageID, imageID)
		}
	})
}

// Issue 18: validation no longer dead-ends. Validators are e-mailed when an
// item is submitted, its author and those who publish when it is approved
// or sent back (once each, in their language, never the person acting);
// every item page says the next step and who can take it; a manager is
// not asked for an approval she cannot give.
func TestValidationTellsWhoIsNext(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		maire := ts.Staff(t, "maire@bellerive.test", "bellerive", model.RoleValidator)
		ts.Staff(t, "communication@bellerive.test", "bellerive", model.RoleManager)
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		if err := ts.Store.UpdateAccountProfile(ctx, maire.ID, "maire", "en", ts.App.Now()); err != nil {
			t.Fatal(err)
		}
		editor, validator, manager, admin := ts.Client(t), ts.Client(t), ts.Client(t), ts.Client(t)
		ts.LoginAs(t, editor, "redaction@bellerive.test")
		ts.LoginAs(t, validator, "maire@bellerive.test")
		ts.LoginAs(t, manager, "communication@bellerive.test")
		ts.LoginAs(t, admin, "admin@bellerive.test")
		if r := admin.Post("/admin/bellerive/publishing-settings", url.Values{"required": {"news"}}); r.Status != 303 {
			t.Fatalf("settings = %d", r.Status)
		}

		id := newDraftID(t, editor, "bellerive", "news")
		form := newsForm(id, "Réfection de la rue des Tanneurs", "La chaussée sera refaite.")
		form.Set("op", "submit")
		if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", form); r.Status != 303 {
			t.Fatalf("submit = %d\n%s", r.Status, r.Body)
		}
		// The validators hear of it, each in their language.
		en := ts.Mail.Wait(t, "maire@bellerive.test", "To review: Réfection de la rue des Tanneurs", 10*time.Second)
		if !strings.Contains(en.Text, "/admin/bellerive/publications/"+id) {
			t.Fatalf("the validator's e-mail has no link:\n%s", en.Text)
		}
		ts.Mail.Wait(t, "admin@bellerive.test", "À valider : Réfection de la rue des Tanneurs", 10*time.Second)
		if r := editor.Get("/admin/bellerive/publications/" + id); !has(r, "En attente de validation par : admin, maire.") {
			t.Fatalf("the item page does not say who validates:\n%s", r.Body)
		}
		// A manager follows the queue; she is not asked for her approval.
		if r := manager.Get("/admin/bellerive/"); r.Status != 200 || has(r, "votre approbation") {
			t.Fatalf("the manager's dashboard asks for her approval (%d)", r.Status)
		}
		if r := manager.Get("/admin/bellerive/validation"); r.Status != 200 || !has(r, "l'approbation revient aux validateurs") {
			t.Fatalf("the manager's validation page = %d", r.Status)
		}
		if r := admin.Get("/admin/bellerive/"); !has(r, "votre approbation") {
			t.Fatal("a validator's dashboard no longer points to the queue")
		}

		if r := validator.Post("/admin/bellerive/publications", url.Values{"id": {id}, "op": {"approve"}}); r.Status != 303 {
			t.Fatalf("approve = %d", r.Status)
		}
		ts.Mail.Wait(t, "redaction@bellerive.test", "Approuvée : Réfection de la rue des Tanneurs", 10*time.Second)
		ts.Mail.Wait(t, "communication@bellerive.test", "Approuvée : Réfection de la rue des Tanneurs", 10*time.Second)
		ts.Mail.Wait(t, "admin@bellerive.test", "Approuvée : Réfection de la rue des Tanneurs", 10*time.Second)
		if r := editor.Get("/admin/bellerive/publications/" + id); !has(r, "Approuvé — à publier par un responsable de la communication : admin, communication.") {
			t.Fatalf("the item page does not say who publishes:\n%s", r.Body)
		}
		ts.WaitJobsIdle(t)
		// Once each, never the person acting.
		for to, want := range map[string]int{"maire@bellerive.test": 1, "admin@bellerive.test": 2, "redaction@bellerive.test": 1,
			"communication@bellerive.test": 1} {
			if n := ts.Mail.Count(to); n != want {
				t.Errorf("%s received %d e-mails, want %d", to, n, want)
			}
		}
		if p := stateOf(t, ts, org.ID, id); p.State != model.StateApproved {
			t.Fatalf("state = %s", p.State)
		}
		// A change after approval sends it back to review: the validators
		// are told again.
		form.Set("body", "La chaussée sera refaite de nuit.")
		form.Set("op", "save")
		mustStatus(t, "change after approval", postMultipart(t, ts, manager, "/admin/bellerive/publications", form), 303)
		if p := stateOf(t, ts, org.ID, id); p.State != model.StateSubmitted {
			t.Fatalf("after a change: %s", p.State)
		}
		ts.WaitJobsIdle(t)
		if n := ts.Mail.Count("maire@bellerive.test"); n != 2 {
			t.Errorf("the validator received %d e-mails, want 2 (submitted, submitted again)", n)
		}
	})
}
