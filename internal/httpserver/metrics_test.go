package httpserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/metrics"
)

func TestMetricsOnlyForLoopbackOrTheToken(t *testing.T) {
	reg := metrics.New()
	reg.Counter("parvis_test_total", "A test counter.").Inc()
	h := metricsHandler(reg, "s3cret")
	get := func(remote, auth, forwarded string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.RemoteAddr = remote
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if forwarded != "" {
			r.Header.Set("X-Forwarded-For", forwarded)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := get("127.0.0.1:5000", "", ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "parvis_test_total 1") {
		t.Fatalf("loopback = %d %q", w.Code, w.Body.String())
	}
	if w := get("[::1]:5000", "", ""); w.Code != http.StatusOK {
		t.Fatalf("IPv6 loopback = %d", w.Code)
	}
	if w := get("203.0.113.7:5000", "", ""); w.Code != http.StatusForbidden {
		t.Fatalf("remote without token = %d", w.Code)
	}
	if w := get("203.0.113.7:5000", "Bearer wrong", ""); w.Code != http.StatusForbidden {
		t.Fatalf("remote with a wrong token = %d", w.Code)
	}
	if w := get("203.0.113.7:5000", "Bearer s3cret", ""); w.Code != http.StatusOK {
		t.Fatalf("remote with the token = %d", w.Code)
	}
	// A reverse proxy on the same host forwards outside requests from loopback.
	if w := get("127.0.0.1:5000", "", "203.0.113.7"); w.Code != http.StatusForbidden {
		t.Fatalf("proxied outside request = %d", w.Code)
	}
	if w := httptest.NewRecorder(); true {
		metricsHandler(reg, "").ServeHTTP(w, func() *http.Request {
			r := httptest.NewRequest("GET", "/metrics", nil)
			r.RemoteAddr = "203.0.113.7:5000"
			r.Header.Set("Authorization", "Bearer ")
			return r
		}())
		if w.Code != http.StatusForbidden {
			t.Fatalf("empty configured token must not match an empty bearer: %d", w.Code)
		}
	}
}
