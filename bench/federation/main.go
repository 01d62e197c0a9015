// Command federation measures ActivityPub figures (docs/PERFORMANCE.md,
// "Federation"):
//
//   - fan-out: one publication to N followers on H distinct hosts, every
//     delivery signed and verified by a local sink answering for every host
//     name (a custom resolver maps them all to 127.0.0.1; the server runs
//     with --federation-insecure);
//
//   - inbox: distinct pre-signed Like activities from 100 remote actors
//     (keys known to the database, as after their first activity) posted
//     to /inbox; each signature is verified and each like stored before
//     the 202, and the likes are counted in the database at the end.
//
//     go run ./bench/federation                      # SQLite
//     go run ./bench/federation --database postgres://127.0.0.1:5432/test?sslmode=disable
package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
)

func main() {
	database := flag.String("database", "", "postgres:// URL (empty: SQLite in a temp dir)")
	followers := flag.Int("followers", 10000, "followers of the organisation")
	hosts := flag.Int("hosts", 1000, "distinct hosts they are on")
	shared := flag.Bool("shared", true, "followers' servers have a shared inbox (as Mastodon's do)")
	activities := flag.Int("activities", 5000, "signed activities posted to the inbox")
	conc := flag.Int("c", 8, "inbox client concurrency")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the inbox run to this file")
	jobPoll := flag.Duration("job-poll", 200*time.Millisecond, "how often idle job workers poll (parvis serve's default)")
	flag.Parse()
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "parvis-fedbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *database != "" {
		// A fresh schema, so runs do not see each other's data.
		schema := fmt.Sprintf("fedbench_%d", time.Now().UnixNano())
		st, err := store.Open(ctx, *database, store.Options{})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			log.Fatal(err)
		}
		st.Close()
		sep := "?"
		if strings.Contains(*database, "?") {
			sep = "&"
		}
		*database += sep + "search_path=" + schema
		defer func() {
			if st, err := store.Open(ctx, *database, store.Options{}); err == nil {
				_, _ = st.DB().ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
				st.Close()
			}
		}()
	}

	// The sink: every host name resolves here; each POST is verified.
	sink := &sink{}
	sinkLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = http.Serve(sinkLn, sink) }()
	sinkPort := sinkLn.Addr().(*net.TCPAddr).Port

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	cfg := config.Config{Addr: ln.Addr().String(), DataDir: dir, Database: *database, BaseURL: "http://" + ln.Addr().String(),
		MailFrom: "bench@localhost", LogLevel: "warn", LogFormat: "text", JobPoll: *jobPoll, FederationInsecure: true}
	if err := cfg.Validate(); err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	lookup := func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	srv, err := server.Open(ctx, cfg, server.Options{Logger: logger, LookupIP: lookup})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	sctx, stop := context.WithCancel(ctx)
	go func() { _ = srv.Serve(sctx, ln) }()
	defer stop()
	a := srv.App

	org, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bellerive", Name: "Ville de Bellerive-sur-Loire", Kind: model.KindCommune})
	if err != nil {
		log.Fatal(err)
	}
	admin, err := a.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: "admin@bench.test", DisplayName: "Admin", Password: "une phrase de passe solide pour le banc", Verified: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Store.PutMembership(ctx, model.Membership{AccountID: admin.ID, OrgID: org.ID, Role: model.RoleAdmin, CreatedAt: a.Now()}); err != nil {
		log.Fatal(err)
	}
	orgActor, err := a.Fediverse.LocalActor(ctx, model.ActorOrg, org.ID)
	if err != nil {
		log.Fatal(err)
	}
	sink.key, err = federation.ParsePublicKey(orgActor.PublicKeyPEM)
	if err != nil {
		log.Fatal(err)
	}

	// Followers, spread over the hosts.
	err = srv.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < *followers; i++ {
			host := fmt.Sprintf("h%d.sink.test:%d", i%*hosts, sinkPort)
			f := model.Follower{ActorID: orgActor.ID, RemoteActor: fmt.Sprintf("http://%s/users/u%d", host, i),
				Inbox: fmt.Sprintf("http://%s/users/u%d/inbox", host, i), Host: host, CreatedAt: a.Now()}
			if *shared {
				f.SharedInbox = "http://" + host + "/inbox"
			}
			if _, err := tx.AddFollower(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	want := *followers
	if *shared {
		want = min(*hosts, *followers)
	}

	res, err := a.Publishing.SavePublication(ctx, admin.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Travaux rue des Écoles",
		Summary: "Fermeture du 3 au 7 juin.", Body: "La rue des Écoles sera fermée du 3 au 7 juin."})
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	if _, err := a.Publishing.Transition(ctx, admin.ID, org.ID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish}); err != nil {
		log.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for sink.ok.Load() < int64(want) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	engine := "sqlite"
	if *database != "" {
		engine = "postgres"
	}
	fmt.Printf("fan-out [%s]: %d followers on %d hosts (shared inbox: %v) → %d/%d deliveries signed and verified in %v (%.0f/s); bad signatures %d, distinct inboxes %d\n",
		engine, *followers, *hosts, *shared, sink.ok.Load(), want, elapsed.Round(time.Millisecond),
		float64(sink.ok.Load())/elapsed.Seconds(), sink.bad.Load(), sink.distinct())

	// Inbox: remote actors with cached keys, pre-signed likes of publications.
	// The liked publications belong to a second organisation that nobody
	// follows: published under the first one, each would fan out to its
	// followers while the inbox is measured (50 publications × 1,000
	// signed deliveries competing for the CPU — which is what made the
	// first runs of this bench report 136/s).
	inboxOrg, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "saint-aubin", Name: "Commune de Saint-Aubin", Kind: model.KindCommune})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Store.PutMembership(ctx, model.Membership{AccountID: admin.ID, OrgID: inboxOrg.ID, Role: model.RoleAdmin, CreatedAt: a.Now()}); err != nil {
		log.Fatal(err)
	}
	const actors = 100
	pubs := (*activities + actors - 1) / actors
	var pubURIs []string
	for i := 0; i < pubs; i++ {
		r, err := a.Publishing.SavePublication(ctx, admin.ID, inboxOrg.ID, model.PubInput{Kind: model.KindNews, Title: fmt.Sprintf("Actualité %d", i),
			Summary: "Résumé.", Body: "Texte."})
		if err != nil {
			log.Fatal(err)
		}
		p, err := a.Publishing.Transition(ctx, admin.ID, inboxOrg.ID, r.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
		if err != nil {
			log.Fatal(err)
		}
		pubURIs = append(pubURIs, a.Fediverse.PublicationURI(inboxOrg.Handle, p.Slug))
	}
	type remote struct {
		uri string
		key *rsa.PrivateKey
	}
	var remotes []remote
	for i := 0; i < actors; i++ {
		priv, pub, err := federation.GenerateKey()
		if err != nil {
			log.Fatal(err)
		}
		k, _ := federation.ParsePrivateKey(priv)
		host := fmt.Sprintf("a%d.remote.test", i)
		uri := "https://" + host + "/users/u"
		err = srv.Store.PutRemoteActor(ctx, model.RemoteActor{URI: uri, KeyID: uri + "#main-key", PublicKeyPEM: pub,
			Handle: "u@" + host, Name: "U", URL: uri, Inbox: uri + "/inbox", Host: host, FetchedAt: a.Now()})
		if err != nil {
			log.Fatal(err)
		}
		remotes = append(remotes, remote{uri: uri, key: k})
	}
	inbox := cfg.BaseURL + "/inbox"
	type signed struct {
		body []byte
		hdr  http.Header
	}
	reqs := make([]signed, 0, *activities)
	for i := 0; i < *activities; i++ {
		r := remotes[i%actors]
		body := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s#likes/%d","type":"Like","actor":%q,"object":%q}`,
			r.uri, i, r.uri, pubURIs[i/actors]))
		req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
		req.Header.Set("Content-Type", federation.ContentType)
		if err := federation.Sign(req, body, r.uri+"#main-key", r.key, time.Now()); err != nil {
			log.Fatal(err)
		}
		reqs = append(reqs, signed{body: body, hdr: req.Header})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	var accepted, refused atomic.Int64
	var wg sync.WaitGroup
	next := atomic.Int64{}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if n := sink.ok.Load(); n != int64(want) {
		log.Printf("warning: %d deliveries at the sink before the inbox run, %d expected", n, want)
	}
	cpu0, load0 := cpuTime(), loadAvg()
	start = time.Now()
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(reqs[i].body))
				req.Header = reqs[i].hdr.Clone()
				resp, err := client.Do(req)
				if err != nil {
					refused.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					accepted.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed = time.Since(start)
	var likes int
	if err := srv.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM fed_reactions`).Scan(&likes); err != nil {
		log.Fatal(err)
	}
	cpu := cpuTime() - cpu0
	fmt.Printf("inbox [%s]: %d signed Likes, %d accepted, %d refused in %v → %.0f activities/s verified and accepted (concurrency %d); %d likes stored\n",
		engine, len(reqs), accepted.Load(), refused.Load(), elapsed.Round(time.Millisecond), float64(accepted.Load())/elapsed.Seconds(), *conc, likes)
	// On a shared machine the rate follows the others' load; the process's
	// CPU time per activity (server, in-process client and job poller
	// together) does not, and bounds the rate on an idle machine.
	fmt.Printf("inbox [%s]: process CPU %v = %.0f µs per activity (%.2f cores busy of %d); load average %s before, %s after\n",
		engine, cpu.Round(time.Millisecond), float64(cpu.Microseconds())/float64(len(reqs)), cpu.Seconds()/elapsed.Seconds(),
		runtime.NumCPU(), load0, loadAvg())
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg is the one-minute load average (Linux), "?" elsewhere.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// sink answers every host's inbox and verifies each delivery's signature.
type sink struct {
	key     *rsa.PublicKey
	ok, bad atomic.Int64
	mu      sync.Mutex
	inboxes map[string]bool
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p, err := federation.ParseSignature(r.Header)
	if err == nil {
		err = federation.CheckRequest(r, p, body, time.Now())
	}
	if err == nil {
		err = federation.VerifyWith(r, p, s.key)
	}
	if err != nil {
		s.bad.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	if s.inboxes == nil {
		s.inboxes = map[string]bool{}
	}
	s.inboxes[r.Host+r.URL.Path] = true
	s.mu.Unlock()
	s.ok.Add(1)
	w.WriteHeader(http.StatusAccepted)
}

func (s *sink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inboxes)
}
