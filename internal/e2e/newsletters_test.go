package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

func TestNewsletterFromStaffArea(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ctx := context.Background()
		org := ts.Org(t, "bellerive")
		ts.Org(t, "val-de-loire")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		ts.Staff(t, "lea@bellerive.test", "bellerive", model.RoleManager)
		ts.Staff(t, "paul@valdeloire.test", "val-de-loire", model.RoleAdmin)
		c := ts.Client(t)
		ts.LoginAs(t, c, "karim@bellerive.test")

		r := c.Post("/admin/bellerive/newsletters", url.Values{"subject": {""}, "body": {""}})
		if r.Status != 422 || !strings.Contains(r.Body, "Indiquez l") || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("empty newsletter = %d", r.Status)
		}
		r = c.Post("/admin/bellerive/newsletters", url.Values{"subject": {"La lettre de Bellerive — mars"},
			"body": {"Bonjour,\n\n**Le marché** rouvre.\n\n[[publications 3]]\n"}})
		if r.Status != 303 {
			t.Fatalf("create = %d", r.Status)
		}
		page := r.Location
		r = c.Get(page)
		if r.Status != 200 || !strings.Contains(r.Body, "<strong>Le marché</strong>") || !strings.Contains(r.Body, "**Le marché**") {
			t.Fatalf("preview = %d", r.Status)
		}
		id := page[strings.LastIndex(page, "/")+1:]
		// Nobody subscribed yet: the send is refused with a clear message.
		r = c.Post(page+"/send", url.Values{"when": {"now"}})
		if r.Status != 422 || !strings.Contains(r.Body, "Aucun abonné ne correspond") {
			t.Fatalf("empty audience = %d", r.Status)
		}
		if err := SeedSubscribers(ctx, ts.Store, org.ID, 40); err != nil {
			t.Fatal(err)
		}
		// Another organisation's staff can neither read nor send it.
		other := ts.Client(t)
		ts.LoginAs(t, other, "paul@valdeloire.test")
		if r := other.Get(page); r.Status != 403 {
			t.Errorf("other org's admin reads the newsletter: %d", r.Status)
		}
		if r := other.Get("/admin/val-de-loire/newsletters/" + id); r.Status != 404 {
			t.Errorf("newsletter through another org's URL: %d", r.Status)
		}
		if r := other.Post("/admin/val-de-loire/newsletters/"+id+"/send", url.Values{"when": {"now"}}); r.Status != 404 {
			t.Errorf("send through another org's URL: %d", r.Status)
		}
		if r := c.Post(page+"/test", nil); r.Status != 303 {
			t.Fatalf("test send = %d", r.Status)
		}
		ts.Mail.Wait(t, "karim@bellerive.test", "[TEST] La lettre de Bellerive", 10*time.Second)

		if r = confirmSend(t, c, page); r.Status != 303 {
			t.Fatalf("send = %d", r.Status)
		}
		deadline := time.Now().Add(20 * time.Second)
		var p progress
		for time.Now().Before(deadline) {
			r = c.Get(page + "/progress.json")
			if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
				t.Fatalf("progress %q: %v", r.Body, err)
			}
			if p.Finished {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !p.Finished || p.Sent != 40 || p.Total != 40 {
			t.Fatalf("progress = %+v", p)
		}
		m := ts.Mail.Wait(t, "habitant00007@example.test", "La lettre de Bellerive", 5*time.Second)
		if !strings.Contains(m.Text, "/bellerive/lettres/") || !strings.Contains(m.Text, "/abonnement/") {
			t.Fatalf("letter text lacks archive or preference links:\n%s", m.Text)
		}
		// Sending twice is refused; nothing goes out twice.
		if r = c.Post(page+"/send", url.Values{"when": {"now"}}); r.Status != 422 {
			t.Fatalf("second send = %d", r.Status)
		}
		ts.WaitJobsIdle(t) // a second copy would have been sent by now
		if n := ts.Mail.Count("habitant00007@example.test"); n != 1 {
			t.Fatalf("received %d copies", n)
		}
		// The public archive.
		pub := ts.Client(t)
		if r = pub.Get("/bellerive/lettres"); r.Status != 200 || !strings.Contains(r.Body, "La lettre de Bellerive — mars") {
			t.Fatalf("archive = %d", r.Status)
		}
		n, _ := ts.Store.NewsletterByID(ctx, org.ID, id)
		if r = pub.Get("/bellerive/lettres/" + n.Slug); r.Status != 200 || !strings.Contains(r.Body, "<strong>Le marché</strong>") {
			t.Fatalf("archive page = %d", r.Status)
		}

		// Counts for staff, addresses only for an administrator, audited.
		mgr := ts.Client(t)
		ts.LoginAs(t, mgr, "lea@bellerive.test")
		if r = mgr.Get("/admin/bellerive/abonnes"); r.Status != 200 || strings.Contains(r.Body, "habitant00007") || !strings.Contains(r.Body, "<td>40</td>") {
			t.Fatalf("figures = %d", r.Status)
		}
		purpose := form("export_purpose", "other", "export_detail", "Envoi postal du bulletin aux abonnés sans courriel")
		if r = mgr.Post("/admin/bellerive/abonnes/export.csv", purpose); r.Status != 403 {
			t.Fatalf("manager export = %d", r.Status)
		}
		// Without a purpose, or "other" without saying which, nothing leaves.
		r = c.Post("/admin/bellerive/abonnes/export.csv", form("export_purpose", ""))
		mustStatus(t, "no purpose", r, 422)
		mustContain(t, "no purpose", r.Body, "Choisissez le motif de l&#39;export.")
		r = c.Post("/admin/bellerive/abonnes/export.csv", form("export_purpose", "other", "export_detail", " "))
		mustStatus(t, "other without detail", r, 422)
		mustContain(t, "other without detail", r.Body, "Précisez le motif de l&#39;export.", `<option value="other" selected>`)
		if strings.Contains(r.Body, "habitant00007@example.test") {
			t.Fatal("a refused export showed addresses")
		}
		if r = c.Post("/admin/bellerive/abonnes/export.csv", purpose); r.Status != 200 || !strings.Contains(r.Body, "habitant00007@example.test") {
			t.Fatalf("admin export = %d", r.Status)
		}
		var audits int
		var detail string
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*), MAX(detail) FROM audit_log WHERE action='subscribers.export' AND org_id=$1`, org.ID).Scan(&audits, &detail); err != nil || audits != 1 {
			t.Fatalf("export audit rows = %d (%v)", audits, err)
		}
		if !strings.Contains(detail, "purpose=other Envoi postal du bulletin") {
			t.Errorf("audit detail %q does not state the purpose", detail)
		}
	})
}

// progress mirrors the JSON of progress.json.
type progress struct {
	State    string `json:"state"`
	Total    int    `json:"total"`
	Sent     int    `json:"sent"`
	Failed   int    `json:"failed"`
	Finished bool   `json:"finished"`
}
