// Package testserver starts a whole Parvis server in a test: real database
// (SQLite file or a fresh PostgreSQL schema), real job workers, a real SMTP
// server receiving the mail, and an HTTP listener on loopback.
package testserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
	"github.com/parvis/parvis/internal/testkit/smtpsink"
)

// Clock is a controllable clock shared by the server and the test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now implements app.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return c.now
}

// Set freezes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC().Truncate(time.Microsecond)
	c.mu.Unlock()
}

// Advance moves a frozen clock forward (freezing it at the real time first).
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// TS is a running test server.
type TS struct {
	URL    string
	Server *server.Server
	App    *app.App
	Store  *store.Store
	Mail   *smtpsink.Sink
	Clock  *Clock
	Data   string // data directory
	// InboundAddr is where the built-in SMTP receiver (bounces and
	// residents' replies, domain parvis.test) listens, with Options.Inbound.
	InboundAddr string
}

// Options adjust the server.
type Options struct {
	// Engine is store.SQLite (default) or store.Postgres.
	Engine store.Engine
	// Outbox writes mail to DATA/outbox instead of the SMTP sink.
	Outbox bool
	// FederationInsecure lets this server federate over http:// with
	// loopback addresses, so that two test servers can talk.
	FederationInsecure bool
	// FollowsPerHost overrides the per-host follow limit (0: the default).
	FollowsPerHost int
	// TrustedProxies is --trusted-proxies.
	TrustedProxies string
	// MetricsToken is --metrics-token.
	MetricsToken string
	// RepliesPerHost overrides the per-host reply limit (0: the default).
	RepliesPerHost int
	// Wrap, if set, wraps the server's handler: a real-peer test records
	// what the peer sends this way.
	Wrap func(http.Handler) http.Handler
	// BaseURL overrides the public address the server believes it has
	// (its links, actor ids and WebFinger host); it still listens on
	// loopback at TS.URL.
	BaseURL string
	// LLMURL and LLMModel configure the second opinion's language model
	// server (a chatserver on loopback), LLMTimeout its time limit.
	LLMURL, LLMModel string
	LLMTimeout       time.Duration
	// Screener replaces the embedded screen.
	Screener *screen.Screener
	// Inbound starts the built-in SMTP receiver on loopback (TS.InboundAddr),
	// for bounce+…@parvis.test and reply+…@parvis.test.
	Inbound bool
}

// cheap argon2 parameters keep tests fast; production uses passwords.OWASP.
var cheap = passwords.Params{Memory: 1024, Time: 1, Threads: 1}

// Start builds and serves a Parvis; everything stops at test cleanup.
func Start(t testing.TB, opt Options) *TS {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &TS{URL: "http://" + ln.Addr().String(), Clock: &Clock{}, Data: t.TempDir()}
	base := ts.URL
	if opt.BaseURL != "" {
		base = opt.BaseURL
	}
	cfg := config.Config{Addr: ln.Addr().String(), DataDir: ts.Data, BaseURL: base, MailFrom: "Parvis <no-reply@parvis.test>",
		LogLevel: "warn", LogFormat: "text", JobPoll: 50 * time.Millisecond, FederationInsecure: opt.FederationInsecure,
		LLMURL: opt.LLMURL, LLMModel: opt.LLMModel, LLMTimeout: opt.LLMTimeout,
		TrustedProxies: opt.TrustedProxies, MetricsToken: opt.MetricsToken}
	if cfg.LLMURL != "" && cfg.LLMTimeout == 0 {
		cfg.LLMTimeout = 5 * time.Second
	}
	if opt.Engine == store.Postgres {
		cfg.Database = storetest.PostgresDSN(t)
	}
	if !opt.Outbox {
		ts.Mail = smtpsink.Start(t)
		cfg.SMTP = ts.Mail.URL()
	}
	var inbound net.Listener
	if opt.Inbound {
		if inbound, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		ts.InboundAddr = inbound.Addr().String()
		cfg.BounceSMTPAddr, cfg.BounceDomain = ts.InboundAddr, "parvis.test"
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	level := slog.LevelWarn
	if os.Getenv("PARVIS_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
	ctx, cancel := context.WithCancel(context.Background())
	// Every test server fails loudly when a use case reaches the pool
	// while it holds a transaction (store/txguard.go).
	store.GuardPool()
	srv, err := server.Open(ctx, cfg, server.Options{Logger: logger, Clock: ts.Clock, Passwords: cheap,
		FollowsPerHost: opt.FollowsPerHost, RepliesPerHost: opt.RepliesPerHost, Screener: opt.Screener,
		InboundListener: inbound})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if opt.Wrap != nil {
		srv.Handler = opt.Wrap(srv.Handler)
	}
	ts.Server, ts.App, ts.Store = srv, srv.App, srv.Store
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ctx, ln); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	return ts
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Engines runs fn as parallel subtests on SQLite and PostgreSQL.
func Engines(t *testing.T, fn func(t *testing.T, engine store.Engine)) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// Client is a browser-like HTTP client with cookies that does not follow
// redirects, so tests can assert them.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	// Header is added to every request (a reverse proxy's
	// X-Forwarded-For, for instance).
	Header http.Header
}

// Client returns a fresh client (its own cookie jar).
func (ts *TS) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: ts.URL, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is a read response.
type Response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

// Get fetches path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil)
}

// Post submits a form.
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	return c.do(http.MethodPost, path, form)
}

func (c *Client) do(method, path string, form url.Values) Response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = c.base + path
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
	for k, v := range c.Header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}
}

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+`)

// Link returns the first URL in text that contains part, as a path relative
// to the server (so a Client can follow it).
func Link(t testing.TB, text, part string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(text, -1) {
		if strings.Contains(l, part) {
			u, err := url.Parse(l)
			if err != nil {
				t.Fatal(err)
			}
			return u.RequestURI()
		}
	}
	t.Fatalf("no link containing %q in:\n%s", part, text)
	return ""
}

// OutboxFiles lists the .eml files written in outbox mode.
func (ts *TS) OutboxFiles(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(ts.Data, "outbox", "*.eml"))
	return files
}
