package e2e

import (
	"net/http/httptest"
	"testing"

	"github.com/parvis/parvis/internal/testkit/testserver"
)

// BenchmarkInstanceHome measures the full handler stack (middleware, session
// lookup for an anonymous visitor, query, template) without the network.
func BenchmarkInstanceHome(b *testing.B) { benchPage(b, "/") }

// BenchmarkLoginPage is the page the foundation issue measures.
func BenchmarkLoginPage(b *testing.B) { benchPage(b, "/login") }

func benchPage(b *testing.B, path string) {
	ts := testserver.Start(b, testserver.Options{})
	h := ts.Server.Handler
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
