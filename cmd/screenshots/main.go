// Command screenshots takes the README's screenshots: it starts the demo
// (internal/demo) in-process on a temporary SQLite data directory, drives
// headless Chromium at a phone width and a desktop width, signs in as the
// demo's communication manager for the staff pages, and writes one PNG of
// the viewport per page and width.
//
//	go run ./cmd/screenshots --out docs/screenshots
//
// Needs Chromium (apt-get install chromium; PARVIS_CHROMIUM overrides the
// binary).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/server"
)

// A shot is one page to capture; staff pages need the signed-in session.
type shot struct {
	name, path string
	staff      bool
}

func shots(editID string) []shot {
	return []shot{
		{"home", "/" + demo.Handle + "/", false},
		{"publication", "/" + demo.Handle + "/p/refection-rue-des-tanneurs", false},
		{"editor", "/admin/" + demo.Handle + "/publications/" + editID, true},
		{"validation", "/admin/" + demo.Handle + "/validation", true},
	}
}

// editedSlug is the demo publication shown in the editor: a submitted news
// item with a body, a topic and places.
const editedSlug = "fete-de-la-musique-appel-aux-musiciens"

// widths: a phone and a desktop, each with its viewport height.
var widths = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"desktop", 1280, 860, false},
}

func main() {
	out := flag.String("out", "docs/screenshots", "directory to write the PNG files to")
	flag.Parse()
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

func run(out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	base, editID, stop, err := startDemo(ctx)
	if err != nil {
		return err
	}
	defer stop()

	bctx, closeBrowser, err := startBrowser(ctx)
	if err != nil {
		return err
	}
	defer closeBrowser()

	// Public pages first, as a visitor sees them; then sign in for the
	// staff pages.
	for _, staff := range []bool{false, true} {
		if staff {
			if err := signIn(bctx, base); err != nil {
				return err
			}
		}
		for _, w := range widths {
			var opts []chromedp.EmulateViewportOption
			if w.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			if err := chromedp.Do(bctx, chromedp.EmulateViewport(w.width, w.height, opts...)); err != nil {
				return fmt.Errorf("viewport: %w", err)
			}
			for _, s := range shots(editID) {
				if s.staff != staff {
					continue
				}
				if err := capture(bctx, base+s.path, filepath.Join(out, s.name+"-"+w.name+".png")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// capture loads url and writes a PNG of the viewport (not the full page:
// a long list would make a huge image).
func capture(ctx context.Context, url, file string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	// Pictures loaded eagerly (the home's banner) must be decoded, not
	// only loaded, or the shot shows an empty box.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Promise.all(Array.from(document.querySelectorAll("img:not([loading=lazy])")).map(i => i.decode().catch(() => null))).then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("%s: images: %w", url, err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", url, err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return err
	}
	fmt.Printf("%s (%d KB)\n", file, len(png)/1024)
	return nil
}

// startDemo serves the seeded demo on loopback from a temporary directory,
// and returns the id of the publication to show in the editor.
func startDemo(ctx context.Context) (base, editID string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "parvis-screenshots-")
	if err != nil {
		return "", "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return "", "", nil, err
	}
	base = "http://" + ln.Addr().String()
	cfg := config.Config{DataDir: dir, BaseURL: base, Addr: ln.Addr().String(), LogLevel: "warn", LogFormat: "text",
		MailFrom: "Parvis <no-reply@localhost>", JobPoll: 200 * time.Millisecond}
	srv, err := server.Open(ctx, cfg, server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return "", "", nil, err
	}
	fail := func(err error) (string, string, func(), error) {
		ln.Close()
		srv.Close()
		os.RemoveAll(dir)
		return "", "", nil, err
	}
	if _, err := demo.Seed(ctx, srv.App); err != nil {
		return fail(fmt.Errorf("demo data: %w", err))
	}
	org, err := srv.Store.OrganisationByHandle(ctx, demo.Handle)
	if err != nil {
		return fail(err)
	}
	p, err := srv.Store.PublicationBySlug(ctx, org.ID, editedSlug)
	if err != nil {
		return fail(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(sctx, ln); err != nil && !errors.Is(err, context.Canceled) {
			log.Print(err)
		}
	}()
	return base, p.ID, func() {
		cancel()
		<-done
		srv.Close()
		os.RemoveAll(dir)
	}, nil
}

// startBrowser launches headless Chromium with the flags of the browser
// tests (internal/testkit/browser), in French.
func startBrowser(ctx context.Context) (context.Context, func(), error) {
	bin := os.Getenv("PARVIS_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if bin != "" {
			break
		}
		bin, _ = exec.LookPath(name)
	}
	if bin == "" {
		return nil, nil, errors.New("chromium not found (apt-get install chromium, or set PARVIS_CHROMIUM)")
	}
	profile, err := os.MkdirTemp("", "parvis-chromium-")
	if err != nil {
		return nil, nil, err
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "fr-FR"), chromedp.Flag("accept-lang", "fr-FR,fr"))
	bctx, cancelCtx := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(profile)
		return nil, nil, fmt.Errorf("start Chromium: %w", err)
	}
	return bctx, func() {
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(profile)
	}, nil
}

// signIn logs in as the demo's communication manager.
func signIn(ctx context.Context, base string) error {
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "communication@bellerive.example"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
		chromedp.Submit(chromedp.CSS("#f-password")),
		chromedp.WaitNotPresent(chromedp.CSS("#f-password")),
	)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	return nil
}
