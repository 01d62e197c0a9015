// Command debate measures the debate's figures against a built parvis
// binary on loopback:
//
//  1. posting comments through HTTP (session lookup, flood checks, screening
//     with the organisation's word lists, insert, page-cache bump) by many
//     resident sessions created up front, sustained for --duration;
//  2. the publication page with 500 comments for anonymous visitors, under
//     wrk (served from the page cache, rebuilt on change).
//
// It prepares the data directory in-process (organisation, publication,
// accounts older than a day, sessions), then starts `parvis serve` on it.
//
//	go build -o /tmp/parvis ./cmd/parvis
//	GOMAXPROCS=2 go run ./bench/debate --parvis /tmp/parvis
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
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/parvis/parvis/bench/internal/harness"
	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/web"
)

func main() {
	bin := flag.String("parvis", "/tmp/parvis", "parvis binary")
	residents := flag.Int("residents", 1200, "resident sessions created up front")
	workers := flag.Int("c", 24, "concurrent posting clients")
	duration := flag.Duration("duration", 10*time.Second, "posting duration (bounded to 60s)")
	wrkDuration := flag.Duration("wrk-duration", 10*time.Second, "wrk duration for the page")
	pageComments := flag.Int("page-comments", 500, "comments under the measured publication")
	rounds := flag.Int("rounds", 2, "wrk rounds over the three pages")
	flag.Parse()
	if *duration > time.Minute {
		*duration = time.Minute
	}
	data, err := os.MkdirTemp("", "parvis-bench-debate-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(data)

	secrets := prepare(data, *residents, *pageComments)
	addr := harness.FreeAddr()
	cmd := exec.Command(*bin, "serve", "--data", data, "--addr", addr, "--log-level", "warn", "--base-url", "http://"+addr)
	cmd.Stderr = os.Stderr
	// The server dies with the bench, even when the bench is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	if err := harness.WaitHealthy(base, 10*time.Second); err != nil {
		log.Fatal(err)
	}

	postRate, p50, p99, statuses := post(base, secrets, *workers, *duration)
	fmt.Printf("POST comment (screening included), SQLite, %d resident sessions, %d clients, %s:\n", len(secrets), *workers, *duration)
	fmt.Printf("  %.0f comments/s sustained, latency p50 %s, p99 %s; statuses %v\n", postRate, p50, p99, statuses)

	// The posts queued notification and routing jobs; the pages are
	// measured once they are worked, as a reader would meet them, and not
	// while the server is still catching up with the posting burst.
	drained := waitJobsDrained(data, 2*time.Minute)
	fmt.Printf("  job queue drained %s after the last post\n", drained.Round(100*time.Millisecond))
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("load average before the page runs: %s", load)

	page := base + "/bench/p/avec-500-commentaires"
	body, _, err := harness.Fetch(page, nil)
	if err != nil {
		log.Fatal(err)
	}
	if !strings.Contains(string(body), fmt.Sprintf("Commentaires (%d)", *pageComments)) {
		log.Fatalf("the page does not count %d comments", *pageComments)
	}
	thread := page + "/commentaires"
	tb, _, err := harness.Fetch(thread, nil)
	if err != nil {
		log.Fatal(err)
	}
	// The same page without comments, in the same run, separates the cost
	// of the comments from the machine's load at the time.
	empty := base + "/bench/p/sans-commentaires"
	eb, _, err := harness.Fetch(empty, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("anonymous GETs, wrk -t2 -c50 -d%s, %d rounds:\n", *wrkDuration, *rounds)
	fmt.Println("| page | bytes | round | requests/s | p50 | p99 |")
	fmt.Println("|---|---|---|---|---|---|")
	for round := 1; round <= *rounds; round++ {
		for _, target := range []struct {
			name string
			u    string
			size int
		}{
			{fmt.Sprintf("publication with %d comments (30 threads shown)", *pageComments), page, len(body)},
			{"its comment page 1 (100 threads)", thread, len(tb)},
			{"publication without comments", empty, len(eb)},
		} {
			r, err := harness.WrkClean(target.u, 50, *wrkDuration)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("| %s | %d | %d | %.0f | %s | %s |\n", target.name, target.size, round, r.RPS, r.P50, r.P99)
		}
	}
}

// prepare creates the organisation, the publications, the accounts and
// their sessions in the data directory, and returns the session secrets.
func prepare(data string, residents, pageComments int) []string {
	ctx := context.Background()
	cfg := config.Config{DataDir: data, BaseURL: "http://127.0.0.1", MailFrom: "Parvis <bench@parvis.test>", LogLevel: "warn",
		LogFormat: "text", JobPoll: time.Second}
	if err := cfg.Validate(); err != nil {
		log.Fatal(err)
	}
	srv, err := server.Open(ctx, cfg, server.Options{NoWorkers: true, Passwords: passwords.Params{Memory: 1024, Time: 1, Threads: 1},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	a := srv.App
	org, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bench", Name: "Ville de Banc-d'Essai", Kind: model.KindCommune})
	if err != nil {
		log.Fatal(err)
	}
	now := a.Now()
	mkPub := func(slug, title string) model.Publication {
		p := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindNews, Slug: slug, Title: title, Summary: title,
			BodyMD: title, BodyHTML: "<p>" + title + "</p>", State: model.StatePublished, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
		if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePublication(ctx, p, core.NewID()) }); err != nil {
			log.Fatal(err)
		}
		return p
	}
	mkPub("debat", "Le débat où l'on poste")
	mkPub("sans-commentaires", "Une publication sans commentaire")
	big := mkPub("avec-500-commentaires", "Une publication très commentée")
	var secrets []string
	old := now.Add(-72 * time.Hour)
	hash, err := a.Passwords.Hash("une phrase de passe pour le banc d'essai")
	if err != nil {
		log.Fatal(err)
	}
	// One transaction for everything: the set-up is not what we measure.
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := range residents {
			// Older than a day: the new-account limit is not what we measure.
			acct := model.Account{ID: core.NewID(), Email: fmt.Sprintf("habitant%d@bench.test", i), EmailVerifiedAt: &old,
				DisplayName: fmt.Sprintf("Habitant %d", i), PasswordHash: hash, Locale: "fr", CreatedAt: old, UpdatedAt: old}
			if err := tx.CreateAccount(ctx, acct); err != nil {
				return err
			}
			secret, idHash := core.NewSecret()
			if err := tx.CreateSession(ctx, model.Session{IDHash: idHash, AccountID: acct.ID, CreatedAt: now, LastSeenAt: now,
				ExpiresAt: now.Add(accounts.SessionLifetime), UserAgent: "bench", IP: "127.0.0.1"}); err != nil {
				return err
			}
			secrets = append(secrets, secret)
			if i < pageComments {
				c := model.Comment{ID: core.NewID(), OrgID: org.ID, PublicationID: big.ID, AccountID: acct.ID,
					Body: sentence(i), Fingerprint: screen.Fingerprint(sentence(i)), Status: model.CommentPublished,
					InitialStatus: model.CommentPublished, ScreenVerdict: "allow", CreatedAt: old, UpdatedAt: old}
				if err := tx.CreateComment(ctx, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return secrets
}

var phrases = []string{
	"Bonjour, les travaux de la rue des Tanneurs dureront-ils vraiment jusqu'en mars ? Les riverains aimeraient un calendrier précis.",
	"Je trouve dommage que le marché du samedi soit déplacé sans concertation ; la place de la Halle était plus pratique pour les anciens.",
	"Merci pour ces informations. Est-ce que la passerelle pour les vélos restera ouverte pendant la fermeture du pont ?",
	"La décision du conseil municipal me paraît précipitée : le budget de la piscine aurait mérité un vrai débat public.",
	"Pourriez-vous indiquer les horaires de la déchetterie pendant les fêtes ? Le site internet n'est pas à jour.",
	"Très bonne initiative pour la cour de l'école des Coteaux, les parents attendaient ça depuis longtemps.",
}

// sentence is a realistic comment made unique by its number (the same text
// twice in a row is refused).
func sentence(i int) string {
	return phrases[i%len(phrases)] + " (" + strconv.Itoa(i) + ")"
}

// post has workers post comments with the sessions in turn, each session at
// most 9 times (under the 10 per 10 minutes limit), for d.
func post(base string, secrets []string, workers int, d time.Duration) (float64, time.Duration, time.Duration, map[int]int) {
	target := base + "/bench/p/debat/commentaires"
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[int]int{}
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			local := map[int]int{}
			for time.Now().Before(deadline) {
				n := int(next.Add(1) - 1)
				if n >= len(secrets)*9 {
					log.Printf("ran out of sessions at %d comments; raise --residents", n)
					break
				}
				secret := secrets[n%len(secrets)]
				form := url.Values{"body": {sentence(n + 1000)}, "idem": {strconv.Itoa(n)}}
				req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					log.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				local[resp.StatusCode]++
				if resp.StatusCode == http.StatusSeeOther {
					ok.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range local {
				statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		log.Fatal("no request made")
	}
	return float64(ok.Load()) / elapsed.Seconds(), lat[len(lat)/2].Round(100 * time.Microsecond), lat[len(lat)*99/100].Round(100 * time.Microsecond), statuses
}

// waitJobsDrained waits until no job is waiting or running in the server's
// SQLite database (read beside the running server, in WAL mode), and
// returns how long that took.
func waitJobsDrained(data string, limit time.Duration) time.Duration {
	db, err := sql.Open("sqlite", store.SQLiteDSN(filepath.Join(data, "parvis.db")))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	for time.Since(start) < limit {
		var pending int
		err := db.QueryRow(`SELECT count(*) FROM river_job WHERE state IN ('available', 'running')`).Scan(&pending)
		if err != nil {
			log.Fatal(err)
		}
		if pending == 0 {
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	log.Fatalf("jobs still pending after %s", limit)
	return 0
}
