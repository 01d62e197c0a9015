package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
	"github.com/parvis/parvis/internal/testkit/smtpsink"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestNewsletterSurvivesKill9 builds the binary, starts `parvis serve` with
// a newsletter to a few thousand subscribers sending to an SMTP sink, and
// kills it with SIGKILL again and again at different kinds of moments:
// at a random time after start (perhaps before anything was sent), at a
// random time after the round's first message, and from inside the sink
// right after it took a message and before it acknowledged it (the window
// between the server's acceptance and the durable "sent" mark). Then it
// lets a last run finish and checks, on both engines:
//
//   - no loss: every subscriber received the letter;
//   - no duplicate: nobody received two different messages, and every
//     message carries its recipient's own Message-ID
//     (app.MessageID). A message the server took just before a kill is sent
//     again identically, with the same Message-ID; such redeliveries are
//     what the design allows (docs/EMAIL.md) and are counted and logged.
//   - every row is "sent" and the mailing is done, its counter right.
func TestNewsletterSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := filepath.Join(t.TempDir(), "parvis")
	build := exec.Command("go", "build", "-o", bin, "github.com/parvis/parvis/cmd/parvis")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	testserver.Engines(t, func(t *testing.T, engine store.Engine) { killAndResume(t, bin, engine) })
}

func killAndResume(t *testing.T, bin string, engine store.Engine) {
	const (
		total = 6000
		kills = 9
		// A limited rate spreads the sending so that kills land inside it:
		// a round sends at most ~800 messages (800 ms of sending), so nine
		// rounds stay well short of the list.
		perSec = 1000
	)
	data := filepath.Join(t.TempDir(), "data")
	database := ""
	if engine == store.Postgres {
		database = storetest.PostgresDSN(t)
	}
	sink := smtpsink.Start(t)
	mailingID := seedNewsletter(t, data, database, total, perSec)

	serve := func() (*exec.Cmd, *strings.Builder) {
		args := []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--smtp", sink.URL(),
			"--mail-from", "Ville <lettre@ville.test>", "--job-poll", "50ms", "--log-level", "warn"}
		if database != "" {
			args = append(args, "--database", database)
		}
		cmd := exec.Command(bin, args...)
		var logs strings.Builder
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &logs
	}
	for round := 0; round < kills; round++ {
		before := sink.Len()
		cmd, logs := serve()
		var how string
		switch round % 3 {
		case 0: // a random moment from the start, sending or not
			delay := time.Duration(rand.IntN(800)) * time.Millisecond
			time.Sleep(delay)
			how = fmt.Sprintf("%s after start", delay)
		case 1: // a random moment of the sending
			waitForMore(t, sink, before, logs)
			delay := time.Duration(rand.IntN(300)) * time.Millisecond
			time.Sleep(delay)
			how = fmt.Sprintf("%s after the round's first message", delay)
		case 2: // inside the sink, between taking a message and answering
			at := before + 1 + rand.IntN(300)
			killed := make(chan struct{})
			var once sync.Once
			sink.OnReceived(func(n int) {
				if n >= at {
					once.Do(func() { _ = cmd.Process.Kill(); close(killed) })
				}
			})
			select {
			case <-killed:
			case <-time.After(30 * time.Second):
				t.Logf("logs:\n%s", logs.String())
				t.Fatalf("round %d: message %d never came", round, at)
			}
			sink.OnReceived(nil)
			how = fmt.Sprintf("in the sink at message %d, before its answer", at)
		}
		_ = cmd.Process.Kill() // SIGKILL
		_ = cmd.Wait()
		t.Logf("round %d: killed %s; %d messages received", round, how, sink.Len())
		if sink.Len() >= total {
			t.Fatalf("round %d: sending finished before the kill; the test needs a bigger list", round)
		}
	}
	started := time.Now()
	cmd, logs := serve()
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	st, err := store.Open(context.Background(), storeLocation(data, database), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		m, err := st.MailingByID(context.Background(), "", mailingID)
		if err == nil && m.State == model.MailingDone {
			break
		}
		if time.Now().After(deadline) {
			t.Logf("logs:\n%s", logs.String())
			t.Fatalf("the mailing did not finish: %+v %v", m, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Anything extra (a message sent twice after a kill) has arrived once
	// the server's queue has nothing left to do.
	q, err := jobs.New(context.Background(), st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	testserver.WaitQueueIdle(t, q, time.Now, started)

	ids, err := subscriberIDs(st) // address → subscriber id
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]int{} // address → Message-ID → copies
	for _, m := range sink.Messages() {
		for _, to := range m.To {
			to = strings.ToLower(to)
			if got[to] == nil {
				got[to] = map[string]int{}
			}
			got[to][m.Header.Get("Message-Id")]++
		}
	}
	var lost, dup []string
	redelivered := 0
	for addr, sub := range ids {
		want := "<" + mailing.MessageID(mailingID, sub) + ">"
		switch {
		case len(got[addr]) == 0:
			lost = append(lost, addr)
		case len(got[addr]) > 1 || got[addr][want] == 0:
			dup = append(dup, fmt.Sprintf("%s %v", addr, got[addr]))
		default:
			redelivered += got[addr][want] - 1
		}
	}
	if len(ids) != total || len(got) != total {
		t.Errorf("%d subscribers, %d distinct recipients, want %d", len(ids), len(got), total)
	}
	t.Logf("%d kills: %d lost, %d duplicates, %d identical redeliveries (same Message-ID) of %d messages received",
		kills, len(lost), len(dup), redelivered, sink.Len())
	if len(lost) > 0 || len(dup) > 0 {
		t.Logf("logs:\n%s", logs.String())
		t.Fatalf("%d lost %v, %d duplicates %v", len(lost), head(lost), len(dup), head(dup))
	}
	states, err := st.RecipientStates(context.Background(), mailingID)
	if err != nil || states["sent"] != total || len(states) != 1 {
		t.Fatalf("recipient states %v (%v), want %d sent", states, err, total)
	}
	m, err := st.MailingByID(context.Background(), "", mailingID)
	if err != nil || m.Sent != total || m.Failed != 0 || m.Skipped != 0 {
		t.Fatalf("mailing counters %d sent, %d failed, %d skipped (%v), want %d sent", m.Sent, m.Failed, m.Skipped, err, total)
	}
}

// waitForMore waits until the sink received more than n messages.
func waitForMore(t *testing.T, sink *smtpsink.Sink, n int, logs *strings.Builder) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for sink.Len() <= n {
		if time.Now().After(deadline) {
			t.Logf("logs:\n%s", logs.String())
			t.Fatal("no message within 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}

func storeLocation(data, database string) string {
	if database != "" {
		return database
	}
	return filepath.Join(data, "parvis.db")
}

// subscriberIDs maps every subscriber's address to its id.
func subscriberIDs(st *store.Store) (map[string]string, error) {
	rows, err := st.DB().Query(`SELECT email, id FROM subscribers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var email, id string
		if err := rows.Scan(&email, &id); err != nil {
			return nil, err
		}
		out[strings.ToLower(email)] = id
	}
	return out, rows.Err()
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// seedNewsletter creates an organisation, `total` confirmed subscribers and
// a newsletter whose sending has started, with a server that runs no jobs.
func seedNewsletter(t *testing.T, data, database string, total, perSec int) string {
	t.Helper()
	ctx := context.Background()
	cfg := config.Config{DataDir: data, Database: database, MailFrom: "Ville <lettre@ville.test>", LogFormat: "text"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	srv, err := server.Open(ctx, cfg, server.Options{NoWorkers: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	a := srv.App
	org, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bellerive", Name: "Ville de Bellerive-sur-Loire", Kind: model.KindCommune})
	if err != nil {
		t.Fatal(err)
	}
	if err := SeedSubscribers(ctx, srv.Store, org.ID, total); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.PutMailSettings(ctx, model.MailSettings{OrgID: org.ID, DigestHour: 7, WeeklyDay: 1,
		RatePerSecond: perSec, UpdatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	// The community manager who sends it: the use cases ask the policy.
	now := time.Now().UTC()
	cm := model.Account{ID: core.NewID(), Email: "com@bellerive.test", DisplayName: "Com", CreatedAt: now, UpdatedAt: now}
	if err := srv.Store.CreateAccount(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.PutMembership(ctx, model.Membership{AccountID: cm.ID, OrgID: org.ID, Role: model.RoleManager, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	n, err := a.Mailing.SaveNewsletter(ctx, cm.ID, org.ID, "", mailing.NewsletterInput{Subject: "La lettre de Bellerive — mars", BodyMD: "Bonjour,\n\nLa lettre."})
	if err != nil {
		t.Fatal(err)
	}
	count, err := a.Mailing.NewsletterAudience(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Mailing.SendNewsletter(ctx, cm.ID, org, n.ID, nil, count); err != nil {
		t.Fatal(err)
	}
	n, err = srv.Store.NewsletterByID(ctx, org.ID, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n.MailingID
}

var seedMu sync.Mutex

// SeedSubscribers inserts confirmed newsletter subscribers
// habitant00000@example.test… quickly (one transaction).
func SeedSubscribers(ctx context.Context, st *store.Store, orgID string, total int) error {
	seedMu.Lock()
	defer seedMu.Unlock()
	now := time.Now().UTC().Truncate(time.Microsecond)
	return st.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < total; i++ {
			s := model.Subscriber{ID: core.NewID(), Email: fmt.Sprintf("habitant%05d@example.test", i), Lang: "fr",
				Status: model.SubActive, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSubscriber(ctx, s); err != nil {
				return err
			}
			if err := tx.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: s.ID, OrgID: orgID, Choices: model.Choices{
				Everything: true, Alerts: true, News: model.FreqWeekly, Newsletter: true}, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
}
