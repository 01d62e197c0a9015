package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// Render benchmarks of the public pages on the demo's content (SQLite), run
// in-process through the whole handler chain (middleware, session,
// language, cache) without the network:
//
//	go test ./internal/e2e -run '^$' -bench BenchmarkPublicRender -count 6 | benchstat -
//
// "uncached" carries a one-off notice cookie, which makes the page cache
// render afresh (the path of a miss, without storing the result); "cached"
// is an anonymous hit: the generation read and a copy from memory.
func BenchmarkPublicRender(b *testing.B) {
	ts := testserver.Start(b, testserver.Options{Engine: store.SQLite})
	if _, err := demo.Seed(context.Background(), ts.App); err != nil {
		b.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"home", "/" + demo.Handle + "/"},
		{"publication", "/" + demo.Handle + "/p/refection-rue-des-tanneurs"},
	}
	for _, p := range pages {
		for _, mode := range []string{"uncached", "cached"} {
			b.Run(p.name+"/"+mode, func(b *testing.B) {
				for b.Loop() {
					r := httptest.NewRequest(http.MethodGet, p.path, nil)
					if mode == "uncached" {
						r.AddCookie(&http.Cookie{Name: "parvis_flash", Value: "x"})
					}
					w := httptest.NewRecorder()
					ts.Server.Handler.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatalf("%s: %d", p.path, w.Code)
					}
				}
			})
		}
	}
}
