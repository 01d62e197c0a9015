package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/parvis/parvis/internal/a11yaudit"
	"github.com/parvis/parvis/internal/server"
)

// runA11yAudit checks one page of every page type of an organisation with
// axe-core in headless Chromium and records the results in its
// accessibility statement. With --base-url (or PARVIS_BASE_URL) it audits
// the server running there, which must use the same database; without, it
// serves the pages itself, from the database, on a loopback port for the
// time of the audit.
func runA11yAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var handle, axePath string
	cfg, fs, err := parseConfig("a11y-audit", args, stderr, false, func(fs *flag.FlagSet) {
		fs.StringVar(&handle, "org", "", "handle of the organisation to audit (required)")
		fs.StringVar(&axePath, "axe", "node_modules/axe-core/axe.min.js", "axe-core's script (npm package axe-core)")
	})
	if err != nil {
		return err
	}
	var target string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "base-url" {
			target = cfg.BaseURL // the running server to audit
		}
	})
	srv, err := server.Open(ctx, cfg, server.Options{Logger: newLogger(cfg, stderr), NoWorkers: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	if handle == "" {
		return fmt.Errorf("--org is required")
	}
	axe, err := a11yaudit.ReadAxe(axePath)
	if err != nil {
		return err
	}
	if target == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: srv.Handler, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		defer hs.Close()
		target = "http://" + ln.Addr().String()
	}
	audit, err := a11yaudit.AuditOrganisation(ctx, srv.App, handle, a11yaudit.Options{BaseURL: target, AxeSource: axe})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "axe-core %s on %s, %d pages:\n", audit.AxeVersion, target, len(audit.Pages))
	for _, p := range audit.Pages {
		if p.Failed {
			fmt.Fprintf(stdout, "  %-12s %-45s not checked (the page did not load or axe failed)\n", p.PageType, p.Path)
			continue
		}
		fmt.Fprintf(stdout, "  %-12s %-45s critical %d, serious %d, moderate %d, minor %d %v\n",
			p.PageType, p.Path, p.Critical, p.Serious, p.Moderate, p.Minor, p.Rules)
	}
	fmt.Fprintf(stdout, "recorded in the accessibility statement of %s (/%s/accessibilite); the declared status is unchanged\n", handle, handle)
	return nil
}
