// Package browser drives Debian's headless Chromium through chromedp for
// end-to-end tests, and checks pages with axe-core. Without Chromium the
// tests skip, except in CI (CI=true), where they fail.
package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parvis/parvis/internal/a11yaudit"
)

// New starts a headless Chromium for the test and returns a context for
// chromedp actions. The browser is closed at cleanup.
func New(t testing.TB) context.Context {
	t.Helper()
	bin := a11yaudit.ChromiumPath()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is required in CI: apt-get install chromium chromium-driver")
		}
		t.Skip("Chromium not installed (apt-get install chromium); skipping browser test")
	}
	opts := a11yaudit.AllocatorOptions(bin, t.TempDir())
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	if err := chromedp.Do(ctx); err != nil {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// Do runs chromedp actions and fails the test on error.
func Do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser (at %s): %v", loc, err)
	}
}

// Get runs one chromedp action that returns a value.
func Get[T any](t testing.TB, ctx context.Context, action chromedp.Action[T]) T {
	t.Helper()
	v, err := runInLiveContext(ctx, action, notRun)
	if err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser (at %s): %v", loc, err)
	}
	return v
}

// WaitText waits until the element sel shows a text containing want and
// returns that text. After a click that submits a form, the old page often
// still shows an element of the same kind (a notice, an h1) for a moment:
// waiting for the element alone would read the old one. Errors while the
// page is being replaced only mean "read again".
func WaitText(t testing.TB, ctx context.Context, sel, want string) string {
	t.Helper()
	var text string
	var err error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		read, cancel := context.WithTimeout(ctx, 2*time.Second)
		text, err = chromedp.Run(read, chromedp.Text(chromedp.CSS(sel)))
		cancel()
		if err == nil && strings.Contains(text, want) {
			return text
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("browser (at %s): %s shows %q (last error: %v), want %q", loc, sel, text, err, want)
		}
	}
}

// ClickAndLoad clicks sel, which leads to another page (a form's submit
// button, a link), and waits until that page has loaded. The old document
// is marked before the click; the wait ends on a complete document without
// the mark. Waiting for an element instead would often find it on the old
// page, and waiting a fixed time is a guess.
func ClickAndLoad(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	Get(t, ctx, chromedp.Evaluate[bool](`(document.documentElement.dataset.leaving = "1") === "1"`))
	Do(t, ctx, chromedp.Click(chromedp.CSS(sel)))
	var err error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var loaded bool
		loaded, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.documentElement.dataset.leaving && document.readyState === "complete"`))
		if err == nil && loaded {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("browser (at %s): no new page after clicking %s (last error: %v)", loc, sel, err)
		}
	}
}

// Errors of an action whose page was replaced by a navigation: before it
// ran (the first), or while it ran (the others).
var (
	notRun        = []string{"Cannot find context with specified id"}
	cutByNavigate = []string{"Cannot find context with specified id", "Inspected target navigated or closed",
		"Execution context was destroyed"}
)

// runInLiveContext runs action, again if a navigation replaced the page
// with one of the given errors. Retrying is safe for an action that never
// ran (notRun) and for a read-only one (cutByNavigate): it then runs on the
// page the navigation led to.
func runInLiveContext[T any](ctx context.Context, action chromedp.Action[T], retryOn []string) (T, error) {
	var v T
	var err error
	for range 5 {
		v, err = chromedp.Run(ctx, action)
		if err == nil || !containsAny(err.Error(), retryOn) {
			return v, err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return v, err
}

func containsAny(s string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// axeSource finds axe-core's script (npm package axe-core, installed by
// .ci/run or `npm install`).
func axeSource(t testing.TB) string {
	t.Helper()
	paths := []string{os.Getenv("PARVIS_AXE")}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	paths = append(paths, filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	for _, p := range paths {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("axe-core is required in CI: run npm install")
	}
	t.Skip("axe-core not installed (npm install); skipping accessibility check")
	return ""
}

// Axe runs axe-core (WCAG 2.x A and AA rules) on the current page and fails
// on any serious or critical violation.
func Axe(t testing.TB, ctx context.Context) {
	t.Helper()
	src := axeSource(t)
	loc := Get(t, ctx, chromedp.Location())
	// axe only reads the page: run again on the page a navigation led to.
	raw, err := runInLiveContext(ctx, chromedp.Evaluate[string](src+a11yaudit.AxeProgram, chromedp.EvalAwaitPromise), cutByNavigate)
	if err != nil {
		t.Fatalf("axe on %s: %v", loc, err)
	}
	res, err := a11yaudit.ParseResult(raw)
	if err != nil {
		t.Fatal(err)
	}
	violations := res.Violations
	var bad []string
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var targets []string
			for _, n := range v.Nodes {
				targets = append(targets, fmt.Sprint(n.Target...))
			}
			bad = append(bad, fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(targets, ", ")))
		}
	}
	if len(bad) > 0 {
		t.Errorf("accessibility violations on %s:\n  %s", loc, strings.Join(bad, "\n  "))
	}
}

// AxeSource is axe-core's script, for tests that run the audit command's
// code (internal/a11yaudit); it skips or fails the test as Axe does when
// axe-core is missing.
func AxeSource(t testing.TB) string {
	t.Helper()
	return axeSource(t)
}

// Chromium is the browser binary, skipping or failing the test as New
// does when there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	bin := a11yaudit.ChromiumPath()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is required in CI: apt-get install chromium chromium-driver")
		}
		t.Skip("Chromium not installed (apt-get install chromium); skipping browser test")
	}
	return bin
}
