// Command busy is the busy-Saturday benchmark of issue 15 against real
// `parvis serve` processes: residents comment on one publication while
// residents register for an event with half as many places and a
// newsletter goes out. With --procs 3 on PostgreSQL the processes share
// one database behind bench/rrproxy, and --kill SIGKILLs one of them in
// the middle of the run. It checks: no 5xx besides the proxy's 502 for
// requests cut by the kill (those are resent, with the same idempotency
// key for comments), /healthz through the proxy always 200 (sampled every
// 100 ms), every comment stored exactly once, exactly --places confirmed,
// every subscriber sent the newsletter, nobody twice. Figures (p50, p99,
// max per kind) go to stdout; docs/PERFORMANCE.md keeps them.
//
// The Fediverse actors of the scenario need a second instance
// serving their keys; they are in the Go test (TestBusySaturday).
//
//	bench/busy.sh      # builds the binaries and runs both engines
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/parvis/parvis/bench/internal/harness"
	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/accounts"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/web"
)

func main() {
	bin := flag.String("parvis", "/tmp/parvis-bench", "parvis binary")
	proxyBin := flag.String("proxy", "/tmp/rrproxy-bench", "rrproxy binary (several processes)")
	database := flag.String("database", "", "postgres://… (empty: SQLite, one process)")
	procs := flag.Int("procs", 1, "parvis serve processes on the database")
	kill := flag.Bool("kill", false, "SIGKILL one process in the middle of the run")
	commenters := flag.Int("commenters", 200, "residents commenting at once")
	registrants := flag.Int("registrants", 1000, "residents registering at once")
	places := flag.Int("places", 500, "places of the event")
	subscribers := flag.Int("subscribers", 2000, "newsletter subscribers")
	conns := flag.Int("db-max-conns", 0, "pool size of each process (0: parvis's default)")
	flag.Parse()
	defer stopChildren()
	if *database == "" && *procs > 1 {
		fatal("several processes need PostgreSQL")
	}
	data := must(os.MkdirTemp("", "parvis-busy-"))
	defer os.RemoveAll(data)
	sink := startSink()
	base := "http://" + harness.FreeAddr() // the proxy's, or the single process's
	seeded := seed(filepath.Join(data, "p0"), *database, base, *commenters, *registrants, *places, *subscribers)

	// The processes, and the proxy in front of several.
	var cmds []*exec.Cmd
	var addrs []string
	for i := range *procs {
		addr := harness.FreeAddr()
		if *procs == 1 {
			addr = strings.TrimPrefix(base, "http://")
		}
		args := []string{"serve", "--data", filepath.Join(data, fmt.Sprintf("p%d", i)), "--addr", addr, "--base-url", base,
			"--smtp", "smtp://" + sink.addr, "--mail-from", "Ville <lettre@ville.test>", "--log-level", "warn"}
		if *database != "" {
			args = append(args, "--database", *database)
		}
		if *conns > 0 {
			args = append(args, "--db-max-conns", strconv.Itoa(*conns))
		}
		cmd := exec.Command(*bin, args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			fatal(err)
		}
		cmds = append(cmds, cmd)
		addrs = append(addrs, addr)
		children = append(children, cmd)
	}
	for _, a := range addrs {
		if err := harness.WaitHealthy("http://"+a, time.Minute); err != nil {
			fatal(err)
		}
	}
	if *procs > 1 {
		proxy := exec.Command(*proxyBin, "--addr", strings.TrimPrefix(base, "http://"), "--backends", strings.Join(addrs, ","))
		proxy.Stderr = os.Stderr
		if err := proxy.Start(); err != nil {
			fatal(err)
		}
		children = append(children, proxy)
		if err := harness.WaitHealthy(base, 30*time.Second); err != nil {
			fatal(err)
		}
	}

	r := &run{base: base, lat: map[string][]time.Duration{}, status: map[string]map[int]int{}}
	health := r.sampleHealth()
	var wg sync.WaitGroup
	start := make(chan struct{})
	var done atomic.Int64
	total := int64(*commenters + *registrants)
	for i := range *commenters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			form := url.Values{"idem": {core.NewID()}, "body": {fmt.Sprintf("Proposition %d : un banc et un arbre de plus rue de la Loire.", i)}}
			r.post("comment", seeded.cookies[i], "/bellerive/p/budget/commentaires", form)
			done.Add(1)
		}()
	}
	for i := range *registrants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r.post("register", seeded.cookies[i], "/bellerive/p/concert/inscription", url.Values{"waitlist": {"1"}})
			done.Add(1)
		}()
	}
	began := time.Now()
	close(start)
	letter := must(seeded.store.NewsletterByID(context.Background(), seeded.org.ID, seeded.newsletterID))
	audience := must(seeded.app.Mailing.NewsletterAudience(context.Background(), letter)) // confirmed as counted
	if err := seeded.app.Mailing.SendNewsletter(context.Background(), seeded.managerID, seeded.org, seeded.newsletterID, nil, audience); err != nil {
		fatal(err)
	}
	seeded.mailingID = must(seeded.store.NewsletterByID(context.Background(), seeded.org.ID, seeded.newsletterID)).MailingID
	killed := ""
	if *kill && len(cmds) > 1 {
		// In the middle of the run: a third of the requests answered.
		for done.Load() < total/3 {
			time.Sleep(5 * time.Millisecond)
		}
		_ = cmds[1].Process.Kill()
		killed = fmt.Sprintf("process 2 of %d SIGKILLed after %d of %d requests", len(cmds), done.Load(), total)
	}
	wg.Wait()
	answered := time.Since(began)
	st := seeded.store
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		m, err := st.MailingByID(ctx, "", seeded.mailingID)
		if err == nil && m.State == model.MailingDone {
			break
		}
		if time.Now().After(deadline) {
			fatalf("the newsletter did not finish: %+v %v", m, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	sent := time.Since(began)
	bad := health.stop()

	fail := false
	check := func(ok bool, format string, args ...any) {
		mark := "ok  "
		if !ok {
			mark, fail = "FAIL", true
		}
		fmt.Printf("%s %s\n", mark, fmt.Sprintf(format, args...))
	}
	engine := "SQLite"
	if *database != "" {
		engine = "PostgreSQL"
	}
	fmt.Printf("busy: %s, %d process(es); %d comments, %d registrations for %d places, newsletter to %d\n",
		engine, *procs, *commenters, *registrants, *places, *subscribers)
	if killed != "" {
		fmt.Println("busy:", killed)
	}
	for _, kind := range []string{"comment", "register"} {
		ds := r.lat[kind]
		slices.Sort(ds)
		fmt.Printf("busy: %-8s × %d: p50 %s, p99 %s, max %s; answers %v; resent after a cut %d\n", kind, len(ds),
			q(ds, 0.5), q(ds, 0.99), q(ds, 1), r.status[kind], r.resent[kind])
	}
	fmt.Printf("busy: all answered in %s, newsletter finished after %s\n", answered.Round(time.Millisecond), sent.Round(time.Millisecond))
	check(r.fivexx.Load() == 0, "no 5xx answer (besides the proxy's 502 for requests cut by the kill): %d", r.fivexx.Load())
	check(len(bad) == 0, "/healthz 200 in all %d samples (failures: %d %v)", health.samples, len(bad), first(bad))
	var comments int
	must0(st.DB().QueryRow(`SELECT COUNT(*) FROM comments WHERE publication_id = $1`, seeded.pubID).Scan(&comments))
	check(comments == *commenters, "%d comments stored, want %d (each once)", comments, *commenters)
	counts := must(st.RegistrationCounts(ctx, seeded.eventID))
	check(counts[model.RegConfirmed] == *places && counts[model.RegWaiting] == *registrants-*places,
		"%d confirmed and %d waiting, want %d and %d", counts[model.RegConfirmed], counts[model.RegWaiting], *places, *registrants-*places)
	m := must(st.MailingByID(ctx, "", seeded.mailingID))
	check(m.Sent == *subscribers, "newsletter marked sent to %d, want %d", m.Sent, *subscribers)
	got, twice, different := sink.count()
	check(got == *subscribers, "%d subscribers received it, want %d", got, *subscribers)
	check(different == 0, "nobody received two different messages: %d did", different)
	// docs/EMAIL.md: a message the SMTP server took just before a kill
	// is sent again identically (same Message-ID); counted, and bounded.
	check(twice <= *subscribers/100, "%d subscribers received the same message twice (at most 1%% allowed: the crash window)", twice)
	if fail {
		stopChildren()
		os.Exit(1)
	}
}

// children are the processes started here, stopped on every way out
// (log.Fatal and os.Exit skip deferred calls).
var children []*exec.Cmd

func stopChildren() {
	for _, c := range children {
		if c.ProcessState == nil {
			_ = c.Process.Signal(syscall.SIGTERM)
			_ = c.Wait()
		}
	}
	children = nil
}

func fatal(v ...any) {
	stopChildren()
	log.Print(v...)
	os.Exit(1)
}

type seeded struct {
	app                                     *app.App
	store                                   *store.Store
	org                                     model.Organisation
	pubID, eventID, newsletterID, mailingID string
	managerID                               string // sends the newsletter
	cookies                                 []string
}

// seed creates Bellerive, its publication, its event, the residents and
// their sessions, and the newsletter, through the use cases (no workers:
// the serve processes do the work).
func seed(data, database, base string, commenters, registrants, places, subscribers int) seeded {
	ctx := context.Background()
	cfg := config.Config{DataDir: data, Database: database, BaseURL: base, MailFrom: "Ville <lettre@ville.test>", LogFormat: "text"}
	must0(cfg.Validate())
	srv := must(server.Open(ctx, cfg, server.Options{NoWorkers: true, Logger: slog.New(slog.DiscardHandler),
		Passwords: passwords.Params{Memory: 1024, Time: 1, Threads: 1}}))
	a := srv.App
	org := must(a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: "bellerive", Name: "Ville de Bellerive-sur-Loire", Kind: model.KindCommune}))
	now := a.Now()
	pub := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindNews, Slug: "budget", Title: "Budget participatif 2027",
		Summary: "Vos idées pour 2027.", BodyMD: "Texte.", BodyHTML: "<p>Texte.</p>", State: model.StatePublished,
		Revision: 1, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	evPub := model.Publication{ID: core.NewID(), OrgID: org.ID, Kind: model.KindEvent, Slug: "concert", Title: "Concert du 14 juillet",
		Summary: "Sur inscription.", BodyMD: "Venez.", BodyHTML: "<p>Venez.</p>", State: model.StatePublished,
		Revision: 1, CreatedAt: now, UpdatedAt: now, PublishedAt: &now}
	startsAt := now.Add(30 * 24 * time.Hour).Truncate(time.Hour)
	ev := model.Event{PublicationID: evPub.ID, OrgID: org.ID, StartsAt: startsAt, EndsAt: startsAt.Add(2 * time.Hour),
		PlaceName: "Place de la Mairie", Attendance: model.AttendInPerson, Free: true, OrganiserKind: model.OrganiserOrg,
		JoinMode: model.JoinRestricted, Capacity: places, Status: model.EventScheduled, CreatedAt: now, UpdatedAt: now}
	must0(srv.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.BulkInsertPublications(ctx, []model.Publication{pub, evPub}); err != nil {
			return err
		}
		if err := tx.PutEvent(ctx, ev); err != nil {
			return err
		}
		o, _ := events.ExpandEvent(ev, nil)
		return tx.InsertOccurrences(ctx, o)
	}))
	s := seeded{app: a, store: srv.Store, org: org, pubID: pub.ID, eventID: evPub.ID}
	for i := range max(commenters, registrants) {
		acct := must(a.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: fmt.Sprintf("habitant%d@exemple.fr", i),
			DisplayName: fmt.Sprintf("Habitant %d", i), Password: "une phrase de passe solide", Verified: true}))
		s.cookies = append(s.cookies, must(a.Accounts.StartSession(ctx, acct.ID, "busy", "127.0.0.1")))
	}
	must0(srv.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := range subscribers {
			sub := model.Subscriber{ID: core.NewID(), Email: fmt.Sprintf("abonne%05d@exemple.fr", i), Lang: "fr",
				Status: model.SubActive, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSubscriber(ctx, sub); err != nil {
				return err
			}
			if err := tx.PutSubscriberOrg(ctx, model.SubscriberOrg{SubscriberID: sub.ID, OrgID: org.ID, Choices: model.Choices{
				Everything: true, Newsletter: true}, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	}))
	must0(srv.Store.PutMailSettings(ctx, model.MailSettings{OrgID: org.ID, DigestHour: 7, WeeklyDay: 1, RatePerSecond: 1000, UpdatedAt: now}))
	// The newsletter is written and sent by the community manager: the use
	// cases check the sender's role (internal/app/policy).
	com := must(a.Accounts.CreateAccount(ctx, accounts.NewAccount{Email: "communication@bellerive.test", DisplayName: "Communication",
		Password: "une phrase de passe solide", Verified: true}))
	must0(srv.Store.PutMembership(ctx, model.Membership{AccountID: com.ID, OrgID: org.ID, Role: model.RoleManager, CreatedAt: now}))
	s.managerID = com.ID
	n := must(a.Mailing.SaveNewsletter(ctx, com.ID, org.ID, "", mailing.NewsletterInput{Subject: "La lettre de Bellerive — juillet",
		BodyMD: "Bonjour,\n\nLe concert du 14 juillet affiche complet : inscrivez-vous vite."}))
	s.newsletterID = n.ID
	return s
}

// run drives the requests and keeps their figures.
type run struct {
	base   string
	mu     sync.Mutex
	lat    map[string][]time.Duration
	status map[string]map[int]int
	resent map[string]int
	fivexx atomic.Int64
}

// post sends form as the resident whose session is cookie; a 502 (the
// process died with the request) is resent, as a browser's user would,
// with the same form (and so the same idempotency key).
func (r *run) post(kind, cookie, path string, form url.Values) {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(r.base)
	jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: cookie, Path: "/"}})
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	began := time.Now()
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequest(http.MethodPost, r.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", r.base)
		resp, err := c.Do(req)
		status := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
		if (err != nil || status == http.StatusBadGateway) && attempt < 3 {
			r.mu.Lock()
			if r.resent == nil {
				r.resent = map[string]int{}
			}
			r.resent[kind]++
			r.mu.Unlock()
			continue
		}
		if err != nil || status >= 500 {
			r.fivexx.Add(1)
			log.Printf("%s: %v %d", kind, err, status)
		}
		r.mu.Lock()
		r.lat[kind] = append(r.lat[kind], time.Since(began))
		if r.status[kind] == nil {
			r.status[kind] = map[int]int{}
		}
		r.status[kind][status]++
		r.mu.Unlock()
		return
	}
}

type sampler struct {
	stopc   chan struct{}
	done    chan struct{}
	samples int
	bad     []string
}

// sampleHealth asks /healthz every 100 ms until stopped.
func (r *run) sampleHealth() *sampler {
	s := &sampler{stopc: make(chan struct{}), done: make(chan struct{})}
	c := &http.Client{Timeout: 5 * time.Second}
	go func() {
		defer close(s.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
			s.samples++
			resp, err := c.Get(r.base + "/healthz")
			switch {
			case err != nil:
				s.bad = append(s.bad, err.Error())
			case resp.StatusCode != 200:
				s.bad = append(s.bad, strconv.Itoa(resp.StatusCode))
			}
			if err == nil {
				resp.Body.Close()
			}
		}
	}()
	return s
}

func (s *sampler) stop() []string {
	close(s.stopc)
	<-s.done
	return s.bad
}

// sink is an SMTP server counting messages per recipient, and the
// distinct Message-IDs each received.
type sink struct {
	addr string
	mu   sync.Mutex
	by   map[string]int
	ids  map[string]map[string]bool
}

func startSink() *sink {
	s := &sink{addr: harness.FreeAddr(), by: map[string]int{}, ids: map[string]map[string]bool{}}
	srv := smtp.NewServer(s)
	srv.Addr, srv.Domain, srv.AllowInsecureAuth = s.addr, "localhost", true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = srv.ListenAndServe() }()
	for range 100 { // wait until it listens
		if c, err := net.Dial("tcp", s.addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s
}

// count returns how many subscribers received the newsletter, how many
// received it more than once, and how many received two different
// messages (distinct Message-IDs: a real double sending, where a resend of
// the same message is the documented window of a crash, docs/EMAIL.md).
func (s *sink) count() (recipients, twice, different int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for to, n := range s.by {
		if !strings.HasPrefix(to, "abonne") {
			continue // registration and comment notices
		}
		recipients++
		if n > 1 {
			twice++
		}
		if len(s.ids[to]) > 1 {
			different++
		}
	}
	return recipients, twice, different
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s  *sink
	to []string
}

func (x *session) Reset()                               { x.to = nil }
func (x *session) Logout() error                        { return nil }
func (x *session) Mail(string, *smtp.MailOptions) error { return nil }
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, msg.Body); err != nil {
		return err
	}
	id := msg.Header.Get("Message-Id")
	x.s.mu.Lock()
	for _, to := range x.to {
		to = strings.ToLower(to)
		x.s.by[to]++
		if x.s.ids[to] == nil {
			x.s.ids[to] = map[string]bool{}
		}
		x.s.ids[to][id] = true
	}
	x.s.mu.Unlock()
	return nil
}

func q(sorted []time.Duration, f float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(f*float64(len(sorted))))].Round(time.Millisecond)
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func must[T any](v T, err error) T {
	if err != nil {
		fatal(err)
	}
	return v
}

func must0(err error) {
	if err != nil {
		fatal(err)
	}
}

func fatalf(format string, v ...any) { fatal(fmt.Sprintf(format, v...)) }
