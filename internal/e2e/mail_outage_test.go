package e2e

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"testing"

	"github.com/parvis/parvis/internal/app/mailing"
	"github.com/parvis/parvis/internal/config"
	"github.com/parvis/parvis/internal/server"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/store/storetest"
	"github.com/parvis/parvis/internal/testkit/smtpsink"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestNewsletterWaitsOutAMailServerOutage: with the mail server down, a
// send stops at once and is tried again later, without counting an attempt
// against any recipient; once the server is back, everyone gets it, once.
func TestNewsletterWaitsOutAMailServerOutage(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		const total = 60
		ctx := context.Background()
		data := filepath.Join(t.TempDir(), "data")
		database := ""
		if engine == store.Postgres {
			database = storetest.PostgresDSN(t)
		}
		mailingID := seedNewsletter(t, data, database, total, 0)
		run := func(smtpURL string) (*server.Server, error) {
			cfg := config.Config{DataDir: data, Database: database, SMTP: smtpURL, MailFrom: "Ville <lettre@ville.test>",
				LogFormat: "text", MailConns: 3}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			srv, err := server.Open(ctx, cfg, server.Options{NoWorkers: true, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			return srv, srv.App.Mailing.RunMailing(ctx, mailingID)
		}
		counts := func(srv *server.Server) (pending, attempted, failed, sent int) {
			err := srv.Store.DB().QueryRow(`SELECT
				COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END), 0)
				FROM mailing_recipients WHERE mailing_id = $1`, mailingID).Scan(&pending, &attempted, &failed, &sent)
			if err != nil {
				t.Fatal(err)
			}
			return
		}

		// A port nobody listens on: the server is down.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down := "smtp://" + ln.Addr().String()
		ln.Close()
		for range 3 { // three runs would have failed everyone before
			srv, err := run(down)
			if !errors.Is(err, mailing.ErrRetryLater) {
				t.Fatalf("run during the outage: %v, want ErrRetryLater", err)
			}
			pending, attempted, failed, sent := counts(srv)
			srv.Close()
			if pending != total || attempted != 0 || failed != 0 || sent != 0 {
				t.Fatalf("after a run during the outage: %d pending, %d attempted, %d failed, %d sent; want all %d pending and untouched",
					pending, attempted, failed, sent, total)
			}
		}

		// The server is back.
		sink := smtpsink.Start(t)
		srv, err := run(sink.URL())
		if err != nil {
			t.Fatalf("run after the outage: %v", err)
		}
		defer srv.Close()
		if pending, _, failed, sent := counts(srv); pending != 0 || failed != 0 || sent != total {
			t.Fatalf("after the outage: %d pending, %d failed, %d sent, want %d sent", pending, failed, sent, total)
		}
		seen := map[string]int{}
		for _, m := range sink.Messages() {
			for _, to := range m.To {
				seen[to]++
			}
		}
		if len(seen) != total {
			t.Fatalf("%d distinct recipients at the server, want %d", len(seen), total)
		}
		for to, n := range seen {
			if n != 1 {
				t.Fatalf("%s got the newsletter %d times", to, n)
			}
		}
	})
}
