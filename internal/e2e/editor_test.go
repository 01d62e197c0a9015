package e2e

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestNewsletterBlockWithoutScript: without JavaScript, "Insérer le bloc"
// comes back with everything typed and the chosen block at the end of the
// text, saving nothing; a topic of another organisation, or a made-up one,
// is refused beside the field with the text intact; the saved block then
// lists the topic's publications in the preview.
func TestNewsletterBlockWithoutScript(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Clock.Set(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC))
		ctx := t.Context()
		org := ts.Org(t, "bellerive")
		other := ts.Org(t, "val-de-loire")
		admin := ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		otherAdmin := ts.Staff(t, "paul@valdeloire.test", "val-de-loire", model.RoleAdmin)
		travaux, err := ts.App.Publishing.SaveTopic(ctx, admin.ID, org.ID, "", appTag("Travaux"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.App.Publishing.SaveNeighbourhood(ctx, admin.ID, org.ID, "", appTag("Les Rives")); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.App.Publishing.SaveTopic(ctx, otherAdmin.ID, other.ID, "", appTag("Voirie")); err != nil {
			t.Fatal(err)
		}
		publish(t, ts, org, "rue-des-tanneurs", "Réfection de la rue des Tanneurs", travaux.ID)
		publish(t, ts, org, "marche-de-noel", "Marché de Noël")
		publishEvent(t, ts, admin.ID, org.ID, model.PubInput{Title: "Marché du samedi", Summary: "Producteurs locaux.",
			TopicIDs: []string{travaux.ID}}, weeklyMarket(time.Date(2026, 6, 6, 9, 0, 0, 0, dates.Paris)))
		publishEvent(t, ts, admin.ID, org.ID, model.PubInput{Title: "Concert au kiosque", Summary: "Fanfare."},
			weeklyMarket(time.Date(2026, 6, 7, 17, 0, 0, 0, dates.Paris)))

		c := ts.Client(t)
		ts.LoginAs(t, c, "karim@bellerive.test")
		r := c.Get("/admin/bellerive/newsletters/new")
		for _, want := range []string{`value="sujet=travaux"`, `value="quartier=les-rives"`, `value="insert_block"`, `value="agenda"`} {
			if r.Status != 200 || !strings.Contains(r.Body, want) {
				t.Fatalf("new newsletter page (%d) lacks %s", r.Status, want)
			}
		}
		if strings.Contains(r.Body, "sujet=voirie") {
			t.Fatal("another organisation's topic is offered")
		}

		typed := "Bonjour,\n\nLe **marché** rouvre samedi."
		form := url.Values{"subject": {"La lettre de mars"}, "body": {typed}, "topics": {travaux.ID},
			"op": {"insert_block"}, "block_kind": {"publications"}, "block": {"sujet=travaux"}, "block_count": {"3"}}
		r = c.Post("/admin/bellerive/newsletters", form)
		wantBody := typed + "\n\n[[publications sujet=travaux 3]]\n"
		if r.Status != 200 || !strings.Contains(html.UnescapeString(r.Body), ">"+wantBody+"</textarea>") {
			t.Fatalf("insert block = %d, body not %q", r.Status, wantBody)
		}
		for _, want := range []string{`value="La lettre de mars"`, `value="` + travaux.ID + `" checked`, "Bloc ajouté à la fin du texte"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("re-displayed form lacks %s", want)
			}
		}
		if list, err := ts.App.Mailing.Newsletters(ctx, admin.ID, org.ID); err != nil || len(list) != 0 {
			t.Fatalf("inserting a block saved something: %v, %v", list, err)
		}

		// A second block, of the agenda, goes after the first one.
		form.Set("body", wantBody)
		form.Set("block_kind", "agenda")
		form.Set("block", "sujet=travaux")
		form.Set("block_count", "2")
		r = c.Post("/admin/bellerive/newsletters", form)
		wantBody += "\n[[agenda sujet=travaux 2]]\n"
		if r.Status != 200 || !strings.Contains(html.UnescapeString(r.Body), ">"+wantBody+"</textarea>") {
			t.Fatalf("insert agenda block = %d, body not %q", r.Status, wantBody)
		}

		for _, bad := range []url.Values{{"block": {"sujet=voirie"}, "block_count": {"3"}},
			{"block": {"sujet=travaux"}, "block_count": {"500"}}, {"block": {"auteur=karim"}, "block_count": {"3"}},
			{"block_kind": {"pages"}, "block_count": {"3"}}} {
			f := url.Values{"subject": {"La lettre de mars"}, "body": {typed}, "op": {"insert_block"}, "block_kind": {"publications"}}
			for k, v := range bad {
				f[k] = v
			}
			r = c.Post("/admin/bellerive/newsletters", f)
			if r.Status != 422 || !strings.Contains(r.Body, `id="f-block-error"`) ||
				!strings.Contains(html.UnescapeString(r.Body), ">"+typed+"</textarea>") {
				t.Errorf("block %v = %d, want 422 with the text intact", bad, r.Status)
			}
		}

		// Saved, the blocks list the topic's publication and its event's next
		// two dates only.
		form.Set("body", wantBody)
		form.Del("op")
		r = c.Post("/admin/bellerive/newsletters", form)
		if r.Status != 303 {
			t.Fatalf("save = %d", r.Status)
		}
		r = c.Get(r.Location)
		preview := html.UnescapeString(r.Body[strings.Index(r.Body, `id="prev-h"`):])
		if !strings.Contains(preview, "Réfection de la rue des Tanneurs") || strings.Contains(preview, "Marché de Noël") ||
			strings.Contains(preview, "Concert au kiosque") {
			t.Fatalf("the saved blocks' preview does not list the Travaux items alone: %s", preview)
		}
		if n := strings.Count(preview, "Marché du samedi</a> — samedi"); n != 2 {
			t.Fatalf("the agenda block lists %d dates of the Travaux event, want 2: %s", n, preview)
		}
	})
}

// TestMediaLibraryIsTheOrganisationsOwn: the media library page and the
// picker's list show the organisation's images, with the Markdown to copy,
// to those who may place them (publication.edit), and to nobody else.
func TestMediaLibraryIsTheOrganisationsOwn(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := t.Context()
		org := ts.Org(t, "bellerive")
		ts.Org(t, "val-de-loire")
		editor := ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		ts.Staff(t, "maire@bellerive.test", "bellerive", model.RoleValidator)
		ts.Staff(t, "paul@valdeloire.test", "val-de-loire", model.RoleAdmin)
		m, err := ts.App.Publishing.UploadImage(ctx, editor.ID, org.ID, "pont.png", pngImage(t, 1000, 500), "Le pont [nord] au matin")
		if err != nil {
			t.Fatal(err)
		}
		snippet := `![Le pont \[nord\] au matin](/media/` + m.Path + `)`

		c := ts.Client(t)
		ts.LoginAs(t, c, "redaction@bellerive.test")
		r := c.Get("/admin/bellerive/media")
		if r.Status != 200 || !strings.Contains(html.UnescapeString(r.Body), ">"+snippet+"</textarea>") {
			t.Fatalf("media library = %d, snippet %q missing", r.Status, snippet)
		}
		// Without a script, the editor shows no toolbar (its buttons would do
		// nothing) but links the library.
		r = c.Get("/admin/bellerive/publications/new?kind=news")
		if r.Status != 200 || !strings.Contains(r.Body, `role="toolbar"`) || !strings.Contains(r.Body, `data-md-toolbar="f-body" hidden`) ||
			!strings.Contains(r.Body, `<a href="/admin/bellerive/media" target="_blank" rel="noopener">`) {
			t.Fatalf("editor = %d: toolbar not hidden by default or no library link", r.Status)
		}
		r = c.Get("/admin/bellerive/media/picker")
		if r.Status != 200 || !strings.Contains(r.Body, `value="/media/`+m.Path+`"`) || strings.Contains(r.Body, "<html") {
			t.Fatalf("picker fragment = %d", r.Status)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("picker Cache-Control = %q", r.Header.Get("Cache-Control"))
		}

		validator := ts.Client(t)
		ts.LoginAs(t, validator, "maire@bellerive.test")
		outsider := ts.Client(t)
		ts.LoginAs(t, outsider, "paul@valdeloire.test")
		for _, p := range []string{"/admin/bellerive/media", "/admin/bellerive/media/picker"} {
			if r := validator.Get(p); r.Status != 403 {
				t.Errorf("validator %s = %d, want 403", p, r.Status)
			}
			if r := outsider.Get(p); r.Status != 403 {
				t.Errorf("other organisation's admin %s = %d, want 403", p, r.Status)
			}
			if r := ts.Client(t).Get(p); r.Status == 200 {
				t.Errorf("anonymous %s = 200", p)
			}
		}
		if r := outsider.Get("/admin/val-de-loire/media"); r.Status != 200 || strings.Contains(r.Body, m.Path) {
			t.Errorf("another organisation's library = %d, shows ours: %v", r.Status, strings.Contains(r.Body, m.Path))
		}
	})
}
