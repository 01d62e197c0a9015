package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// Helpers of TestInteropGoToSocial (interop_gotosocial_test.go): the
// GoToSocial process, its configuration and sign-in, a client of its
// Mastodon API, and the recorder of what it sends (PARVIS_INTEROP_CAPTURE).

// gtsUserAgent: GoToSocial answers 418 to requests without a User-Agent.
const gtsUserAgent = "parvis-interop-test"

// gotosocial is a GoToSocial server started by a test, signed in as one
// local account through its OAuth flow.
type gotosocial struct {
	Bin, Dir, Config string
	Host             string // localhost:PORT, its account domain
	URL              string // http://localhost:PORT
	Token            string
	log              *bytes.Buffer
	logMu            *sync.Mutex
}

// startGoToSocial starts a fresh GoToSocial, creates the account "alice"
// with its admin CLI and gets her a token. Everything stops at cleanup.
func startGoToSocial(t *testing.T, bin string) *gotosocial {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // GoToSocial binds it itself; nothing else asks for it in between in practice
	dir := t.TempDir()
	g := &gotosocial{Bin: bin, Dir: dir, Host: fmt.Sprintf("localhost:%d", port), log: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	g.URL = "http://" + g.Host
	// The client API needs no web pages: GoToSocial only wants an index.tmpl
	// and e-mail templates to load, and an assets folder to exist.
	for _, d := range []string{"web/template", "web/assets", "storage"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"index.tmpl", "email_placeholder.tmpl"} {
		if err := os.WriteFile(filepath.Join(dir, "web/template", f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g.Config = filepath.Join(dir, "config.yaml")
	cfg := fmt.Sprintf(`log-level: "info"
host: %q
protocol: "http"
bind-address: "127.0.0.1"
port: %d
db-type: "sqlite"
db-address: %q
web-template-base-dir: %q
web-asset-base-dir: %q
storage-backend: "local"
storage-local-base-path: %q
accounts-registration-open: false
media-ffmpeg-pool-size: 1
cache:
  memory-target: "64MiB"
http-client:
  timeout: "30s"
  allow-ips: ["127.0.0.0/8", "::1/128"]
  insecure-outgoing: true
advanced-rate-limit-requests: 0
advanced-throttling-multiplier: 0
`, g.Host, port, filepath.Join(dir, "gotosocial.sqlite"), filepath.Join(dir, "web/template")+"/",
		filepath.Join(dir, "web/assets")+"/", filepath.Join(dir, "storage"))
	if err := os.WriteFile(g.Config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "--config-path", g.Config, "server", "start")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = g.logWriter(), g.logWriter()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start GoToSocial %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("GoToSocial log (last lines):\n%s", g.logTail(80))
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	// Ready when its instance answers; a first start compiles its WebAssembly
	// SQLite, which takes a while on a loaded machine.
	deadline := time.Now().Add(4 * time.Minute)
	for {
		select {
		case err := <-exited:
			t.Fatalf("GoToSocial exited at start: %v\n%s", err, g.logTail(40))
		default:
		}
		if st, _ := g.do(t, http.MethodGet, "/api/v1/instance", nil, false); st == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GoToSocial did not answer at %s\n%s", g.URL, g.logTail(40))
		}
		time.Sleep(250 * time.Millisecond)
	}

	const email, password = "alice@example.org", "Interop-Parvis-2026-mot-de-passe!"
	out, err := exec.Command(bin, "--config-path", g.Config, "admin", "account", "create",
		"--username", "alice", "--email", email, "--password", password).CombinedOutput()
	if err != nil {
		t.Fatalf("gotosocial admin account create: %v\n%s", err, out)
	}
	g.Token = g.oauthToken(t, email, password)
	return g
}

func (g *gotosocial) logWriter() io.Writer { return lockedWriter{g} }

type lockedWriter struct{ g *gotosocial }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.g.logMu.Lock()
	defer w.g.logMu.Unlock()
	return w.g.log.Write(p)
}

func (g *gotosocial) logTail(n int) string {
	g.logMu.Lock()
	defer g.logMu.Unlock()
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(g.log.String(), "\n"), "\n") {
		if !strings.Contains(l, "userAgent="+gtsUserAgent) { // the test's own polling drowns the federation
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// oauthToken goes through GoToSocial's authorization-code flow as a
// browser would (sign-in form, consent), with the out-of-band redirect.
func (g *gotosocial) oauthToken(t *testing.T, email, password string) string {
	t.Helper()
	const oob = "urn:ietf:wg:oauth:2.0:oob"
	const scope = "read write follow"
	st, body := g.do(t, http.MethodPost, "/api/v1/apps", url.Values{"client_name": {"parvis-interop"},
		"redirect_uris": {oob}, "scopes": {scope}}, false)
	var appReg struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if st != 200 || json.Unmarshal(body, &appReg) != nil || appReg.ClientID == "" {
		t.Fatalf("register app: %d %s", st, body)
	}
	// The session cookie carries the flow from one step to the next.
	cookies := map[string]string{}
	step := func(method, path string, form url.Values) *http.Response {
		t.Helper()
		var rd io.Reader
		if form != nil {
			rd = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, g.URL+path, rd)
		req.Header.Set("User-Agent", gtsUserAgent)
		req.Header.Set("Accept", "text/html")
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			cookies[c.Name] = c.Value
		}
		return resp
	}
	q := url.Values{"client_id": {appReg.ClientID}, "redirect_uri": {oob}, "response_type": {"code"}, "scope": {scope}}
	if r := step(http.MethodGet, "/oauth/authorize?"+q.Encode(), nil); r.StatusCode/100 != 3 || !strings.Contains(r.Header.Get("Location"), "sign_in") {
		t.Fatalf("authorize: %d to %q, want a redirect to the sign-in page", r.StatusCode, r.Header.Get("Location"))
	}
	if r := step(http.MethodPost, "/auth/sign_in", url.Values{"username": {email}, "password": {password}}); r.StatusCode/100 != 3 {
		t.Fatalf("sign in: %d", r.StatusCode)
	}
	r := step(http.MethodPost, "/oauth/authorize", url.Values{})
	loc, _ := url.Parse(r.Header.Get("Location"))
	code := ""
	if loc != nil {
		code = loc.Query().Get("code")
	}
	if code == "" {
		t.Fatalf("consent: %d to %q, want a redirect with a code", r.StatusCode, r.Header.Get("Location"))
	}
	st, body = g.do(t, http.MethodPost, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"client_id": {appReg.ClientID}, "client_secret": {appReg.ClientSecret}, "redirect_uri": {oob}, "scope": {scope}}, false)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", st, body)
	}
	return tok.AccessToken
}

var noRedirect = &http.Client{Timeout: 60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do calls GoToSocial's API (with the token if auth), form-encoded.
func (g *gotosocial) do(t *testing.T, method, path string, form url.Values, auth bool) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, g.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", gtsUserAgent)
	req.Header.Set("Accept", "application/json")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return 0, []byte(err.Error()) // not up yet, or gone: the caller decides
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// api calls the client API as alice and decodes a 200 answer into v.
func (g *gotosocial) api(t *testing.T, method, path string, form url.Values, v any) {
	t.Helper()
	st, body := g.do(t, method, path, form, true)
	if st != 200 {
		t.Fatalf("GoToSocial %s %s: %d %s", method, path, st, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GoToSocial %s %s: %v in %s", method, path, err, body)
		}
	}
}

// gtsAccount and gtsStatus are the parts of Mastodon API entities checked.
type gtsAccount struct {
	ID          string `json:"id"`
	Acct        string `json:"acct"`
	URL         string `json:"url"`
	DisplayName string `json:"display_name"`
}

type gtsStatus struct {
	ID          string     `json:"id"`
	URI         string     `json:"uri"`
	URL         string     `json:"url"`
	Content     string     `json:"content"`
	SpoilerText string     `json:"spoiler_text"`
	Sensitive   bool       `json:"sensitive"`
	EditedAt    *string    `json:"edited_at"`
	InReplyToID *string    `json:"in_reply_to_id"`
	Account     gtsAccount `json:"account"`
	Reblog      *gtsStatus `json:"reblog"`
	Media       []struct {
		Type        string `json:"type"`
		Description string `json:"description"`
		RemoteURL   string `json:"remote_url"`
	} `json:"media_attachments"`
}

// resolve finds a remote account by its handle, fetching it (WebFinger,
// then the actor) through GoToSocial's search.
func (g *gotosocial) resolve(t *testing.T, handle string) gtsAccount {
	t.Helper()
	var res struct{ Accounts []gtsAccount }
	g.api(t, http.MethodGet, "/api/v2/search?"+url.Values{"q": {handle}, "resolve": {"true"}, "type": {"accounts"}}.Encode(), nil, &res)
	if len(res.Accounts) != 1 || "@"+res.Accounts[0].Acct != handle {
		t.Fatalf("search %s: %+v", handle, res.Accounts)
	}
	return res.Accounts[0]
}

// following tells whether alice follows the account, as GoToSocial knows
// it (true once Parvis's Accept arrived).
func (g *gotosocial) following(t *testing.T, id string) bool {
	t.Helper()
	var rel []struct {
		Following bool `json:"following"`
		Requested bool `json:"requested"`
	}
	g.api(t, http.MethodGet, "/api/v1/accounts/relationships?id[]="+url.QueryEscape(id), nil, &rel)
	return len(rel) == 1 && rel[0].Following
}

// homeStatus waits until the home timeline holds the status of uri (not a
// boost of it) and returns it.
func (g *gotosocial) homeStatus(t *testing.T, uri string) gtsStatus {
	t.Helper()
	var found gtsStatus
	eventually(t, "the status "+uri+" in GoToSocial's home timeline", func() bool {
		var home []gtsStatus
		g.api(t, http.MethodGet, "/api/v1/timelines/home?limit=40", nil, &home)
		for _, s := range home {
			if s.URI == uri {
				found = s
				return true
			}
			if s.Reblog != nil && s.Reblog.URI == uri {
				found = *s.Reblog
				return true
			}
		}
		return false
	})
	return found
}

// eventually polls cond until it holds, for up to two minutes: deliveries
// between two servers on a loaded machine take seconds, not milliseconds.
// detail, if given, says what was last seen.
func eventually(t *testing.T, what string, cond func() bool, detail ...func() string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			for _, d := range detail {
				what += "; last seen: " + d()
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// text is what a reader sees of GoToSocial's HTML content.
func text(h string) string {
	h = strings.NewReplacer("</p>", "\n", "<br>", "\n", "<br/>", "\n").Replace(h)
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(h, "")))
}

// recorder keeps what GoToSocial posts to Parvis's inboxes, by activity
// type, for PARVIS_INTEROP_CAPTURE.
type recorder struct {
	mu   sync.Mutex
	docs map[string][]byte
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/inbox") {
			b, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
			if err == nil {
				r.keep(b)
			}
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		next.ServeHTTP(w, req)
	})
}

func (r *recorder) keep(b []byte) {
	var act struct {
		Type   string          `json:"type"`
		Object json.RawMessage `json:"object"`
	}
	if json.Unmarshal(b, &act) != nil || act.Type == "" {
		return
	}
	name := act.Type
	var obj struct {
		Type      string `json:"type"`
		InReplyTo string `json:"inReplyTo"`
	}
	if json.Unmarshal(act.Object, &obj) == nil && obj.Type != "" {
		name += "-" + obj.Type
		if obj.InReplyTo != "" {
			name += "-reply"
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.docs == nil {
		r.docs = map[string][]byte{}
	}
	r.docs[strings.ToLower(name)] = b
}

// save writes the documents, indented, as DIR/gotosocial-NAME.json.
func (r *recorder) save(t *testing.T, dir string, extra map[string][]byte) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{}
	for k, v := range r.docs {
		all["activity-"+k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	for name, b := range all {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") != nil {
			out.Reset()
			out.Write(b)
		}
		out.WriteByte('\n')
		tmp := filepath.Join(dir, ".gotosocial-"+name+".tmp")
		if err := os.WriteFile(tmp, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "gotosocial-"+name+".json")); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("saved %d GoToSocial documents in %s", len(all), dir)
}

// gtsServed fetches what GoToSocial serves about alice: her WebFinger, and
// her actor and key documents fetched signed as Parvis's instance actor
// (GoToSocial refuses unsigned fetches).
func gtsServed(t *testing.T, A *testserver.TS, g *gotosocial) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	st, wf := g.do(t, http.MethodGet, "/.well-known/webfinger?resource="+url.QueryEscape("acct:alice@"+g.Host), nil, false)
	if st != 200 {
		t.Fatalf("GoToSocial WebFinger: %d %s", st, wf)
	}
	out["webfinger"] = wf
	act, err := A.App.Fediverse.LocalActor(ctx, model.ActorInstance, "")
	if err != nil {
		t.Fatal(err)
	}
	key, err := federation.ParsePrivateKey(act.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	s := federation.Signer{KeyID: A.App.Fediverse.InstanceActorURI() + "#main-key", Key: key}
	for name, u := range map[string]string{"actor": g.URL + "/users/alice", "main-key": g.URL + "/users/alice/main-key"} {
		b, err := A.App.Fed.Client.Get(ctx, u, s)
		if err != nil {
			t.Fatalf("signed GET %s: %v", u, err)
		}
		out[name] = b
	}
	return out
}
