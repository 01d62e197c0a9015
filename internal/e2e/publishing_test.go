package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// upload is a file for postMultipart.
type upload struct {
	field, name string
	data        []byte
}

// postMultipart submits an editor form with files, as a browser does.
func postMultipart(t *testing.T, ts *testserver.TS, c *testserver.Client, path string, form url.Values, files ...upload) testserver.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return testserver.Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}

var hiddenID = regexp.MustCompile(`name="id" value="([0-9a-f-]{36})"`)

// newDraftID opens the editor for kind and returns the id it was given.
func newDraftID(t *testing.T, c *testserver.Client, org, kind string) string {
	t.Helper()
	r := c.Get("/admin/" + org + "/publications/new?kind=" + kind)
	m := hiddenID.FindStringSubmatch(r.Body)
	if r.Status != 200 || m == nil {
		t.Fatalf("new %s editor = %d", kind, r.Status)
	}
	return m[1]
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), 120, uint8(y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newsForm(id, title, body string) url.Values {
	return url.Values{"id": {id}, "kind": {"news"}, "title": {title}, "summary": {"Résumé."}, "body": {body}}
}

func stateOf(t *testing.T, ts *testserver.TS, orgID, id string) model.Publication {
	t.Helper()
	p, err := ts.Store.PublicationByID(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPublishingWorkflowAndScheduling(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		ts.Clock.Set(start)
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		maire := ts.Staff(t, "maire@bellerive.test", "bellerive", model.RoleValidator)
		ts.Staff(t, "communication@bellerive.test", "bellerive", model.RoleManager)
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		ts.Staff(t, "admin@ailleurs.test", "ailleurs", model.RoleAdmin)

		editor, validator, manager, admin, foreign := ts.Client(t), ts.Client(t), ts.Client(t), ts.Client(t), ts.Client(t)
		ts.LoginAs(t, editor, "redaction@bellerive.test")
		ts.LoginAs(t, validator, "maire@bellerive.test")
		ts.LoginAs(t, manager, "communication@bellerive.test")
		ts.LoginAs(t, admin, "admin@bellerive.test")
		ts.LoginAs(t, foreign, "admin@ailleurs.test")

		// The administrator requires validation for news.
		if r := admin.Post("/admin/bellerive/publishing-settings", url.Values{"required": {"news"}}); r.Status != 303 {
			t.Fatalf("settings = %d", r.Status)
		}
		if r := editor.Post("/admin/bellerive/publishing-settings", url.Values{}); r.Status != 403 {
			t.Fatalf("editor changing settings = %d, want 403", r.Status)
		}

		id := newDraftID(t, editor, "bellerive", "news")
		form := newsForm(id, "Réfection de la rue des Tanneurs du 3 au 21 mars", "La chaussée sera refaite.\n\n## Déviation\n\nPar le quai.")
		form.Set("op", "save")
		for range 2 { // a double click saves one draft
			if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", form); r.Status != 303 || r.Location != "/admin/bellerive/publications/"+id {
				t.Fatalf("save = %d %q\n%s", r.Status, r.Location, r.Body)
			}
		}
		if _, total, _ := ts.Store.ListPublications(ctx, model.PubFilter{OrgID: org.ID}); total != 1 {
			t.Fatalf("double save made %d publications", total)
		}
		p := stateOf(t, ts, org.ID, id)
		if p.State != model.StateDraft || p.Slug != "refection-de-la-rue-des-tanneurs-du-3-au-21-mars" || !strings.Contains(p.BodyHTML, "<h3>Déviation</h3>") {
			t.Fatalf("draft = %+v", p)
		}

		act := func(c *testserver.Client, op string, extra url.Values) testserver.Response {
			t.Helper()
			f := url.Values{"id": {id}, "op": {op}}
			for k, v := range extra {
				f[k] = v
			}
			return c.Post("/admin/bellerive/publications", f)
		}
		// Editors cannot publish; nobody can publish news before approval.
		if r := act(editor, "publish", nil); r.Status != 403 {
			t.Fatalf("editor publishing = %d", r.Status)
		}
		if r := act(manager, "publish", nil); r.Status != 403 {
			t.Fatalf("manager publishing unapproved news under required validation = %d", r.Status)
		}
		if r := act(editor, "submit", nil); r.Status != 303 {
			t.Fatalf("submit = %d", r.Status)
		}
		// A repeated submission changes nothing and says so.
		if r := act(editor, "submit", nil); r.Status != 303 {
			t.Fatalf("second submit = %d", r.Status)
		}
		if r := editor.Get("/admin/bellerive/publications/" + id); !has(r, "déjà changé d'état") {
			t.Fatal("second submit not reported as already done")
		}
		if r := act(editor, "approve", nil); r.Status != 403 {
			t.Fatalf("editor approving = %d", r.Status)
		}
		if r := validator.Get("/admin/bellerive/validation"); r.Status != 200 || !has(r, "Réfection de la rue des Tanneurs") {
			t.Fatalf("validation queue = %d", r.Status)
		}
		if r := act(validator, "send_back", nil); r.Status != 422 || !has(r, "Expliquez au rédacteur") {
			t.Fatalf("send back without comment = %d", r.Status)
		}
		if r := act(validator, "send_back", url.Values{"comment": {"Préciser les horaires du chantier."}}); r.Status != 303 {
			t.Fatalf("send back = %d", r.Status)
		}
		if p := stateOf(t, ts, org.ID, id); p.State != model.StateDraft {
			t.Fatalf("after send back: %s", p.State)
		}
		if r := editor.Get("/admin/bellerive/publications/" + id); !has(r, "Préciser les horaires du chantier.") {
			t.Fatal("the validator's comment is not shown to the editor")
		}
		form.Set("body", form.Get("body")+"\n\nTravaux de 8 h à 17 h.")
		form.Set("op", "submit") // saves, then submits
		if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", form); r.Status != 303 {
			t.Fatalf("save and submit = %d\n%s", r.Status, r.Body)
		}
		if r := act(validator, "approve", nil); r.Status != 303 {
			t.Fatalf("approve = %d", r.Status)
		}
		p = stateOf(t, ts, org.ID, id)
		if p.State != model.StateApproved || p.ApprovedBy != maire.ID || p.Revision != 2 {
			t.Fatalf("approved = %s by %s rev %d", p.State, p.ApprovedBy, p.Revision)
		}

		// Scheduling: bad dates are refused in French; the past too.
		for when, msg := range map[string]string{"": "Indiquez la date", "31/02/2026": "Date ou heure invalide",
			"2026-02-30T10:00": "Date ou heure invalide", "2026-03-01T10:00": "déjà passée"} {
			if r := act(manager, "schedule", url.Values{"when": {when}}); r.Status != 422 || !has(r, msg) {
				t.Fatalf("schedule at %q = %d, want 422 %q", when, r.Status, msg)
			}
		}
		if r := act(manager, "schedule", url.Values{"when": {"2026-03-03T07:30"}}); r.Status != 303 {
			t.Fatalf("schedule = %d", r.Status)
		}
		p = stateOf(t, ts, org.ID, id)
		want := time.Date(2026, 3, 3, 6, 30, 0, 0, time.UTC) // 7:30 in Paris is 6:30 UTC in winter
		if p.State != model.StateScheduled || !p.ScheduledAt.Equal(want) {
			t.Fatalf("scheduled = %s at %v", p.State, p.ScheduledAt)
		}
		if r := manager.Get("/admin/bellerive/calendar?month=2026-03"); !has(r, "Réfection de la rue") || !has(r, "7 h 30") {
			t.Fatal("calendar lacks the scheduled publication")
		}
		// The job waits for the (test) clock: it is queued for that time and
		// stays queued through a pass of River's scheduler and while the
		// queue works off everything due now (River on the real clock would
		// have run it: the date is past).
		ts.WaitSchedulerPass(t)
		ts.WaitJobsIdle(t)
		jl, err := ts.Server.Jobs.Client().JobList(ctx, river.NewJobListParams().Kinds("publish_scheduled"))
		if err != nil {
			t.Fatal(err)
		}
		if len(jl.Jobs) != 1 || jl.Jobs[0].State != rivertype.JobStateScheduled || !jl.Jobs[0].ScheduledAt.Equal(want) {
			for _, j := range jl.Jobs {
				t.Logf("publish job %d: %s at %v", j.ID, j.State, j.ScheduledAt)
			}
			t.Fatalf("%d publish jobs, want one scheduled at %v", len(jl.Jobs), want)
		}
		if p := stateOf(t, ts, org.ID, id); p.State != model.StateScheduled {
			t.Fatalf("published early: %s", p.State)
		}
		ts.Clock.Set(want.Add(time.Minute))
		deadline := time.Now().Add(30 * time.Second)
		for stateOf(t, ts, org.ID, id).State != model.StatePublished {
			if time.Now().After(deadline) {
				t.Fatal("the scheduled job did not publish")
			}
			time.Sleep(100 * time.Millisecond)
		}
		if r := manager.Get("/admin/bellerive/publications?state=published"); !has(r, "Réfection de la rue des Tanneurs") {
			t.Fatal("not on the staff list as published")
		}
		trs, _ := ts.Store.PublicationTransitions(ctx, org.ID, id)
		var path []string
		for _, tr := range trs {
			path = append(path, string(tr.To))
		}
		if got := strings.Join(path, ","); got != "submitted,draft,submitted,approved,scheduled,published" {
			t.Fatalf("transitions = %s", got)
		}
		if trs[len(trs)-1].ActorID != "" {
			t.Fatal("the job's publication should be recorded as the system's")
		}

		// An update of the published text shows as such and keeps every revision.
		upd := newsForm(id, "Réfection de la rue des Tanneurs : travaux prolongés", "Les travaux sont prolongés jusqu'au 28 mars.")
		upd.Set("op", "save")
		if r := postMultipart(t, ts, manager, "/admin/bellerive/publications", upd); r.Status != 303 {
			t.Fatalf("update published = %d", r.Status)
		}
		p = stateOf(t, ts, org.ID, id)
		if p.State != model.StatePublished || p.RepublishedAt == nil || p.Revision != 3 {
			t.Fatalf("updated = %s rev %d republished %v", p.State, p.Revision, p.RepublishedAt)
		}
		if r := manager.Get("/admin/bellerive/publications/" + id + "/revisions/3"); r.Status != 200 ||
			!strings.Contains(r.Body, "<ins>") || !has(r, "prolongés jusqu'au 28 mars") || !has(r, "Par le quai.") {
			t.Fatalf("revision diff = %d", r.Status)
		}
		if r := act(manager, "unpublish", url.Values{"comment": {"Information périmée."}}); r.Status != 303 {
			t.Fatalf("unpublish = %d", r.Status)
		}
		audit, _ := ts.Store.AuditOf(ctx, org.ID, 50)
		actions := map[string]bool{}
		for _, e := range audit {
			actions[e.Action] = true
		}
		for _, a := range []string{"publication.create", "publication.submitted", "publication.approved", "publication.scheduled",
			"publication.published", "publication.update_live", "publication.unpublished", "publication.settings"} {
			if !actions[a] {
				t.Errorf("audit log lacks %s", a)
			}
		}

		// Another organisation's staff can neither read nor change it.
		if r := foreign.Get("/admin/bellerive/publications/" + id); r.Status != 403 {
			t.Fatalf("foreign staff on our publication = %d", r.Status)
		}
		if r := foreign.Get("/admin/ailleurs/publications/" + id); r.Status != 404 {
			t.Fatalf("our publication through their organisation = %d", r.Status)
		}
		if r := foreign.Get("/admin/ailleurs/publications/" + id + "/revisions/1"); r.Status != 404 {
			t.Fatalf("our revision through their organisation = %d", r.Status)
		}
		if r := foreign.Post("/admin/ailleurs/publications", url.Values{"id": {id}, "op": {"publish"}}); r.Status != 404 {
			t.Fatalf("publishing our publication through their organisation = %d", r.Status)
		}
		hijack := newsForm(id, "Piraté", "x")
		hijack.Set("op", "save")
		if r := postMultipart(t, ts, foreign, "/admin/ailleurs/publications", hijack); r.Status != 404 {
			t.Fatalf("saving over our publication's id = %d", r.Status)
		}
		if p := stateOf(t, ts, org.ID, id); p.Title == "Piraté" {
			t.Fatal("another organisation changed our publication")
		}
	})
}

func TestEditorRefusalsKeepTheDraft(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "communication@bellerive.test", "bellerive", model.RoleManager)
		c := ts.Client(t)
		ts.LoginAs(t, c, "communication@bellerive.test")

		// An alert's summary must be short; the form comes back with the input.
		id := newDraftID(t, c, "bellerive", "alert")
		long := strings.Repeat("Crue de la Loire. ", 20)
		alert := url.Values{"id": {id}, "kind": {"alert"}, "op": {"save"}, "title": {"Crue de la Loire : vigilance orange"},
			"alert_level": {"vigilance"}, "alert_ends_at": {"demain"}, "summary": {long}, "body": {"Détails."}}
		r := postMultipart(t, ts, c, "/admin/bellerive/publications", alert)
		if r.Status != 422 || !has(r, "moins de 280 caractères") || !has(r, "Date ou heure invalide") ||
			!has(r, long) || !strings.Contains(r.Body, `aria-invalid="true"`) || !has(r, "Rien n'a été enregistré") {
			t.Fatalf("bad alert = %d\n%s", r.Status, r.Body)
		}
		alert.Set("summary", "La Loire monte : ne stationnez pas sur les quais bas jusqu'à nouvel ordre.")
		alert.Set("alert_ends_at", "2099-03-05T18:00")
		if r := postMultipart(t, ts, c, "/admin/bellerive/publications", alert); r.Status != 303 {
			t.Fatalf("good alert = %d", r.Status)
		}

		// Hostile Markdown is neutralised; an image without alt text blocks publication
		// with a message naming it, while the draft is kept.
		id = newDraftID(t, c, "bellerive", "news")
		news := newsForm(id, "Fête de la musique", "Venez nombreux <script>alert('x')</script> [ici](javascript:alert(1))\n\n![](/media/plan-acces.png)")
		news.Set("op", "publish")
		r = postMultipart(t, ts, c, "/admin/bellerive/publications", news)
		if r.Status != 422 || !has(r, "L'image « /media/plan-acces.png » n'a pas de texte alternatif") {
			t.Fatalf("publish with image lacking alt = %d\n%s", r.Status, r.Body)
		}
		p := stateOf(t, ts, org.ID, id)
		if p.State != model.StateDraft || !strings.Contains(p.BodyMD, "plan-acces") {
			t.Fatalf("draft lost or published: %+v", p)
		}
		if strings.Contains(p.BodyHTML, "<script") || strings.Contains(p.BodyHTML, "javascript:") {
			t.Fatalf("hostile markup kept: %s", p.BodyHTML)
		}
		// The preview (no JavaScript) shows the rendering without saving.
		prev := newsForm(id, "Fête de la musique", "**Samedi 21 juin** sur les quais")
		prev.Set("op", "preview")
		if r := postMultipart(t, ts, c, "/admin/bellerive/publications", prev); r.Status != 200 || !strings.Contains(r.Body, "<strong>Samedi 21 juin</strong>") {
			t.Fatalf("preview = %d", r.Status)
		}
		if p := stateOf(t, ts, org.ID, id); strings.Contains(p.BodyMD, "Samedi") {
			t.Fatal("preview saved the text")
		}
		// The script's endpoint renders the same fragment.
		if r := c.Post("/admin/bellerive/publications/preview", url.Values{"body": {"Bonjour <img src=x onerror=alert(1)>"}}); r.Status != 200 || strings.Contains(r.Body, "onerror") {
			t.Fatalf("preview endpoint = %d %s", r.Status, r.Body)
		}

		// A text file named .jpg is refused, the text is saved anyway.
		news = newsForm(id, "Fête de la musique", "Sur les quais.")
		news.Set("op", "save")
		news.Set("image_alt", "Scène sur les quais")
		r = postMultipart(t, ts, c, "/admin/bellerive/publications", news, upload{"image_file", "photo.jpg", []byte("je ne suis pas une image")})
		if r.Status != 422 || !has(r, "n'est pas une image JPEG, PNG ou WebP") || !has(r, "Le texte est enregistré") {
			t.Fatalf("fake image = %d\n%s", r.Status, r.Body)
		}
		if p := stateOf(t, ts, org.ID, id); p.BodyMD != "Sur les quais." {
			t.Fatalf("text not saved with the refused image: %q", p.BodyMD)
		}
		// A real image without alt text is refused.
		news.Del("image_alt")
		r = postMultipart(t, ts, c, "/admin/bellerive/publications", news, upload{"image_file", "scene.png", pngImage(t, 1200, 600)})
		if r.Status != 422 || !has(r, "texte alternatif") {
			t.Fatalf("image without alt = %d", r.Status)
		}
		// With alt text it becomes the illustration, in several widths, served from /media/.
		news.Set("image_alt", "La scène installée sur les quais de Loire")
		if r := postMultipart(t, ts, c, "/admin/bellerive/publications", news, upload{"image_file", "scene.png", pngImage(t, 1200, 600)}); r.Status != 303 {
			t.Fatalf("image with alt = %d\n%s", r.Status, r.Body)
		}
		p = stateOf(t, ts, org.ID, id)
		m, err := ts.Store.MediaByID(ctx, org.ID, p.ImageID)
		if err != nil || m.Alt != "La scène installée sur les quais de Loire" || m.Width != 1200 || len(m.Variants) != 2 {
			t.Fatalf("illustration = %+v, %v", m, err)
		}
		img := ts.Client(t).Get("/media/" + m.Variants[0].Path)
		if img.Status != 200 || img.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("media = %d %s", img.Status, img.Header.Get("Content-Type"))
		}
		if r := ts.Client(t).Get("/media/../parvis.db"); r.Status == 200 {
			t.Fatal("media path escaped its directory")
		}
		// A fake PDF is refused; a real one is linked at the end of the text.
		news.Del("image_alt")
		news.Set("attachment_title", "Plan de la fête")
		if r := postMultipart(t, ts, c, "/admin/bellerive/publications", news, upload{"attachment_file", "plan.pdf", []byte("<html>")}); r.Status != 422 || !has(r, "n'est pas un PDF") {
			t.Fatalf("fake pdf = %d", r.Status)
		}
		if r := postMultipart(t, ts, c, "/admin/bellerive/publications", news, upload{"attachment_file", "plan.pdf", []byte("%PDF-1.4\n%fake but signed\n")}); r.Status != 303 {
			t.Fatalf("pdf = %d", r.Status)
		}
		if p := stateOf(t, ts, org.ID, id); !strings.Contains(p.BodyHTML, `.pdf">Plan de la fête (PDF, 1 ko)</a>`) {
			t.Fatalf("pdf link missing: %s", p.BodyHTML)
		}
		// Published directly by a manager (no validation required here).
		if r := c.Post("/admin/bellerive/publications", url.Values{"id": {id}, "op": {"publish"}}); r.Status != 303 {
			t.Fatalf("publish = %d", r.Status)
		}
		// Autosave: a new draft is created then updated, never duplicated.
		auto := newDraftID(t, c, "bellerive", "page")
		for _, body := range []string{"Premier jet", "Deuxième jet"} {
			if r := c.Post("/admin/bellerive/publications/autosave", url.Values{"id": {auto}, "kind": {"page"}, "title": {"Mentions légales"}, "body": {body}}); r.Status != 204 {
				t.Fatalf("autosave = %d", r.Status)
			}
		}
		if p := stateOf(t, ts, org.ID, auto); p.BodyMD != "Deuxième jet" || p.Revision != 2 {
			t.Fatalf("autosaved = %q rev %d", p.BodyMD, p.Revision)
		}
		if r := c.Post("/admin/bellerive/publications/autosave", url.Values{"id": {auto}, "kind": {"page"}, "title": {"Mentions légales"}, "body": {"Deuxième jet"}}); r.Status != 204 {
			t.Fatalf("unchanged autosave = %d", r.Status)
		}
		if p := stateOf(t, ts, org.ID, auto); p.Revision != 2 {
			t.Fatalf("an unchanged autosave made revision %d", p.Revision)
		}
	})
}

func TestTopicsAndNeighbourhoods(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		other := ts.Org(t, "ailleurs")
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		ts.Staff(t, "redaction@bellerive.test", "bellerive", model.RoleEditor)
		admin, editor := ts.Client(t), ts.Client(t)
		ts.LoginAs(t, admin, "admin@bellerive.test")
		ts.LoginAs(t, editor, "redaction@bellerive.test")

		if r := admin.Post("/admin/bellerive/topics", url.Values{"name": {"Travaux"}, "description": {"Chantiers et voirie"}}); r.Status != 303 {
			t.Fatalf("create topic = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/topics", url.Values{"name": {"Travaux"}}); r.Status != 422 || !has(r, "déjà utilisé") || !has(r, `value="Travaux"`) {
			t.Fatalf("duplicate topic = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/neighbourhoods", url.Values{"name": {"Les Tanneurs"}}); r.Status != 303 {
			t.Fatalf("create neighbourhood = %d", r.Status)
		}
		if r := admin.Get("/admin/bellerive/topics"); r.Status != 200 || !has(r, "Chantiers et voirie") {
			t.Fatalf("topics page = %d", r.Status)
		}
		if r := editor.Get("/admin/bellerive/topics"); r.Status != 403 {
			t.Fatalf("editor on topics = %d", r.Status)
		}
		travaux, err := ts.Store.TopicBySlug(ctx, org.ID, "travaux")
		if err != nil {
			t.Fatal(err)
		}
		nb, _ := ts.Store.NeighbourhoodBySlug(ctx, org.ID, "les-tanneurs")
		foreignTopic, err := ts.App.Publishing.SaveTopic(ctx, ts.Staff(t, "admin@ailleurs.test", "ailleurs", model.RoleAdmin).ID, other.ID, "", publishing.TagInput{Name: "Culture"})
		if err != nil {
			t.Fatal(err)
		}
		// Tagging with our topic works; with another organisation's, it is refused.
		id := newDraftID(t, editor, "bellerive", "news")
		f := newsForm(id, "Chantier rue des Tanneurs", "Texte")
		f.Set("op", "save")
		f["topics"] = []string{travaux.ID}
		f["neighbourhoods"] = []string{nb.ID}
		if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", f); r.Status != 303 {
			t.Fatalf("tagged save = %d", r.Status)
		}
		f["topics"] = []string{foreignTopic.ID}
		if r := postMultipart(t, ts, editor, "/admin/bellerive/publications", f); r.Status != 422 || !has(r, "Ce sujet n'existe pas") {
			t.Fatalf("foreign topic = %d", r.Status)
		}
		if p, _ := ts.Store.PublicationByID(ctx, org.ID, id); len(p.TopicIDs) != 1 || p.TopicIDs[0] != travaux.ID {
			t.Fatalf("topics after refusal = %v", p.TopicIDs)
		}
		if r := editor.Get("/admin/bellerive/publications?topic=" + travaux.ID); !has(r, "Chantier rue des Tanneurs") {
			t.Fatal("topic filter lacks the publication")
		}
		// Deleting a topic; another organisation's admin cannot.
		foreign := ts.Client(t)
		ts.LoginAs(t, foreign, "admin@ailleurs.test")
		if r := foreign.Post("/admin/ailleurs/topics/"+travaux.ID+"/delete", nil); r.Status != 404 {
			t.Fatalf("foreign delete = %d", r.Status)
		}
		if r := admin.Post("/admin/bellerive/topics/"+travaux.ID+"/delete", nil); r.Status != 303 {
			t.Fatalf("delete = %d", r.Status)
		}
	})
}

func appTag(name string) publishing.TagInput { return publishing.TagInput{Name: name} }
