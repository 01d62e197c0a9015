package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/testkit/browser"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestA11yAuditCommand runs `parvis a11y-audit` on a server's database, in
// both ways (serving the pages itself, and against the running server with
// --base-url), and checks its refusals; the statement shows the results.
func TestA11yAuditCommand(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Org(t, "bellerive")
	db := []string{"--data", ts.Data, "--log-level", "warn"}
	if _, err := cli(t, "", append([]string{"a11y-audit"}, db...)...); err == nil || !strings.Contains(err.Error(), "--org is required") {
		t.Fatalf("without --org: %v", err)
	}
	if _, err := cli(t, "", append([]string{"a11y-audit", "--org", "bellerive", "--axe", filepath.Join(t.TempDir(), "absent.js")}, db...)...); err == nil ||
		!strings.Contains(err.Error(), "axe-core") {
		t.Fatalf("without axe-core: %v", err)
	}
	browser.Chromium(t)
	browser.AxeSource(t) // skips (or fails in CI) without axe-core
	axe, err := filepath.Abs(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(axe); err != nil {
		t.Skipf("axe-core not at %s (PARVIS_AXE elsewhere)", axe)
	}
	if _, err := cli(t, "", append([]string{"a11y-audit", "--org", "nulle-part", "--axe", axe}, db...)...); err == nil {
		t.Fatal("an unknown organisation was audited")
	}
	for _, extra := range [][]string{nil, {"--base-url", ts.URL}} {
		out, err := cli(t, "", append(append([]string{"a11y-audit", "--org", "bellerive", "--axe", axe}, db...), extra...)...)
		if err != nil || !strings.Contains(out, "not_found") || !strings.Contains(out, "/bellerive/suivre") || strings.Contains(out, "not checked") {
			t.Fatalf("a11y-audit %v: %q, %v", extra, out, err)
		}
		if extra != nil && !strings.Contains(out, ts.URL) {
			t.Errorf("--base-url %s not audited: %q", ts.URL, out)
		}
	}
	page := ts.Client(t).Get("/bellerive/accessibilite")
	if !strings.Contains(page.Body, "Dernière vérification automatique") || !strings.Contains(page.Body, "Accessibilité : non conforme") {
		t.Fatalf("statement after the command: %s", page.Body)
	}
}
