// Package a11yaudit checks an organisation's pages with axe-core in
// headless Chromium and summarises what it finds for the organisation's
// accessibility statement (`parvis a11y-audit`). The browser tests share its
// way of finding and starting Chromium and of running axe-core
// (internal/testkit/browser), so that the audit and the tests check pages
// alike.
package a11yaudit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// ChromiumPath finds the browser binary: PARVIS_CHROMIUM, else the first of
// chromium, chromium-browser, google-chrome on the PATH; "" when none.
func ChromiumPath() string {
	if p := os.Getenv("PARVIS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// AllocatorOptions are the flags of a headless Chromium run from bin with
// its profile in userDataDir: French first, no background traffic, a
// desktop window.
func AllocatorOptions(bin, userDataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(userDataDir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.WindowSize(1024, 900),
	}
}

// AxeTags are the rule sets run: WCAG 2.0 and 2.1, levels A and AA, which
// the RGAA 4.1 criteria follow.
const axeTags = `["wcag2a","wcag2aa","wcag21a","wcag21aa"]`

// AxeProgram is what to evaluate in the page after axe-core's source: it
// runs the checks and answers a JSON Result. The page's CSP forbids inline
// scripts, but Runtime.evaluate from the DevTools protocol is not subject
// to it; injecting and running in one evaluation keeps both on the same
// page even if a navigation ends meanwhile.
const AxeProgram = `;axe.run(document, {runOnly: {type: "tag", values: ` + axeTags + `}}).then(r => JSON.stringify({
	version: (r.testEngine && r.testEngine.version) || "",
	passes: r.passes.length,
	violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.map(n => ({target: n.target}))}))}))`

// Result is what axe-core found on one page.
type Result struct {
	Version    string      `json:"version"`
	Passes     int         `json:"passes"`
	Violations []Violation `json:"violations"`
}

// Violation is one rule broken on the page, with the elements at fault.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"` // critical, serious, moderate, minor
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// ParseResult reads what AxeProgram answered.
func ParseResult(raw string) (Result, error) {
	var r Result
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return r, fmt.Errorf("axe result: %w", err)
	}
	return r, nil
}

// RunAxe injects axe-core (its source, axe.min.js) into the current page of
// ctx and runs it.
func RunAxe(ctx context.Context, axeSource string) (Result, error) {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeSource+AxeProgram, chromedp.EvalAwaitPromise))
	if err != nil {
		return Result{}, err
	}
	return ParseResult(raw)
}
