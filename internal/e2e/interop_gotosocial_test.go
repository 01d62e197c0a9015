package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
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

	"github.com/parvis/parvis/internal/app/console"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/debate"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// The real-peer interoperability test of docs/FEDERATION.md ("Tested
// against a real GoToSocial"). It needs a GoToSocial binary built outside
// this repository:
//
//	PARVIS_INTEROP_GOTOSOCIAL=/path/to/gotosocial go test ./internal/e2e -run TestInteropGoToSocial -count=1 -v
//
// Each engine's subtest starts its own GoToSocial on loopback, named
// localhost:PORT (GoToSocial accepts a host with a port, and "localhost"
// resolves to loopback everywhere, so no /etc/hosts entry is needed), with
// its own SQLite file, http, loopback dialing allowed, rate limiting and
// throttling off. PARVIS_INTEROP_CAPTURE=DIR also writes what GoToSocial
// serves and sends (actor, key, WebFinger, activities) into DIR as JSON.

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

// TestInteropGoToSocial: a real GoToSocial account follows a Parvis
// organisation and one of its topics, reads its publications, replies with
// a question that a service answers, likes and boosts, sees edits and
// withdrawals, and unfollows — every check made through GoToSocial's own
// Mastodon client API on one side and Parvis's state on the other.
func TestInteropGoToSocial(t *testing.T) {
	bin := os.Getenv("PARVIS_INTEROP_GOTOSOCIAL")
	if bin == "" {
		t.Skip("real-peer test: run with PARVIS_INTEROP_GOTOSOCIAL=/path/to/gotosocial (docs/FEDERATION.md)")
	}
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		rec := &recorder{}
		A := testserver.Start(t, testserver.Options{Engine: engine, FederationInsecure: true, Wrap: rec.wrap})
		org := A.Org(t, "bellerive")
		admin := A.Staff(t, "admin@bellerive.test", "bellerive", model.RoleAdmin)
		// The community manager, whose console inbox remoteItem reads (the
		// console's reads check the caller's role since the policy table).
		A.Staff(t, "cm@bellerive.test", "bellerive", model.RoleManager)
		voirie := service(t, A, org, "Voirie")
		topic := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: "travaux", Name: "Travaux", ServiceID: voirie, CreatedAt: A.App.Now()}
		if err := A.Store.CreateTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		patrick := A.Staff(t, "patrick@bellerive.test", "bellerive", model.RoleAgent, voirie)
		aHost := strings.TrimPrefix(A.URL, "http://")
		g := startGoToSocial(t, bin)
		t.Logf("GoToSocial at %s, Parvis at %s (%s)", g.URL, A.URL, engine)

		// 1. Alice resolves and follows the organisation and its topic;
		// Parvis accepts both.
		orgAcct := g.resolve(t, "@bellerive@"+aHost)
		topicAcct := g.resolve(t, "@bellerive.travaux@"+aHost)
		for _, acct := range []gtsAccount{orgAcct, topicAcct} {
			g.api(t, http.MethodPost, "/api/v1/accounts/"+acct.ID+"/follow", url.Values{}, nil)
		}
		eventually(t, "both follows accepted in GoToSocial", func() bool {
			return g.following(t, orgAcct.ID) && g.following(t, topicAcct.ID)
		})
		eventually(t, "both followers counted in Parvis", func() bool {
			n, err := A.Store.FollowerCounts(ctx, org.ID)
			return err == nil && n[""] == 1 && n[topic.ID] == 1
		})

		// 2. A news item with an image reaches alice's home timeline with
		// its title, its link and the image's text alternative.
		img := image.NewRGBA(image.Rect(0, 0, 400, 200))
		for x := range 400 {
			for y := range 200 {
				img.Set(x, y, color.RGBA{uint8(x), uint8(y), 160, 255})
			}
		}
		var png1 bytes.Buffer
		if err := png.Encode(&png1, img); err != nil {
			t.Fatal(err)
		}
		const alt = "Le quai de Loire barré par des barrières de chantier"
		m, err := A.App.Publishing.UploadImage(ctx, admin.ID, org.ID, "quai.png", png1.Bytes(), alt)
		if err != nil {
			t.Fatal(err)
		}
		pub := savePublished(t, A, admin.ID, org.ID, model.PubInput{Kind: model.KindNews, Title: "Travaux sur le quai de Loire",
			Summary: "Le quai sera fermé trois jours.", Body: "Le quai de Loire sera **fermé** du 3 au 5 juin pour réfection.",
			TopicIDs: []string{topic.ID}, ImageID: m.ID})
		pubURI := A.URL + "/bellerive/p/" + pub.Slug
		st := g.homeStatus(t, pubURI)
		t.Logf("news in GoToSocial: spoiler %q, text %q, url %q", st.SpoilerText, text(st.Content), st.URL)
		if !strings.HasPrefix(text(st.Content), pub.Title+"\n"+pub.Summary) || st.SpoilerText != "" {
			t.Errorf("news: text %q behind content warning %q, want it open, with the title then the lead", text(st.Content), st.SpoilerText)
		}
		if st.URL != pubURI && !strings.Contains(st.Content, `href="`+pubURI+`"`) {
			t.Errorf("news: no link to %s (url %q, content %q)", pubURI, st.URL, st.Content)
		}
		if len(st.Media) != 1 || st.Media[0].Description != alt {
			t.Errorf("news: attachments %+v, want one image described %q", st.Media, alt)
		}
		pubStatus := st.ID

		// 3. An alert shows its level first, without a content warning.
		alert := savePublished(t, A, admin.ID, org.ID, model.PubInput{Kind: model.KindAlert, Title: "Crue de la Loire",
			AlertLevel: string(model.AlertVigilance), Summary: "Le niveau monte.", Body: "Évitez les berges jusqu'à nouvel ordre."})
		st = g.homeStatus(t, A.URL+"/bellerive/p/"+alert.Slug)
		t.Logf("alert in GoToSocial: spoiler %q, text %q", st.SpoilerText, text(st.Content))
		if st.SpoilerText != "" || st.Sensitive {
			t.Errorf("alert: content warning %q (sensitive %v), want none", st.SpoilerText, st.Sensitive)
		}
		if !strings.HasPrefix(text(st.Content), "Vigilance — Crue de la Loire") {
			t.Errorf("alert: text %q, want it to open with the level and the title", text(st.Content))
		}

		// 4. An event shows its title, date, time and place in the text
		// (GoToSocial reads neither startTime nor location).
		day := time.Now().In(dates.Paris).AddDate(0, 0, 10)
		start := time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, dates.Paris)
		ev := publishEvent(t, A, admin.ID, org.ID, model.PubInput{Title: "Fête du quai", Summary: "Concerts en plein air.",
			Body: "Concerts sur le quai rénové."}, events.EventInput{StartDate: start.Format(dates.LocalDate), StartTime: "18:00",
			EndDate: start.Format(dates.LocalDate), EndTime: "23:00", PlaceName: "Place de la République", Attendance: "in_person",
			Free: true, OrganiserKind: "org", JoinMode: "free"})
		st = g.homeStatus(t, A.URL+"/bellerive/p/"+ev.Slug)
		shown := st.SpoilerText + "\n" + text(st.Content)
		t.Logf("event in GoToSocial: spoiler %q, text %q", st.SpoilerText, text(st.Content))
		for _, want := range []string{"Fête du quai", dates.DayFR(start), dates.Hour(start), "Place de la République"} {
			if !strings.Contains(strings.ToLower(shown), strings.ToLower(want)) { // "Jeudi 17 décembre" opening a line
				t.Errorf("event: %q not shown in GoToSocial: %q", want, shown)
			}
		}

		// 5. Alice replies with a question: a comment under the publication
		// in Parvis and a "Réponse du Fédivers" item routed to Voirie.
		var reply gtsStatus
		g.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"@bellerive@" + aHost +
			" Le quai restera-t-il ouvert aux vélos pendant les travaux ?"}, "in_reply_to_id": {pubStatus},
			"visibility": {"public"}}, &reply)
		var comment model.Comment
		eventually(t, "alice's reply as a comment in Parvis", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, reply.URI)
			comment = c
			return err == nil
		})
		if comment.PublicationID != pub.ID || comment.Status != model.CommentPublished || !strings.Contains(comment.Body, "ouvert aux vélos") {
			t.Fatalf("reply comment: %+v", comment)
		}
		page := A.Client(t).Get("/bellerive/p/" + pub.Slug + "/commentaires")
		mustContain(t, "thread", page.Body, "ouvert aux vélos pendant les travaux", "@alice@"+g.Host)
		item, ok := remoteItem(t, A, org, comment.ID)
		if !ok || item.ServiceID != voirie {
			t.Fatalf("console inbox item of the reply: %+v %v, want one routed to Voirie", item, ok)
		}

		// 6. Patrick answers as the Voirie service: alice gets a mention
		// notification, in reply to her post.
		const answer = "Oui, une voie cyclable provisoire reste ouverte côté Loire."
		if err := A.App.Console.Reply(ctx, patrick, org, item.ID, console.ReplyInput{Version: item.Version, Body: answer, As: voirie}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the service's answer as a notification in GoToSocial", func() bool {
			var notes []struct {
				Type   string     `json:"type"`
				Status *gtsStatus `json:"status"`
			}
			g.api(t, http.MethodGet, "/api/v1/notifications", nil, &notes)
			for _, n := range notes {
				if n.Type == "mention" && n.Status != nil && strings.Contains(text(n.Status.Content), "voie cyclable provisoire") {
					t.Logf("answer in GoToSocial from %s: %q", n.Status.Account.Acct, text(n.Status.Content))
					if n.Status.InReplyToID == nil || *n.Status.InReplyToID != reply.ID || !strings.Contains(text(n.Status.Content), "Voirie") {
						t.Fatalf("answer notification: in reply to %v (want %s), text %q", n.Status.InReplyToID, reply.ID, text(n.Status.Content))
					}
					return true
				}
			}
			return false
		})

		// 7. A like and a boost are counted in Parvis.
		g.api(t, http.MethodPost, "/api/v1/statuses/"+pubStatus+"/favourite", url.Values{}, nil)
		g.api(t, http.MethodPost, "/api/v1/statuses/"+pubStatus+"/reblog", url.Values{}, nil)
		eventually(t, "the like and the boost counted in Parvis", func() bool {
			r, err := A.Store.ReactionsOf(ctx, pub.ID)
			return err == nil && r.Likes == 1 && r.Boosts == 1
		})

		// 7b. Alice edits her reply, then deletes it: Parvis shows the new
		// text as edited, then withdraws the comment.
		g.api(t, http.MethodPut, "/api/v1/statuses/"+reply.ID, url.Values{"status": {"@bellerive@" + aHost +
			" Le quai restera-t-il ouvert aux vélos et aux piétons pendant les travaux ?"}}, nil)
		eventually(t, "alice's edit in Parvis", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, reply.URI)
			comment = c
			return err == nil && strings.Contains(c.Body, "aux piétons") && c.EditedAt != nil
		}, func() string { return fmt.Sprintf("%+v", comment) })
		g.api(t, http.MethodDelete, "/api/v1/statuses/"+reply.ID, nil, nil)
		eventually(t, "alice's deletion in Parvis", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, reply.URI)
			comment = c
			return err == nil && c.Status == model.CommentWithdrawn
		}, func() string { return fmt.Sprintf("%+v", comment) })

		// 7c. Under pre-moderation: alice's reply is held (in the queue, not
		// on the public thread), a moderator approves it, it shows, and the
		// answer an administrator writes under it from the thread reaches
		// alice in GoToSocial.
		if err := A.App.Debate.SaveDebateSettings(ctx, admin, org.ID, model.ModePre, strings.Join(A.App.Debate.DefaultCharter(), "\n"), "3", true); err != nil {
			t.Fatal(err)
		}
		const heldText = "Le marché du samedi reste-t-il sur le quai pendant le chantier ?"
		var heldReply gtsStatus
		g.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {"@bellerive@" + aHost + " " + heldText},
			"in_reply_to_id": {pubStatus}, "visibility": {"public"}}, &heldReply)
		var held model.Comment
		eventually(t, "alice's reply held in Parvis's moderation queue", func() bool {
			c, err := A.Store.CommentByRemoteObject(ctx, heldReply.URI)
			held = c
			if err != nil {
				return false
			}
			items, err := A.Store.NeedsDecision(ctx, org.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Comment.ID == c.ID && it.Comment.Status == model.CommentHeld {
					return true
				}
			}
			return false
		}, func() string { return fmt.Sprintf("%+v", held) })
		if held.PublicationID != pub.ID || !strings.Contains(held.Body, "marché du samedi") {
			t.Fatalf("held reply: %+v", held)
		}
		thread := "/bellerive/p/" + pub.Slug + "/commentaires"
		if page := A.Client(t).Get(thread); strings.Contains(page.Body, "marché du samedi") {
			t.Fatalf("the held reply is on the public thread")
		}
		if _, err := A.App.Debate.Decide(ctx, admin, org, held.ID, debate.DecisionInput{Action: "approve"}); err != nil {
			t.Fatal(err)
		}
		page = A.Client(t).Get(thread)
		mustContain(t, "thread after approval", page.Body, "marché du samedi reste-t-il sur le quai", "@alice@"+g.Host)
		const heldAnswer = "Oui, le marché s'installe place de la République le temps des travaux."
		if _, err := A.App.Debate.PostComment(ctx, debate.NewComment{Org: org, Publication: pub, Author: admin, ParentID: held.ID,
			Body: heldAnswer, As: "org"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the answer to the approved reply as a notification in GoToSocial", func() bool {
			var notes []struct {
				Type   string     `json:"type"`
				Status *gtsStatus `json:"status"`
			}
			g.api(t, http.MethodGet, "/api/v1/notifications", nil, &notes)
			for _, n := range notes {
				if n.Type == "mention" && n.Status != nil && strings.Contains(text(n.Status.Content), "place de la République le temps des travaux") {
					t.Logf("answer to the approved reply in GoToSocial from %s: %q", n.Status.Account.Acct, text(n.Status.Content))
					if n.Status.InReplyToID == nil || *n.Status.InReplyToID != heldReply.ID {
						t.Fatalf("answer notification: in reply to %v, want %s", n.Status.InReplyToID, heldReply.ID)
					}
					return true
				}
			}
			return false
		})

		// 8. An edit shows as edited.
		in := publishing.PubInputOf(pub)
		in.Title = "Travaux sur le quai de Loire : dates changées"
		if _, err := A.App.Publishing.SavePublication(ctx, admin.ID, org.ID, in); err != nil {
			t.Fatal(err)
		}
		var edited gtsStatus
		eventually(t, "the edit in GoToSocial", func() bool {
			g.api(t, http.MethodGet, "/api/v1/statuses/"+pubStatus, nil, &edited)
			return edited.EditedAt != nil && strings.Contains(text(edited.Content), "dates changées")
		}, func() string {
			return fmt.Sprintf("edited_at %v, content warning %q, text %q", edited.EditedAt, edited.SpoilerText, text(edited.Content))
		})

		// 9. Unpublishing deletes the status.
		if _, err := A.App.Publishing.Transition(ctx, admin.ID, org.ID, pub.ID, publishing.TransitionInput{Action: publishing.ActUnpublish}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the status deleted in GoToSocial", func() bool {
			code, _ := g.do(t, http.MethodGet, "/api/v1/statuses/"+pubStatus, nil, true)
			return code == http.StatusNotFound
		})

		// 10. Unfollowing lowers the count in Parvis.
		g.api(t, http.MethodPost, "/api/v1/accounts/"+orgAcct.ID+"/unfollow", url.Values{}, nil)
		eventually(t, "the unfollow counted in Parvis", func() bool {
			n, err := A.Store.FollowerCounts(ctx, org.ID)
			return err == nil && n[""] == 0 && n[topic.ID] == 1
		})

		if dir := os.Getenv("PARVIS_INTEROP_CAPTURE"); dir != "" {
			rec.save(t, filepath.Join(dir, string(engine)), gtsServed(t, A, g))
		}
	})
}

// savePublished saves a publication through the editor's use case and publishes it.
func savePublished(t *testing.T, ts *testserver.TS, adminID, orgID string, in model.PubInput) model.Publication {
	t.Helper()
	ctx := context.Background()
	res, err := ts.App.Publishing.SavePublication(ctx, adminID, orgID, in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ts.App.Publishing.Transition(ctx, adminID, orgID, res.Publication.ID, publishing.TransitionInput{Action: publishing.ActPublish})
	if err != nil {
		t.Fatal(err)
	}
	return p
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
