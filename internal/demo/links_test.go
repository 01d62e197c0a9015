package demo_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/demo"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// hrefRE finds the site-relative links of a page.
var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// TestDemoLinksOpenForEveryRole signs in as each demo login and follows
// every link of the staff area and the account pages it is shown: a link a
// person is offered must open for that person. Pages that refuse a role
// (403) must not be linked for it, and no page may fail.
func TestDemoLinksOpenForEveryRole(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ts := testserver.Start(t, testserver.Options{Engine: engine, Outbox: true})
		logins, err := demo.Seed(t.Context(), ts.App)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range logins {
			c := ts.Client(t)
			ts.LoginAs(t, c, l.Email)
			seen := map[string]bool{}
			from := map[string]string{}
			queue := []string{"/account", "/admin/" + demo.Handle}
			for len(queue) > 0 && len(seen) < 400 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] {
					continue
				}
				seen[path] = true
				res := c.Get(path)
				switch {
				case res.Status == 200:
				case res.Status >= 300 && res.Status < 400:
					if loc := strings.TrimPrefix(res.Location, ts.URL); strings.HasPrefix(loc, "/") && !seen[loc] {
						from[loc] = path
						queue = append(queue, loc)
					}
					continue
				case strings.TrimSuffix(path, "/") == "/admin/"+demo.Handle && l.Role == "resident":
					continue // the one page a resident may try and be refused
				default:
					t.Errorf("%s (%s): %s answers %d, linked from %s", l.Email, l.Role, path, res.Status, from[path])
					continue
				}
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					continue
				}
				for _, m := range hrefRE.FindAllStringSubmatch(res.Body, -1) {
					link := html.UnescapeString(m[1])
					if !strings.HasPrefix(link, "/admin/") && !strings.HasPrefix(link, "/account") || seen[link] {
						continue
					}
					if _, ok := from[link]; !ok {
						from[link] = path
					}
					queue = append(queue, link)
				}
			}
			if min := 10; l.Role != "resident" && len(seen) < min {
				t.Errorf("%s (%s): only %d pages reached, want at least %d", l.Email, l.Role, len(seen), min)
			}
			t.Logf("%s (%s): %d pages", l.Email, l.Role, len(seen))
		}
	})
}
