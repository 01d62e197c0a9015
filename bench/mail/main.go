// Command mail measures Parvis's mass mail against a built binary and the
// bench/mailsink SMTP sink, all on this machine:
//
//  1. the sink's own ceiling: a minimal client (internal/mail's bulk
//     connection, no database) blasts pre-built messages over --conns
//     connections;
//
//  2. a newsletter to --n subscribers, each message with its own signed
//     preference and unsubscribe links, sent by `parvis serve`: sustained
//     rate between the first and the last message at the sink, and the
//     server's peak resident memory (VmRSS sampled every 20 ms);
//
//  3. an urgent alert to the same --n subscribers, published while the
//     server runs: delay from the commit of the publication to the first
//     message at the sink, and to the last.
//
//     go build -o /tmp/parvis ./cmd/parvis && go build -o /tmp/mailsink ./bench/mailsink
//     go run ./bench/mail --parvis /tmp/parvis --sink /tmp/mailsink [--database postgres://…]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
)

var (
	bin      = flag.String("parvis", "/tmp/parvis", "parvis binary")
	sinkBin  = flag.String("sink", "/tmp/mailsink", "mailsink binary")
	database = flag.String("database", "", "postgres://… (a fresh schema is created); empty for SQLite")
	n        = flag.Int("n", 100000, "subscribers")
	conns    = flag.Int("conns", 6, "SMTP connections")
	phases   = flag.String("phases", "ceiling,newsletter,alert", "what to measure (comma-separated)")
	port     = flag.Int("port", 2625, "sink SMTP port on 127.0.0.1 (its count endpoint uses the next one)")
)

var smtpAddr, countAddr string

func main() {
	flag.Parse()
	smtpAddr, countAddr = fmt.Sprintf("127.0.0.1:%d", *port), fmt.Sprintf("127.0.0.1:%d", *port+1)
	sink := exec.Command(*sinkBin, "--addr", smtpAddr, "--http", countAddr)
	sink.Stderr = os.Stderr
	if err := sink.Start(); err != nil {
		log.Fatal(err)
	}
	defer sink.Process.Kill()
	waitCount()

	ceiling := time.Duration(0)
	if strings.Contains(*phases, "ceiling") {
		ceiling = blast(*n, *conns)
		fmt.Printf("sink ceiling: %d messages over %d connections in %.2fs = %.0f msg/s\n", *n, *conns, ceiling.Seconds(), float64(*n)/ceiling.Seconds())
	}

	dir, err := os.MkdirTemp("", "parvis-mailbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	dbURL := *database
	if dbURL != "" {
		dbURL = freshSchema(dbURL)
	}
	org := seed(dir, dbURL)

	if strings.Contains(*phases, "newsletter") {
		base := count()
		srv, rss := start(dir, dbURL)
		first, last := waitFor(base, *n, 10*time.Minute)
		stopServer(srv)
		span := last.Sub(first)
		rate := float64(*n-1) / span.Seconds()
		share := "no ceiling measured"
		if ceiling > 0 {
			share = fmt.Sprintf("%.0f%% of the sink ceiling", 100*rate/(float64(*n)/ceiling.Seconds()))
		}
		fmt.Printf("newsletter: %d messages, first→last %.2fs = %.0f msg/s sustained (%s), %s\n",
			*n, span.Seconds(), rate, share, rss)
	}
	if !strings.Contains(*phases, "alert") {
		return
	}

	base := count()
	srv, rss := start(dir, dbURL)
	time.Sleep(2 * time.Second) // let it settle (leader election, idle)
	t0 := publishAlert(dir, dbURL, org)
	first, last := waitFor(base, *n, 10*time.Minute)
	stopServer(srv)
	fmt.Printf("urgent alert: first message at the sink %.0f ms after the publication's commit, last after %.2fs (%.0f msg/s), %s\n",
		float64(first.Sub(t0).Microseconds())/1000, last.Sub(t0).Seconds(), float64(*n-1)/last.Sub(first).Seconds(), rss)
}

// stopServer stops parvis gracefully, so that the verdicts of its last
// messages are recorded (a kill could leave a few pending, and the next
// phase's server would send them again before the alert).
func stopServer(srv *exec.Cmd) {
	t := time.Now()
	_ = srv.Process.Signal(syscall.SIGTERM)
	_ = srv.Wait()
	if d := time.Since(t); d > 2*time.Second {
		log.Printf("the server took %.1fs to stop", d.Seconds())
	}
}

func count() int {
	resp, err := http.Get("http://" + countAddr + "/")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	v, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return v
}

func waitCount() {
	for i := 0; i < 100; i++ {
		if count() >= 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log.Fatal("sink did not start")
}

// waitFor polls the sink until want more messages than base arrived and
// returns when the first and the last were counted.
func waitFor(base, want int, timeout time.Duration) (first, last time.Time) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c := count() - base
		if c > 0 && first.IsZero() {
			first = time.Now()
		}
		if c >= want {
			return first, time.Now()
		}
		time.Sleep(2 * time.Millisecond)
	}
	log.Fatalf("only %d of %d messages after %s", count()-base, want, timeout)
	return
}

// blast sends total pre-built messages straight to the sink.
func blast(total, conns int) time.Duration {
	s, err := mail.NewSMTP("smtp://"+smtpAddr, "Bench <bench@example.test>")
	if err != nil {
		log.Fatal(err)
	}
	msg := mail.Compose("Ville <lettre@ville.test>", "La lettre de Bellerive — mars", strings.Repeat("Texte de la lettre. ", 150)+mail.Slot(0),
		"<p>"+strings.Repeat("Texte de la lettre. ", 150)+`</p><a href="`+mail.Slot(0)+`">x</a>`, nil)
	base := count()
	start := time.Now()
	var wg sync.WaitGroup
	per := total / conns
	for c := 0; c < conns; c++ {
		k := per
		if c == conns-1 {
			k = total - per*(conns-1)
		}
		wg.Add(1)
		go func(c, k int) {
			defer wg.Done()
			bc, err := s.OpenBulk(context.Background())
			if err != nil {
				log.Fatal(err)
			}
			defer bc.Close() // reads the last verdict
			var buf []byte
			for i := 0; i < k; i++ {
				to := fmt.Sprintf("r%d-%d@example.test", c, i)
				buf = msg.Build(buf[:0], to, to, time.Now(), nil, []string{"https://parvis.example/abonnement/" + strings.Repeat("x", 70)})
				if err := bc.Send("bounce@example.test", to, buf, func(err error) {
					if err != nil {
						log.Fatal(err)
					}
				}); err != nil {
					log.Fatal(err)
				}
			}
		}(c, k)
	}
	wg.Wait()
	for count()-base < total {
		time.Sleep(time.Millisecond)
	}
	return time.Since(start)
}

func freshSchema(dsn string) string {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("mailbench_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		log.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

func cfgFor(dir, dbURL string) config.Config {
	c := config.Config{DataDir: filepath.Join(dir, "data"), Database: dbURL, MailFrom: "Ville de Bellerive <lettre@bellerive.test>",
		LogFormat: "text", SMTP: "smtp://" + smtpAddr, MailConns: *conns}
	if err := c.Validate(); err != nil {
		log.Fatal(err)
	}
	return c
}

// seed creates the organisation, the subscribers and a newsletter whose
// sending has started (its job waits for the server).
func seed(dir, dbURL string) model.Organisation {
	ctx := context.Background()
	srv, err := server.Open(ctx, cfgFor(dir, dbURL), server.Options{NoWorkers: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	org, err := srv.App.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bellerive", Name: "Ville de Bellerive-sur-Loire", Kind: model.KindCommune})
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = srv.Store.InTx(ctx, func(tx *store.Tx) error {
		db := tx.SQLTx()
		const chunk = 500
		for i := 0; i < *n; i += chunk {
			var subs, orgs strings.Builder
			var a1, a2 []any
			for j := i; j < min(i+chunk, *n); j++ {
				id := core.NewID()
				if j > i {
					subs.WriteByte(',')
					orgs.WriteByte(',')
				}
				k := len(a1)
				fmt.Fprintf(&subs, "($%d,$%d,'fr','active',$%d,$%d,$%d)", k+1, k+2, k+3, k+3, k+3)
				a1 = append(a1, id, fmt.Sprintf("habitant%06d@example.test", j), now)
				k = len(a2)
				fmt.Fprintf(&orgs, "($%d,$%d,1,1,'weekly',1,$%d,$%d,$%d)", k+1, k+2, k+3, k+3, k+3)
				a2 = append(a2, id, org.ID, now)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO subscribers (id, email, lang, status, confirmed_at, created_at, updated_at) VALUES `+subs.String(), a1...); err != nil {
				return err
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO subscriber_orgs (subscriber_id, org_id, everything, alerts, news, newsletter, last_digest_at, created_at, updated_at) VALUES `+orgs.String(), a2...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Planner statistics, as autovacuum would have gathered them on a
	// database that has been running (a table of 100,000 fresh rows is
	// analysed within its first minute); without them PostgreSQL plans
	// the list's queries for a handful of rows.
	if _, err := srv.Store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		log.Fatal(err)
	}
	seeded := time.Now()
	if !strings.Contains(*phases, "newsletter") {
		fmt.Printf("seeded %d subscribers in %.1fs\n", *n, seeded.Sub(start).Seconds())
		return org
	}
	body := "Bonjour,\n\nVoici les nouvelles du mois à Bellerive-sur-Loire.\n\n" +
		strings.Repeat("La place du marché rouvre après trois mois de travaux ; le conseil municipal remercie les riverains. ", 12) +
		"\n\n## À noter\n\n- Collecte des encombrants le 24 mars\n- Conseil municipal le 27 mars à 18 h\n"
	// The newsletter is written and sent by the community manager: the use
	// cases check the sender's role (internal/app/policy).
	com, err := srv.App.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: "communication@bellerive.test", DisplayName: "Communication",
		Password: "une phrase de passe solide", Verified: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Store.PutMembership(ctx, model.Membership{AccountID: com.ID, OrgID: org.ID, Role: model.RoleManager, CreatedAt: time.Now()}); err != nil {
		log.Fatal(err)
	}
	nl, err := srv.App.Mailing.SaveNewsletter(ctx, com.ID, org.ID, "", mailing.NewsletterInput{Subject: "La lettre de Bellerive — mars", BodyMD: body})
	if err != nil {
		log.Fatal(err)
	}
	t := time.Now()
	audience, err := srv.App.Mailing.NewsletterAudience(ctx, nl) // confirmed as counted
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.App.Mailing.SendNewsletter(ctx, com.ID, org, nl.ID, nil, audience); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("seeded %d subscribers in %.1fs; newsletter list drawn in %.2fs\n", *n, seeded.Sub(start).Seconds(), time.Since(t).Seconds())
	return org
}

func publishAlert(dir, dbURL string, org model.Organisation) time.Time {
	ctx := context.Background()
	srv, err := server.Open(ctx, cfgFor(dir, dbURL), server.Options{NoWorkers: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	now := time.Now().UTC().Truncate(time.Microsecond)
	p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindAlert, Slug: "crue-de-la-loire", Title: "Crue de la Loire : évacuation des quais",
		Summary: "Les quais sont évacués à partir de 14 h.", BodyMD: "Évacuation.", BodyHTML: "<p>Évacuation.</p>", State: model.StateDraft,
		AlertLevel: model.AlertUrgence, CreatedAt: now, UpdatedAt: now}
	err = srv.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreatePublication(ctx, p, core.NewID()); err != nil {
			return err
		}
		if err := tx.SetPublicationState(ctx, store.StateChange{PubTransition: model.PubTransition{ID: core.NewID(), PublicationID: p.ID,
			OrgID: org.ID, From: model.StateDraft, To: model.StatePublished, CreatedAt: now}}); err != nil {
			return err
		}
		return srv.App.Mailing.NotifyPublished(ctx, tx, org.ID, p.ID)
	})
	if err != nil {
		log.Fatal(err)
	}
	return time.Now()
}

// sampler keeps the peak resident memory, and apart the peak of its
// anonymous part: on SQLite the database file is memory-mapped
// (mmap_size), and the pages of it that were read count in VmRSS as
// file-backed pages, which the kernel reclaims like any page cache.
type sampler struct {
	mu         sync.Mutex
	peak, anon int // kB
}

func (s *sampler) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("peak RSS %.0f MB (anonymous %.0f MB)", float64(s.peak)/1024, float64(s.anon)/1024)
}

func start(dir, dbURL string) (*exec.Cmd, *sampler) {
	args := []string{"serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--smtp", "smtp://" + smtpAddr,
		"--mail-from", "Ville de Bellerive <lettre@bellerive.test>", "--mail-conns", strconv.Itoa(*conns), "--log-level", "warn", "--job-poll", "100ms"}
	if dbURL != "" {
		args = append(args, "--database", dbURL)
	}
	cmd := exec.Command(*bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	s := &sampler{}
	go func() {
		for {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
			if err != nil {
				return
			}
			for _, line := range strings.Split(string(b), "\n") {
				for _, f := range []struct {
					name string
					v    *int
				}{{"VmRSS:", &s.peak}, {"RssAnon:", &s.anon}} {
					if strings.HasPrefix(line, f.name) {
						kb, _ := strconv.Atoi(strings.Fields(line)[1])
						s.mu.Lock()
						*f.v = max(*f.v, kb)
						s.mu.Unlock()
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return cmd, s
}
