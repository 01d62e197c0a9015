package e2e

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/screen"
	screenmodel "github.com/parvis/parvis/internal/screen/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/chatserver"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// bandScreener is the real screen (lexicons, rules, normalisation) with a
// statistical model that has no weights, so that every ordinary comment
// scores 0.50: held on the model alone when the hold threshold is below
// 0.50 (the "held on weak evidence" band), published near the threshold
// when it is a little above. The tests then know which band a comment is
// in without depending on the trained weights.
func bandScreener(t *testing.T, hold float32) *screen.Screener {
	t.Helper()
	s, err := screen.NewWithoutModel()
	if err != nil {
		t.Fatal(err)
	}
	return s.WithModel(&screenmodel.Model{W: make([]float32, 1<<screenmodel.Bits), Hold: hold, Reject: 1.01, Cue: 1.01})
}

// opinionOf waits until the comment's second opinion is no longer pending.
func opinionOf(t *testing.T, ts *testserver.TS, commentID string) model.CommentOpinion {
	t.Helper()
	var op model.CommentOpinion
	waitFor(t, "the second opinion on "+commentID, func() bool {
		var err error
		op, err = ts.Store.OpinionOf(context.Background(), commentID)
		return err == nil && op.Status != model.OpinionPending
	})
	return op
}

// retriedOpinionOf is opinionOf for a job that the queue retries after the
// clock moved: River's leader (re-elected after the jump) makes it
// available again on its next scheduling round, which takes a few seconds
// of real time, more on a loaded machine.
func retriedOpinionOf(t *testing.T, ts *testserver.TS, commentID string) model.CommentOpinion {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		op, err := ts.Store.OpinionOf(context.Background(), commentID)
		if err == nil && op.Status != model.OpinionPending {
			return op
		}
		if time.Now().After(deadline) {
			t.Fatalf("the retried second opinion on %s never came: %+v %v", commentID, op, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func commentStatus(t *testing.T, ts *testserver.TS, orgID, id string) model.Comment {
	t.Helper()
	c, err := ts.Store.CommentByID(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The answers below are the test's, chosen by a keyword of the comment:
// they stand for what a model would say, they are not a judgement of
// these texts.
func TestSecondOpinionReleasesWeakHolds(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		gate := make(chan struct{})
		llm := chatserver.Start(t, func(user string) chatserver.Reply {
			c := chatserver.Comment(user)
			switch {
			case strings.Contains(c, "bassin"):
				<-gate // the model thinks while the resident has long had their answer
				return chatserver.Opinion("publish", "critique_civile", 0.95, "Critique d'un service fermé, sans viser personne.")
			case strings.Contains(c, "professeur"):
				return chatserver.Opinion("publish", "autre_acceptable", 0.6, "Fait neutre sur le parcours du maire.")
			case strings.Contains(c, "conseil"):
				return chatserver.Opinion("hold", "menace", 0.9, "Menace voilée envers les élus.")
			default:
				return chatserver.Reply{Content: "Bien sûr ! Ce commentaire me semble acceptable."}
			}
		})
		ts := testserver.Start(t, testserver.Options{Engine: engine, LLMURL: llm.URL, LLMModel: "mistral-7b-instruct",
			Screener: bandScreener(t, 0.45)})
		org := ts.Org(t, "bellerive")
		publish(t, ts, org, "piscine", "Fermeture de la piscine municipale")
		base := "/bellerive/p/piscine/commentaires"
		ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		adm := ts.Client(t)
		ts.LoginAs(t, adm, "admin@bellerive.test")
		jeanne := ts.Client(t)
		oldResident(t, ts, jeanne, "jeanne@example.test")

		// Off by default: an uncertain comment is not sent anywhere.
		first := postComment(t, jeanne, base, "Quels sont les horaires de la piscine cet été ?")
		if c := commentStatus(t, ts, org.ID, first); c.Status != model.CommentHeld || c.ScreenVerdict != "hold" {
			t.Fatalf("with the test screen an ordinary comment is held on the model alone: %+v", c)
		}
		if _, err := ts.Store.OpinionOf(t.Context(), first); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("second opinion asked while switched off: %v", err)
		}

		// The administrator switches it on, seeing where comments would go.
		sp := adm.Get("/admin/bellerive/moderation/settings")
		mustStatus(t, "settings", sp, 200)
		mustContain(t, "settings", sp.Body, "Second avis d&#39;un modèle de langue", "RGPD", strings.TrimPrefix(llm.URL, "http://"),
			"mistral-7b-instruct", `data-breaker="closed"`, "Consigne envoyée au modèle", "contre_discours")
		mustStatus(t, "switch on", adm.Post("/admin/bellerive/moderation/second-opinion", form("second_opinion", "1")), 303)
		if s, err := ts.App.Debate.DebateSettings(t.Context(), org.ID); err != nil || !s.SecondOpinion {
			t.Fatalf("switch not saved: %+v %v", s, err)
		}

		// Posting does not wait for the model: the comment is stored and
		// the resident answered while the server has not answered yet.
		id := postComment(t, jeanne, base, "Le bassin est fermé depuis trois semaines, c'est inadmissible.")
		if c := commentStatus(t, ts, org.ID, id); c.Status != model.CommentHeld {
			t.Fatalf("held on the model alone: %+v", c)
		}
		if op, err := ts.Store.OpinionOf(t.Context(), id); err != nil || op.Status != model.OpinionPending || op.Band != model.BandHeldWeak {
			t.Fatalf("opinion requested with the comment: %+v %v", op, err)
		}
		close(gate)
		op := opinionOf(t, ts, id)
		if op.Status != model.OpinionAnswered || op.Action != model.OpinionReleased || op.Decision != "publish" || op.Model != "mistral-7b-instruct" {
			t.Fatalf("opinion = %+v", op)
		}
		if c := commentStatus(t, ts, org.ID, id); c.Status != model.CommentPublished || c.Review != model.ReviewNone {
			t.Fatalf("a weak hold the model says to publish is published: %+v", c)
		}
		mustContain(t, "public thread", ts.Client(t).Get(base).Body, "Le bassin est fermé depuis trois semaines")
		ds, err := ts.Store.DecisionsOf(t.Context(), org.ID, id)
		if err != nil || len(ds) != 1 || ds[0].Action != "approve" || ds[0].Source != "second_opinion" || ds[0].ActorID != "" ||
			!strings.Contains(ds[0].Note, "Critique d'un service fermé") {
			t.Fatalf("decision = %+v %v", ds, err)
		}
		st := mailTo(t, ts, "jeanne@example.test", "Décision de modération", 1)
		mustContain(t, "statement", st.Text, "second avis automatique", "Critique d'un service fermé")
		audit, err := ts.Store.AuditOf(t.Context(), org.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var audited, switched bool
		for _, e := range audit {
			audited = audited || e.Action == "moderation.second_opinion" && e.Target == id && strings.Contains(e.Detail, "action=released")
			switched = switched || e.Action == "moderation.second_opinion_setting" && strings.HasPrefix(e.Detail, "on")
		}
		if !audited || !switched {
			t.Fatalf("audit log lacks the automatic release or the switch: %+v", audit)
		}

		// Not sure enough, a hold, an unusable answer: recorded for the
		// moderators, nothing changes by itself.
		low := postComment(t, jeanne, base, "Le maire est un ancien professeur.")
		hold := postComment(t, jeanne, base, "On en reparlera au prochain conseil, croyez-moi.")
		junk := postComment(t, jeanne, base, "La fontaine de la place coule de nouveau.")
		for _, c := range []string{low, hold, junk} {
			opinionOf(t, ts, c)
			if got := commentStatus(t, ts, org.ID, c); got.Status != model.CommentHeld {
				t.Fatalf("comment %s changed by itself: %+v", c, got)
			}
		}
		if op := opinionOf(t, ts, junk); op.Status != model.OpinionNone || op.Note != "unusable" {
			t.Fatalf("unusable answer recorded as %+v", op)
		}
		q := adm.Get("/admin/bellerive/moderation")
		mustStatus(t, "queue", q, 200)
		mustContain(t, "queue", q.Body, "Second avis du modèle de langue", "Publier", "confiance 0,60", "Fait neutre sur le parcours du maire.",
			"Retenir", "menace, appel à la violence", "Menace voilée envers les élus.",
			"pas d&#39;avis : la réponse du serveur ne suivait pas le format attendu.",
			"n&#39;est retenu que par le modèle statistique")
		if strings.Contains(q.Body, "Le bassin est fermé") {
			t.Fatal("the released comment is still in the queue")
		}
		// An edit that is no longer uncertain (a rule holds it now) leaves
		// no opinion about the earlier text; one that still is gets asked again.
		mustStatus(t, "edit", jeanne.Post(base+"/"+low+"/modifier", form("body", "Le maire est un ancien professeur, appelez-le au 06 12 34 56 78.")), 303)
		if op, err := ts.Store.OpinionOf(t.Context(), low); err != nil || op.Status != model.OpinionSkipped || op.Note != "edited" || op.Reason != "" {
			t.Fatalf("opinion after an edit out of the band: %+v %v", op, err)
		}
		before, _ := ts.Store.OpinionOf(t.Context(), junk)
		mustStatus(t, "edit", jeanne.Post(base+"/"+junk+"/modifier", form("body", "La fontaine de la place coule de nouveau, enfin.")), 303)
		if op, err := ts.Store.OpinionOf(t.Context(), junk); err != nil || !op.RequestedAt.After(before.RequestedAt) {
			t.Fatalf("not asked again after an edit in the band: %+v %v", op, err)
		}
		if op := opinionOf(t, ts, junk); op.Status != model.OpinionNone {
			t.Fatalf("second answer: %+v", op)
		}
		mustContain(t, "queue after edits", adm.Get("/admin/bellerive/moderation").Body, "sans objet : le commentaire a été modifié depuis")
		cs := adm.Get("/admin/bellerive/moderation/" + id)
		mustContain(t, "released case", cs.Body, "Publié automatiquement sur ce second avis", "second avis automatique")

		// Every request carried the policy and the comment alone: no
		// author name, no e-mail address.
		for _, r := range llm.Received() {
			if !strings.Contains(r.System, "À RETENIR") || strings.Contains(r.User, "jeanne") || r.Model != "mistral-7b-instruct" {
				t.Fatalf("request = %+v", r)
			}
		}
	})
}

var metricRE = regexp.MustCompile(`(?m)^(parvis_second_opinion_[a-z_]+(?:\{[^}]*\})?) ([0-9.e+]+)$`)

// metrics reads the second opinion's lines of /metrics.
func opinionMetrics(t *testing.T, ts *testserver.TS) map[string]float64 {
	t.Helper()
	r := ts.Client(t).Get("/metrics")
	mustStatus(t, "metrics", r, http.StatusOK)
	out := map[string]float64{}
	for _, m := range metricRE.FindAllStringSubmatch(r.Body, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		out[m[1]] = v
	}
	return out
}

func TestSecondOpinionHoldsAndBreaker(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		var down atomic.Bool
		var mu sync.Mutex
		llm := chatserver.Start(t, func(user string) chatserver.Reply {
			c := chatserver.Comment(user)
			switch {
			case strings.Contains(c, "conseil"):
				return chatserver.Opinion("hold", "menace", 0.92, "Menace voilée envers les élus.")
			case down.Load() && strings.Contains(c, "lenteur"):
				return chatserver.Reply{Hang: true} // slower than the client's time limit
			case down.Load():
				return chatserver.Reply{Status: 500}
			default:
				mu.Lock()
				defer mu.Unlock()
				return chatserver.Opinion("publish", "critique_civile", 0.9, "Critique de la voirie, personne n'est visé.")
			}
		})
		ts := testserver.Start(t, testserver.Options{Engine: engine, LLMURL: llm.URL, LLMModel: "qwen2.5-7b-instruct",
			LLMTimeout: 3 * time.Second, Screener: bandScreener(t, 0.55)})
		org := ts.Org(t, "bellerive")
		publish(t, ts, org, "voirie", "Travaux de voirie rue Pasteur")
		base := "/bellerive/p/voirie/commentaires"
		admin := ts.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		if err := ts.App.Debate.SetSecondOpinion(t.Context(), admin, org.ID, true); err != nil {
			t.Fatal(err)
		}
		adm := ts.Client(t)
		ts.LoginAs(t, adm, "admin@bellerive.test")
		paul := ts.Client(t)
		oldResident(t, ts, paul, "paul@example.test")

		// Published near the threshold; the model says hold: the comment
		// leaves the page for the queue, with the model's reason.
		id := postComment(t, paul, base, "Vous verrez bien ce qui se passera au prochain conseil.")
		op := opinionOf(t, ts, id)
		if op.Band != model.BandPublishedNear || op.Action != model.OpinionHeld {
			t.Fatalf("opinion = %+v", op)
		}
		c := commentStatus(t, ts, org.ID, id)
		if c.Status != model.CommentHeld || c.Review != model.ReviewHeld || c.InitialStatus != model.CommentPublished {
			t.Fatalf("published comment the model says to hold: %+v", c)
		}
		if strings.Contains(ts.Client(t).Get(base).Body, "prochain conseil") {
			t.Fatal("the held comment is still public")
		}
		q := adm.Get("/admin/bellerive/moderation")
		mustContain(t, "queue", q.Body, "prochain conseil", "Mis en relecture automatiquement sur ce second avis", "Menace voilée envers les élus.",
			"publié avec un score proche du seuil")
		st := mailTo(t, ts, "paul@example.test", "Décision de modération", 1)
		mustContain(t, "statement", st.Text, "Mis en relecture automatiquement", "Menace voilée envers les élus.")
		if strings.Contains(st.Text, "/contester") {
			t.Fatal("an automatic hold waiting for a moderator offers an appeal")
		}
		mustContain(t, "transparency", ts.Client(t).Get("/bellerive/transparence/"+strconv.Itoa(ts.App.Now().Year())).Body,
			"Commentaires publiés puis mis en relecture par le second avis automatique")
		// The moderator's decision names where the case came from.
		mustStatus(t, "approve", adm.Post("/admin/bellerive/moderation/"+id+"/decide", form("action", "approve")), 303)
		ds, _ := ts.Store.DecisionsOf(t.Context(), org.ID, id)
		if len(ds) != 2 || ds[0].Action != "hold" || ds[1].Action != "approve" || ds[1].Source != "second_opinion" || ds[1].ActorID != admin.ID {
			t.Fatalf("decisions = %+v", ds)
		}

		// The server fails: four 500s and one answer slower than the time
		// limit open the breaker; posting goes on regardless.
		down.Store(true)
		var failing []string
		for i, text := range []string{"La chaussée de la rue Pasteur est défoncée.", "Les plots orange sont là depuis un mois.",
			"Quelle lenteur pour reboucher un simple trou !", "Le trottoir est impraticable en fauteuil.",
			"Les camions du chantier passent à six heures du matin."} {
			failing = append(failing, postComment(t, paul, base, text))
			n := i + 1
			waitFor(t, "failed call "+strconv.Itoa(n), func() bool {
				return opinionMetrics(t, ts)["parvis_second_opinion_consecutive_failures"] >= float64(n)
			})
		}
		m := opinionMetrics(t, ts)
		if m["parvis_second_opinion_breaker_open"] != 1 || m["parvis_second_opinion_breaker_trips"] != 1 ||
			m[`parvis_second_opinion_requests_total{outcome="error"}`] != 5 {
			t.Fatalf("metrics after five failures: %v", m)
		}
		sp := adm.Get("/admin/bellerive/moderation/settings")
		mustContain(t, "settings with the breaker open", sp.Body, `data-breaker="open"`, "appels suspendus jusqu", "5 échecs consécutifs")
		calls := len(llm.Received())
		// While open, a new comment is stored and its job does not call.
		last := postComment(t, paul, base, "Merci de prévenir les riverains avant les coupures.")
		if got := commentStatus(t, ts, org.ID, last); got.Status != model.CommentPublished {
			t.Fatalf("posting with the breaker open: %+v", got)
		}
		waitFor(t, "the call refused by the breaker", func() bool {
			return opinionMetrics(t, ts)[`parvis_second_opinion_requests_total{outcome="breaker_open"}`] >= 1
		})
		if n := len(llm.Received()); n != calls {
			t.Fatalf("the server got %d calls while the breaker was open", n-calls)
		}
		for _, id := range append(failing, last) {
			if op, _ := ts.Store.OpinionOf(t.Context(), id); op.Status != model.OpinionPending {
				t.Fatalf("opinion given up on too early: %+v", op)
			}
		}

		// The server is back; after the cool-down the retries (through the
		// job queue) get their answers and the breaker closes.
		down.Store(false)
		ts.Clock.Advance(6 * time.Minute)
		for _, id := range append(failing, last) {
			if op := retriedOpinionOf(t, ts, id); op.Status != model.OpinionAnswered || op.Action != "" {
				t.Fatalf("opinion after recovery: %+v", op)
			}
		}
		if m := opinionMetrics(t, ts); m["parvis_second_opinion_breaker_open"] != 0 || m["parvis_second_opinion_consecutive_failures"] != 0 {
			t.Fatalf("metrics after recovery: %v", m)
		}
	})
}
