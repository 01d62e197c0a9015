package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// Issue 15 (3): behind the reverse proxy every https deployment needs, the
// visitor's address comes from the proxy's headers, so 20 failed logins from
// one visitor block that visitor (and its IPv6 /64), not everyone; a visitor
// cannot pick its own address when the proxy is not trusted; /metrics is not
// public through the proxy.
func TestBehindATrustedProxyEachVisitorHasItsOwnThrottle(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine, TrustedProxies: "127.0.0.1/32, ::1", MetricsToken: "jeton-metriques"})
		ts.Account(t, "jeanne@example.test")
		via := func(xff string) *testserver.Client {
			c := ts.Client(t)
			c.Header = http.Header{"X-Forwarded-For": {xff}}
			return c
		}
		attempt := func(c *testserver.Client, email, password string) int {
			t.Helper()
			return c.Post("/login", form("email", email, "password", password)).Status
		}
		// An attacker rotating through its IPv6 /64 behind the proxy, one
		// unknown address per try (so only the per-IP rule counts).
		for i := range 20 {
			if s := attempt(via(fmt.Sprintf("2001:db8:1:2::%x", i+1)), fmt.Sprintf("inconnu%d@example.test", i), "mauvais mot de passe"); s != 422 && !(i == 19 && s == 429) {
				t.Fatalf("failure %d = %d, want 422", i+1, s)
			}
		}
		if s := attempt(via("2001:db8:1:2:ffff::9"), "jeanne@example.test", testserver.TestPassword); s != 429 {
			t.Fatalf("same /64 after 20 failures = %d, want 429", s)
		}
		// Everyone else, behind the same proxy, still signs in.
		if s := attempt(via("198.51.100.23"), "jeanne@example.test", testserver.TestPassword); s != 303 {
			t.Fatalf("another visitor behind the proxy = %d, want 303", s)
		}
		if s := attempt(via("2001:db8:1:3::1"), "jeanne@example.test", testserver.TestPassword); s != 303 {
			t.Fatalf("the next /64 = %d, want 303", s)
		}
		// A forged hop left of the real one changes nothing: the proxy
		// appends the address it saw, the rightmost untrusted one counts.
		if s := attempt(via("198.51.100.23, 2001:db8:1:2::77"), "jeanne@example.test", testserver.TestPassword); s != 429 {
			t.Fatalf("forged X-Forwarded-For = %d, want 429", s)
		}

		// /metrics: the proxy's own address cannot tell a local scraper
		// from a forwarded visitor (a proxy that forgets its headers), so
		// through a trusted proxy address the token is required.
		mustStatus(t, "metrics from the proxy's address", ts.Client(t).Get("/metrics"), 403)
		mustStatus(t, "metrics through the proxy", via("198.51.100.23").Get("/metrics"), 403)
		fwd := ts.Client(t)
		fwd.Header = http.Header{"Forwarded": {"for=198.51.100.23;proto=https"}}
		mustStatus(t, "metrics through the proxy (Forwarded)", fwd.Get("/metrics"), 403)
		tok := via("198.51.100.23")
		tok.Header.Set("Authorization", "Bearer jeton-metriques")
		mustStatus(t, "metrics with the token", tok.Get("/metrics"), 200)
	})
}

// Without --trusted-proxies the headers are anyone's to write: they are
// ignored, and rotating them does not escape the throttle.
func TestUntrustedForwardingHeadersAreIgnored(t *testing.T) {
	ts := testserver.Start(t, testserver.Options{})
	ts.Account(t, "jeanne@example.test")
	for i := range 20 {
		c := ts.Client(t)
		c.Header = http.Header{"X-Forwarded-For": {fmt.Sprintf("198.51.100.%d", i+1)}}
		if s := c.Post("/login", form("email", fmt.Sprintf("inconnu%d@example.test", i), "password", "mauvais")).Status; s != 422 && !(i == 19 && s == 429) {
			t.Fatalf("failure %d = %d", i+1, s)
		}
	}
	c := ts.Client(t)
	c.Header = http.Header{"X-Forwarded-For": {"203.0.113.99"}}
	if s := c.Post("/login", form("email", "jeanne@example.test", "password", testserver.TestPassword)).Status; s != 429 {
		t.Fatalf("spoofed header escaped the throttle: %d, want 429", s)
	}
	// A local scraper reads /metrics; a proxy on this host that is not
	// declared still marks its requests as not local.
	mustStatus(t, "metrics from this host", ts.Client(t).Get("/metrics"), 200)
	mustStatus(t, "metrics through an undeclared local proxy", c.Get("/metrics"), 403)
	c.Header = http.Header{"Forwarded": {"for=203.0.113.99"}}
	mustStatus(t, "metrics through an undeclared local proxy (Forwarded)", c.Get("/metrics"), 403)
}
