// Package server assembles a running Parvis process from a Config: database,
// migrations, job queue, mail, use cases and HTTP surfaces. The command line
// and the end-to-end tests build servers the same way, through Open.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/fediverse"
	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/httpserver"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/metrics"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/safehttp"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/secondopinion"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/web"
)

// Options lets tests and subcommands adjust what Config does not say.
type Options struct {
	Logger    *slog.Logger
	Clock     app.Clock        // nil: the system clock
	Sender    mail.Sender      // nil: SMTP from the config, or the outbox
	Passwords passwords.Params // zero: OWASP parameters
	// NoWorkers builds an insert-only job client (command-line tools that
	// run beside a server and must not steal its jobs).
	NoWorkers bool
	// LookupIP replaces DNS for federation (benchmarks resolve every host
	// name to a local sink); nil uses the system resolver.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
	// FollowsPerHost overrides the per-host follow limit (0: the default).
	FollowsPerHost int
	// RepliesPerHost overrides the per-host reply limit (0: the default).
	RepliesPerHost int
	// Screener replaces the embedded screen (tests that need comments'
	// verdicts in a given band); nil loads screen.New().
	Screener *screen.Screener
	// InboundListener, if set, is where the built-in SMTP receiver
	// (bounces and residents' replies) listens instead of
	// --bounce-smtp-addr: tests pass a loopback listener they know the
	// address of.
	InboundListener net.Listener
}

// A response not written within writeTimeout is cut off: the client sees
// the connection close without an answer (an EOF). Requests therefore give
// up waiting — for a transaction's turn, a connection, a lock — at
// requestDeadline, early enough to answer 503 instead (issue 15: 642 of
// 1,000 registrations queued past the write timeout got EOF on PostgreSQL).
const (
	writeTimeout    = 60 * time.Second
	requestDeadline = 50 * time.Second
)

// maxInFlight is how many requests a process works on at once: four per
// pool connection. A thousand requests at once on two cores otherwise all
// contend for the pool and the CPU, and /healthz (which needs a
// connection) waits behind them; queued here they hold nothing.
func maxInFlight(st *store.Store) int { return 4 * st.DB().Stats().MaxOpenConnections }

// admit lets at most n requests run at once; the others wait their turn
// until their deadline, then get a 503. /healthz and /metrics skip the
// queue: they tell whether the process and its database answer, which a
// queue of page requests must not hide nor fake.
func admit(h http.Handler, n int, cat *i18n.Catalogue) http.Handler {
	seats := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			h.ServeHTTP(w, r)
			return
		}
		select {
		case seats <- struct{}{}:
			defer func() { <-seats }()
			h.ServeHTTP(w, r)
		case <-r.Context().Done():
			w.Header().Set("Retry-After", "10")
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			lang := cat.Negotiate(r.Header.Get("Accept-Language"))
			_, _ = io.WriteString(w, cat.T(lang, "error.busy.body")+"\n")
		}
	})
}

// withDeadline bounds every request's context.
func withDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Server is one assembled Parvis process.
type Server struct {
	Config  config.Config
	Logger  *slog.Logger
	Store   *store.Store
	Jobs    *jobs.Queue
	App     *app.App
	Metrics *metrics.Registry
	Handler http.Handler
	smtp    *mail.SMTP
	cat     *i18n.Catalogue
	// inboundListener is Options.InboundListener.
	inboundListener net.Listener
}

// Open connects, migrates and wires everything; it does not listen yet.
func Open(ctx context.Context, cfg config.Config, opt Options) (*Server, error) {
	logger := opt.Logger
	if logger == nil {
		logger = slog.Default()
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{Config: cfg, Logger: logger, Store: st, Metrics: metrics.New(), inboundListener: opt.InboundListener}
	if err := s.wire(ctx, opt); err != nil {
		// Whatever failed after the database opened closes it again.
		st.Close()
		return nil, err
	}
	return s, nil
}

// openStore opens the database (creating the data directory of an embedded
// one) and brings its schema up to date.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	if cfg.Database == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseURL(), store.Options{MaxConns: cfg.DBMaxConns})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// wire builds the process on its open database, in this order: the
// catalogue and mail templates, the mail sender, the use cases (app), the
// job client whose workers hold them, then the web handler.
func (s *Server) wire(ctx context.Context, opt Options) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	tmpl, err := mail.LoadTemplates(cat)
	if err != nil {
		return err
	}
	sender, err := s.mailSender(opt)
	if err != nil {
		return err
	}
	clock, riverTime := clocks(opt)
	if s.App, err = s.newApp(ctx, opt, cat, tmpl, sender, clock, riverTime); err != nil {
		return err
	}
	if err := s.startJobs(ctx, opt, sender, riverTime); err != nil {
		return err
	}
	return s.newHandler(cat)
}

// mailSender is where e-mail goes: the sender the options give (tests),
// else the SMTP server of the config, else the outbox directory.
func (s *Server) mailSender(opt Options) (mail.Sender, error) {
	if opt.Sender != nil {
		return opt.Sender, nil
	}
	cfg := s.Config
	if cfg.SMTP == "" {
		return &mail.Outbox{Dir: cfg.OutboxDir(), From: cfg.MailFrom}, nil
	}
	var err error
	s.smtp, err = mail.NewSMTP(cfg.SMTP, cfg.MailFrom)
	if err != nil {
		return nil, err
	}
	return s.smtp, nil
}

// clocks is the use cases' clock (the system's unless the options give one)
// and River's time generator (nil: River's own).
func clocks(opt Options) (app.Clock, rivertype.TimeGenerator) {
	clock := opt.Clock
	if clock == nil {
		clock = app.SystemClock{}
	}
	var riverTime rivertype.TimeGenerator
	if opt.Clock != nil {
		// A controllable clock drives River too, so scheduled jobs follow it.
		riverTime = jobs.ClockTime(opt.Clock.Now)
	}
	return clock, riverTime
}

// newApp builds the core, the use cases' dependencies and the use cases
// (app.New).
func (s *Server) newApp(ctx context.Context, opt Options, cat *i18n.Catalogue, tmpl *mail.Templates, sender mail.Sender,
	clock app.Clock, riverTime rivertype.TimeGenerator) (*app.App, error) {
	// Use cases insert jobs through a client of their own that works none;
	// the working client (startJobs) is built once the use cases exist, so
	// its workers hold them directly.
	inserter, err := jobs.New(ctx, s.Store, jobs.Config{Logger: s.Logger, Time: riverTime})
	if err != nil {
		return nil, err
	}
	deps, err := s.appDeps(ctx, opt, sender, clock)
	if err != nil {
		return nil, err
	}
	return app.New(ctx, &core.Core{Store: s.Store, Jobs: inserter, Mail: tmpl, Cat: cat, Clock: clock,
		BaseURL: s.Config.BaseURL, Logger: s.Logger}, deps)
}

// appDeps gathers what the use cases need beyond the core: password
// hashing, the screen, mass mail, federation, the optional second opinion
// and, in a process that works jobs, its instance identity.
func (s *Server) appDeps(ctx context.Context, opt Options, sender mail.Sender, clock app.Clock) (app.Deps, error) {
	cfg := s.Config
	params := opt.Passwords
	if params == (passwords.Params{}) {
		params = passwords.OWASP
	}
	screener := opt.Screener
	if screener == nil {
		var err error
		if screener, err = screen.New(); err != nil {
			return app.Deps{}, err
		}
	}
	deps := app.Deps{Passwords: passwords.New(params), MediaDir: cfg.MediaDir(), Screener: screener,
		MailConfig: mailing.Config{From: cfg.MailFrom, BounceDomain: cfg.BounceDomain, Conns: cfg.MailConns},
		Console:    console.DeskConfig{ReplyDomain: replyDomain(cfg)},
		Fed:        federationOptions(cfg, opt, clock, s.Logger)}
	if b, ok := sender.(mail.Bulk); ok {
		deps.MassSender = b
	}
	if cfg.LLMURL != "" {
		var err error
		if deps.Opinion, err = s.secondOpinion(cfg, clock); err != nil {
			return app.Deps{}, err
		}
	}
	if !opt.NoWorkers {
		// This process's liveness mark lets it (or another process)
		// take over the mailing leases of a process that died.
		deps.Instance = core.NewID()
		if err := s.Store.RegisterInstance(ctx, deps.Instance); err != nil {
			return app.Deps{}, err
		}
	}
	return deps, nil
}

// startJobs builds the working job client, its workers bound to the use
// cases (none with NoWorkers), then catches up on work a stopped process
// left behind.
func (s *Server) startJobs(ctx context.Context, opt Options, sender mail.Sender, riverTime rivertype.TimeGenerator) error {
	cfg := s.Config
	jcfg := jobs.Config{PollInterval: cfg.JobPoll, Logger: s.Logger, Time: riverTime,
		Queues: map[string]int{jobs.MailQueue: 20, jobs.MailingQueue: 4, jobs.FederationQueue: federationWorkers,
			jobs.OpinionQueue: opinionWorkers},
		Periodic: []*river.PeriodicJob{jobs.CleanupJob(), jobs.OverdueDigestJob(), jobs.FollowerSnapshotJob(), jobs.MailTickJob()}}
	if !opt.NoWorkers {
		jcfg.Workers = s.workers(s.Store, sender, s.Logger)
	}
	var err error
	s.Jobs, err = jobs.New(ctx, s.Store, jcfg)
	if err != nil {
		return err
	}
	if !opt.NoWorkers {
		s.catchUp(ctx)
	}
	return nil
}

// catchUp runs, before serving, what a stopped process left undone. Its
// failures are logged: they do not stop the process from starting.
func (s *Server) catchUp(ctx context.Context) {
	logger := s.Logger
	// Scheduled publications whose job could not run (a database
	// restored from a backup…) go out now, before serving.
	if n, err := s.App.Publishing.PublishDue(ctx); err != nil {
		logger.Warn("publish due publications", "error", err)
	} else if n > 0 {
		logger.Info("published overdue scheduled publications", "count", n)
	}
	// Mailings a stopped process left half sent are queued again
	// (their leases keep a live sender elsewhere alone).
	if err := s.App.Mailing.ResumeMailings(ctx); err != nil {
		logger.Warn("resume mailings", "error", err)
	}
}

// newHandler builds the web surface and the HTTP handler around it
// (logging, metrics, health, proxies).
func (s *Server) newHandler(cat *i18n.Catalogue) error {
	cfg := s.Config
	w, err := web.New(s.App, web.Config{Secure: cfg.Secure(), Logger: s.Logger})
	if err != nil {
		return err
	}
	s.registerGauges()
	s.cat = cat
	s.Handler = httpserver.New(httpserver.Config{Logger: s.Logger, Metrics: s.Metrics, MetricsToken: cfg.MetricsToken,
		DB: s.Store, Session: w.Session, NotFound: w.NotFound, Proxies: cfg.Proxies()}, w)
	return nil
}

// workers binds every job kind to the use case that runs it.
func (s *Server) workers(st *store.Store, sender mail.Sender, logger *slog.Logger) *river.Workers {
	mailSent := s.Metrics.Counter("parvis_mail_sent_total", "E-mails handed to the mail server or outbox.", "result", "ok")
	mailFailed := s.Metrics.Counter("parvis_mail_sent_total", "E-mails handed to the mail server or outbox.", "result", "error")
	a := s.App
	workers := river.NewWorkers()
	river.AddWorker(workers, &jobs.MailWorker{Store: st, Sender: sender, Logger: logger, OnSent: func(ok bool) {
		if ok {
			mailSent.Inc()
		} else {
			mailFailed.Inc()
		}
	}})
	river.AddWorker(workers, &jobs.CleanupWorker{Run: a.Accounts.CleanupExpired})
	river.AddWorker(workers, &jobs.OverdueDigestWorker{Run: a.Console.SendOverdueDigests})
	river.AddWorker(workers, &jobs.FollowerSnapshotWorker{Run: a.Console.SnapshotFollowers})
	river.AddWorker(workers, &jobs.PublishWorker{Publisher: a.Publishing})
	river.AddWorker(workers, &jobs.EventReminderWorker{Reminder: a.Events})
	river.AddWorker(workers, &jobs.MailingWorker{Mailer: a.Mailing})
	river.AddWorker(workers, &jobs.FanOutWorker{Mailer: a.Mailing})
	river.AddWorker(workers, &jobs.ThreadWorker{Mailer: a.Mailing})
	river.AddWorker(workers, &jobs.NewsletterWorker{Mailer: a.Mailing})
	river.AddWorker(workers, &jobs.MailTickWorker{Mailer: a.Mailing})
	river.AddWorker(workers, &jobs.SecondOpinionWorker{Opinioner: a.Debate})
	river.AddWorker(workers, &jobs.FedFanOutWorker{Federator: a.Fediverse})
	river.AddWorker(workers, &jobs.FedDeliverWorker{Federator: a.Fediverse})
	return workers
}

// opinionWorkers is the concurrency of the second-opinion queue: a
// self-hosted model answers a few requests at a time.
const opinionWorkers = 2

// secondOpinion builds the language model client and its metrics.
func (s *Server) secondOpinion(cfg config.Config, clock app.Clock) (*secondopinion.Client, error) {
	c, err := secondopinion.New(secondopinion.Config{URL: cfg.LLMURL, Model: cfg.LLMModel, APIKey: cfg.LLMAPIKey,
		Timeout: cfg.LLMTimeout, Now: clock.Now})
	if err != nil {
		return nil, err
	}
	const name, help = "parvis_second_opinion_requests_total", "Calls to the language model server by outcome (ok, no_opinion, error, breaker_open)."
	counters := map[string]*metrics.Counter{}
	for _, o := range []string{"ok", "no_opinion", "error", "breaker_open"} {
		counters[o] = s.Metrics.Counter(name, help, "outcome", o)
	}
	took := s.Metrics.Histogram("parvis_second_opinion_seconds", "Duration of calls to the language model server.")
	c.Observe = func(outcome string, d time.Duration) {
		counters[outcome].Inc()
		if outcome != "breaker_open" {
			took.Observe(d)
		}
	}
	s.Metrics.Gauge("parvis_second_opinion_breaker_open", "1 while calls to the language model server are suspended.", func() float64 {
		if c.Breaker.State().Open {
			return 1
		}
		return 0
	})
	s.Metrics.Gauge("parvis_second_opinion_consecutive_failures", "Failed calls to the language model server in a row.", func() float64 {
		return float64(c.Breaker.State().Failures)
	})
	s.Metrics.Gauge("parvis_second_opinion_breaker_trips", "Times the breaker opened since start.", func() float64 {
		return float64(c.Breaker.State().Trips)
	})
	s.Logger.Info("second opinion: language model server configured", "host", c.Host(), "model", c.Model())
	return c, nil
}

// federationWorkers is the concurrency of the federation queue: deliveries
// mostly wait on remote servers.
const federationWorkers = 64

// federationOptions builds the federation client: strict (https, public
// addresses only) unless --federation-insecure, which is said loudly.
func federationOptions(cfg config.Config, opt Options, clock app.Clock, logger *slog.Logger) fediverse.Options {
	if cfg.FederationInsecure {
		logger.Warn("FEDERATION INSECURE: http:// and loopback/private addresses are allowed for ActivityPub. " +
			"Tests and local development only; never on a public server.")
	}
	so := safehttp.Options{Insecure: cfg.FederationInsecure, UserAgent: "Parvis (+" + cfg.BaseURL + ")",
		Timeout: 15 * time.Second, MaxBody: 1 << 20, LookupIP: opt.LookupIP, MaxConnsPerHost: 8}
	return fediverse.Options{Client: &federation.Client{HTTP: safehttp.New(so), Now: clock.Now},
		OperatorBlocks: cfg.BlockedDomains(), FollowsPerHost: opt.FollowsPerHost,
		RepliesPerHost: opt.RepliesPerHost}
}

func (s *Server) registerGauges() {
	s.Metrics.Gauge("parvis_go_goroutines", "Goroutines.", func() float64 { return float64(runtime.NumGoroutine()) })
	s.Metrics.Gauge("parvis_go_heap_bytes", "Heap in use.", func() float64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse)
	})
	s.Metrics.Gauge("parvis_db_open_connections", "Open database connections.", func() float64 {
		return float64(s.Store.DB().Stats().OpenConnections)
	})
}

// Serve starts the jobs and serves HTTP on ln until ctx is cancelled, then
// shuts down gracefully: HTTP first, then running jobs are allowed to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := s.Jobs.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // asked to stop before the jobs had started: nothing to serve
		}
		return fmt.Errorf("start jobs: %w", err)
	}
	if s.Config.BounceSMTPAddr != "" {
		ln := s.inboundListener
		if ln == nil {
			var err error
			if ln, err = net.Listen("tcp", s.Config.BounceSMTPAddr); err != nil {
				return fmt.Errorf("inbound mail receiver: %w", err)
			}
		}
		rec := mail.ServeInbound(ln, s.Config.BounceDomain, mail.Inbound{Bounce: s.App.Mailing.HandleBounce, Replies: s.App.Console}, s.Logger)
		defer rec.Close()
	}
	s.Jobs.Observe(ctx, func(kind, outcome string, run time.Duration) {
		s.Metrics.Counter("parvis_jobs_total", "Finished job attempts by kind and outcome.", "kind", kind, "outcome", outcome).Inc()
		s.Metrics.Histogram("parvis_job_run_seconds", "Job run time by kind.", "kind", kind).Observe(run)
	})
	srv := &http.Server{Handler: withDeadline(admit(s.Handler, maxInFlight(s.Store), s.cat), requestDeadline), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: writeTimeout, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		s.Logger.Warn("http shutdown", "error", err)
	}
	if err := s.Jobs.Stop(shutdownCtx); err != nil {
		s.Logger.Warn("jobs shutdown", "error", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// Close releases the database and mail connections.
func (s *Server) Close() error {
	if s.smtp != nil {
		s.smtp.Close()
	}
	return s.Store.Close()
}

// replyDomain is the domain of residents' reply addresses: the built-in
// receiver's (--bounce-domain, else the domain of --mail-from), or "" when
// the receiver is off, so that replies keep going to the organisation's
// contact address.
func replyDomain(cfg config.Config) string {
	if cfg.BounceSMTPAddr == "" {
		return ""
	}
	if cfg.BounceDomain != "" {
		return strings.ToLower(cfg.BounceDomain)
	}
	_, domain, _ := strings.Cut(mail.Address(cfg.MailFrom), "@")
	return strings.ToLower(domain)
}
