package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// seedDigestReaders adds confirmed subscribers who get a daily digest:
// following everything, or only the given topics.
func seedDigestReaders(t *testing.T, ts *testserver.TS, orgID, prefix string, n int, topics ...string) []string {
	t.Helper()
	ctx := context.Background()
	now := ts.Clock.Now()
	var emails []string
	err := ts.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			email := fmt.Sprintf("%s%d@example.test", prefix, i)
			s := model.Subscriber{ID: core.NewID(), Email: email, Lang: "fr", Status: model.SubActive, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSubscriber(ctx, s); err != nil {
				return err
			}
			c := model.Choices{Everything: len(topics) == 0, News: model.FreqDaily, TopicIDs: topics}
			if err := tx.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: s.ID, OrgID: orgID, Choices: c, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			emails = append(emails, email)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return emails
}

var clickLinkRE = regexp.MustCompile(`/c/[A-Za-z0-9_-]+`)

// TestDigestFiguresPerDigest: staff see each digest mailing — its date,
// recipients and clicks, per link on its own page — not only a 30-day sum;
// never who received or clicked. The list is paged, reachable from the
// subscribers' and the workload figures pages, in French and English, and
// closed to other organisations' staff and to agents.
func TestDigestFiguresPerDigest(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		ts := testserver.Start(t, testserver.Options{Engine: engine})
		org := ts.Org(t, "bellerive")
		ts.Staff(t, "karim@bellerive.test", "bellerive", model.RoleAdmin)
		admin := ts.Client(t)
		ts.LoginAs(t, admin, "karim@bellerive.test")
		travaux := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux", CreatedAt: ts.Clock.Now()}
		if err := ts.Store.CreateTopic(ctx, travaux); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, "click counts on", admin.Post("/admin/bellerive/abonnes/settings",
			form("digest_hour", "7", "rate", "0", "click_counts", "1")), 303)
		list := admin.Get("/admin/bellerive/abonnes/resumes")
		mustStatus(t, "empty list", list, 200)
		mustContain(t, "empty list", list.Body, "Résumés envoyés", "Aucun résumé n&#39;a encore été envoyé.")

		// Monday 16 March 2026: four people follow everything, two only
		// the roadworks; two news items are published.
		ts.Clock.Set(time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC))
		all := seedDigestReaders(t, ts, org.ID, "tout", 4)
		works := seedDigestReaders(t, ts, org.ID, "travaux", 2, travaux.ID)
		ts.Clock.Advance(time.Hour)
		quai := publishNow(t, ts, org, model.KindNews, "", "Travaux du quai", travaux.ID)
		fete := publishNow(t, ts, org, model.KindNews, "", "Concert au Port")
		waitMailing(t, ts, quai.ID)
		waitMailing(t, ts, fete.ID)

		// Tuesday 7:05: the daily digests, one mailing per distinct content.
		ts.Clock.Set(time.Date(2026, 3, 17, 6, 5, 0, 0, time.UTC))
		if err := ts.App.Mailing.RunDigests(ctx); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			var done int
			if err := ts.Store.DB().QueryRow(`SELECT COUNT(*) FROM mailings WHERE org_id = $1 AND kind = 'digest' AND state = 'done'`,
				org.ID).Scan(&done); err != nil {
				t.Fatal(err)
			}
			if done == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d digest mailings done, want 2", done)
			}
		}
		// click follows, n times, the counted link of a digest that leads
		// to a publication; HEAD finds it without counting.
		anon := ts.Client(t)
		click := func(text string, p model.Publication, n int) {
			t.Helper()
			for _, l := range clickLinkRE.FindAllString(text, -1) {
				req, _ := http.NewRequest(http.MethodHead, ts.URL+l, nil)
				res, err := anon.HTTP.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				to, _ := url.PathUnescape(res.Header.Get("Location"))
				if res.StatusCode == 303 && strings.HasSuffix(to, "/bellerive/p/"+p.Slug) {
					for range n {
						mustStatus(t, "click", anon.Get(l), 303)
					}
					return
				}
			}
			t.Fatalf("no counted link to %s in:\n%s", p.Slug, text)
		}
		everything := ts.Mail.Wait(t, all[0], "Les nouvelles du jour", 10*time.Second)
		roadworks := ts.Mail.Wait(t, works[0], "Les nouvelles du jour", 10*time.Second)
		if strings.Contains(roadworks.Text, fete.Title) || !strings.Contains(everything.Text, fete.Title) {
			t.Fatalf("digests do not match their readers' choices:\n%s\n---\n%s", everything.Text, roadworks.Text)
		}
		click(roadworks.Text, quai, 1)
		click(everything.Text, fete, 2)
		click(everything.Text, quai, 1)
		karim, err := ts.Store.AccountByEmail(ctx, "karim@bellerive.test")
		if err != nil {
			t.Fatal(err)
		}
		page, err := ts.App.Mailing.DigestMailings(ctx, karim.ID, org.ID, 1)
		if err != nil || page.Total != 2 || len(page.Digests) != 2 {
			t.Fatalf("digests: %+v %v", page, err)
		}
		var big, small mailing.DigestFigures
		for _, d := range page.Digests {
			if d.Total == 4 {
				big = d
			} else {
				small = d
			}
		}
		if big.Clicks != 3 || small.Total != 2 || small.Clicks != 1 || big.Sent != 4 || small.Sent != 2 {
			t.Fatalf("per digest: %+v and %+v; want 4 recipients and 3 clicks, 2 and 1", big, small)
		}

		// The list: both digests of Tuesday, with recipients and clicks.
		list = admin.Get("/admin/bellerive/abonnes/resumes")
		mustStatus(t, "list", list, 200)
		mustContain(t, "list", list.Body, "Résumés envoyés", "2 envois de résumés au total.", "quotidien du mardi 17 mars 2026",
			fmt.Sprintf("<td>4</td><td>4</td><td>%d</td><td>3</td>", big.Links), fmt.Sprintf("<td>2</td><td>2</td><td>%d</td><td>1</td>", small.Links))
		if strings.Count(list.Body, "quotidien du mardi 17 mars 2026") != 2 {
			t.Fatalf("want two digest rows of 17 March:\n%s", list.Body)
		}
		mustNotContain(t, "list", list.Body, "@example.test", "tout0", "travaux0")
		detail := admin.Get("/admin/bellerive/abonnes/resumes/" + big.ID)
		mustStatus(t, "detail", detail, 200)
		mustContain(t, "detail", detail.Body, "Résumé envoyé", "quotidien du mardi 17 mars 2026", "Les nouvelles du jour",
			"<dt>Destinataires</dt><dd>4</dd>", "Clics sur les liens",
			ts.URL+"/bellerive/p/"+fete.Slug+"</a></td><td>2</td>", ts.URL+"/bellerive/p/"+quai.Slug+"</a></td><td>1</td>")
		mustNotContain(t, "detail", detail.Body, "@example.test")
		mustContain(t, "small detail", admin.Get("/admin/bellerive/abonnes/resumes/"+small.ID).Body,
			"<dt>Destinataires</dt><dd>2</dd>", ts.URL+"/bellerive/p/"+quai.Slug+"</a></td><td>1</td>")
		// Reachable from the subscribers' figures and the workload figures.
		mustContain(t, "subscribers page", admin.Get("/admin/bellerive/abonnes").Body, `href="/admin/bellerive/abonnes/resumes"`)
		mustContain(t, "workload page", admin.Get("/admin/bellerive/chiffres").Body, `href="/admin/bellerive/abonnes/resumes"`)

		// English.
		ts.Staff(t, "anne@bellerive.test", "bellerive", model.RoleManager)
		en := ts.Client(t)
		ts.LoginAs(t, en, "anne@bellerive.test")
		mustStatus(t, "English", en.Post("/lang", form("lang", "en", "next", "/admin/bellerive/abonnes/resumes")), 303)
		mustContain(t, "list (en)", en.Get("/admin/bellerive/abonnes/resumes").Body, "Digests sent", "daily, Tuesday 17 March 2026", "Recipients")
		mustContain(t, "detail (en)", en.Get("/admin/bellerive/abonnes/resumes/"+big.ID).Body, "Digest sent", "Clicks on links")

		// Pages of 20: 25 older digests (without click counts) make 27.
		for i := 0; i < 25; i++ {
			at := time.Date(2026, 2, 1+i, 6, 0, 0, 0, time.UTC)
			m := model.Mailing{ID: core.NewID(), OrgID: org.ID, Kind: model.MailingDigest, RefID: fmt.Sprintf("%s/daily/%s/old", org.ID, at.Format("2006-01-02")),
				Subject: "Les nouvelles du jour — ancien", State: model.MailingDone, CreatedAt: at}
			if _, _, err := ts.Store.CreateMailing(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		rows := func(body string) int { return strings.Count(body, `href="/admin/bellerive/abonnes/resumes/`) }
		p1 := admin.Get("/admin/bellerive/abonnes/resumes")
		mustContain(t, "page 1", p1.Body, "27 envois de résumés au total.", "Page 1 sur 2",
			`href="/admin/bellerive/abonnes/resumes?page=2" rel="next"`, "quotidien du mardi 17 mars 2026")
		p2 := admin.Get("/admin/bellerive/abonnes/resumes?page=2")
		mustContain(t, "page 2", p2.Body, "Page 2 sur 2", `href="/admin/bellerive/abonnes/resumes?page=1" rel="prev"`,
			"quotidien du dimanche 1er février 2026", "non comptés")
		if rows(p1.Body) != 20 || rows(p2.Body) != 7 {
			t.Fatalf("rows per page: %d and %d, want 20 and 7", rows(p1.Body), rows(p2.Body))
		}
		mustContain(t, "past the end", admin.Get("/admin/bellerive/abonnes/resumes?page=99").Body, "Page 2 sur 2")
		mustContain(t, "bad page", admin.Get("/admin/bellerive/abonnes/resumes?page=abc").Body, "Page 1 sur 2")

		// Tenancy: another organisation's administrator gets 403 on
		// Bellerive's pages and 404 for Bellerive's digest under their own;
		// a mailing that is not a digest, or an unknown id, is a 404; an
		// agent may not see the list.
		ts.Staff(t, "admin@autre.test", "autre", model.RoleAdmin)
		other := ts.Client(t)
		ts.LoginAs(t, other, "admin@autre.test")
		mustStatus(t, "other list", other.Get("/admin/bellerive/abonnes/resumes"), 403)
		mustStatus(t, "other detail", other.Get("/admin/bellerive/abonnes/resumes/"+big.ID), 403)
		mustStatus(t, "cross-org detail", other.Get("/admin/autre/abonnes/resumes/"+big.ID), 404)
		own := other.Get("/admin/autre/abonnes/resumes")
		mustStatus(t, "own list", own, 200)
		mustContain(t, "own list", own.Body, "Aucun résumé")
		mustNotContain(t, "own list", own.Body, big.ID, "17 mars 2026")
		var news string
		if err := ts.Store.DB().QueryRow(`SELECT id FROM mailings WHERE org_id = $1 AND kind <> 'digest'`, org.ID).Scan(&news); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, "not a digest", admin.Get("/admin/bellerive/abonnes/resumes/"+news), 404)
		mustStatus(t, "unknown digest", admin.Get("/admin/bellerive/abonnes/resumes/"+core.NewID()), 404)
		ts.Staff(t, "agent@bellerive.test", "bellerive", model.RoleAgent)
		agent := ts.Client(t)
		ts.LoginAs(t, agent, "agent@bellerive.test")
		mustStatus(t, "agent list", agent.Get("/admin/bellerive/abonnes/resumes"), 403)
		mustStatus(t, "agent detail", agent.Get("/admin/bellerive/abonnes/resumes/"+big.ID), 403)
	})
}
