// Command publishing measures the public side of publishing against a built
// parvis binary: it seeds an organisation (`parvis seed`), starts `parvis
// serve` on loopback, and runs wrk (Debian package wrk) against the
// publication page, the organisation home, a feed answered 304, and search;
// in the same run it serves the same page bytes from memory with a minimal
// Go handler, for the ratio. Everything stays on 127.0.0.1 and is bounded in
// time (about 2 minutes plus seeding).
//
//	go build -o /tmp/parvis ./cmd/parvis
//	go run ./bench/publishing --parvis /tmp/parvis                       # SQLite
//	go run ./bench/publishing --parvis /tmp/parvis --database postgres://postgres@127.0.0.1:5432/parvis_bench?sslmode=disable
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/bench/internal/harness"
)

func main() {
	bin := flag.String("parvis", "/tmp/parvis", "parvis binary")
	database := flag.String("database", "", "postgres:// URL (empty: SQLite in --data)")
	data := flag.String("data", "", "data directory (empty: a temporary one); reused if already seeded")
	pubs := flag.Int("publications", 100000, "publications to seed")
	duration := flag.Duration("duration", 10*time.Second, "wrk duration per target")
	conns := flag.Int("c", 50, "wrk connections")
	events := flag.Int("events", 0, "events to seed too (bench/events.sh); their pages are measured")
	onlyEvents := flag.Bool("only-events", false, "measure only the event pages")
	flag.Parse()

	if *data == "" {
		d, err := os.MkdirTemp("", "parvis-bench-pub-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*data = d
	}
	common := []string{"--data", *data, "--log-level", "warn"}
	if *database != "" {
		common = append(common, "--database", *database)
	}
	engine := "SQLite"
	if *database != "" {
		engine = "PostgreSQL"
	}
	marker := filepath.Join(*data, "seeded-"+strconv.Itoa(*pubs)+"-"+strconv.Itoa(*events))
	if _, err := os.Stat(marker); err != nil {
		start := time.Now()
		out, err := exec.Command(*bin, append([]string{"seed", "--publications", strconv.Itoa(*pubs), "--topics", "50",
			"--neighbourhoods", "20", "--org", "ville-test", "--events", strconv.Itoa(*events)}, common...)...).CombinedOutput()
		if err != nil {
			log.Fatalf("seed: %v\n%s", err, out)
		}
		fmt.Printf("seed (%s): %s  [%s]\n", engine, lastLine(out), time.Since(start).Round(time.Second))
		_ = os.WriteFile(marker, nil, 0o644)
	}

	addr := harness.FreeAddr()
	base := "http://" + addr
	cmd := exec.Command(*bin, append([]string{"serve", "--addr", addr, "--base-url", base}, common...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer cmd.Process.Kill()
	if err := harness.WaitHealthy(base, 30*time.Second); err != nil {
		log.Fatal(err)
	}

	// A publication from the middle of the archive.
	sm, _, err := harness.Fetch(base+"/ville-test/sitemap.xml", nil)
	if err != nil {
		log.Fatal(err)
	}
	locs := regexp.MustCompile(`<loc>([^<]+/p/[^<]+)</loc>`).FindAllStringSubmatch(string(sm), -1)
	if len(locs) == 0 {
		log.Fatal("no publication in the sitemap")
	}
	pubURL := strings.Replace(locs[len(locs)/2][1], "http://"+addr, base, 1)
	homeURL := base + "/ville-test/"
	feedURL := base + "/ville-test/feed.atom"

	pubBody, _, err := harness.Fetch(pubURL, nil)
	if err != nil {
		log.Fatal(err)
	}
	homeBody, _, err := harness.Fetch(homeURL, nil)
	if err != nil {
		log.Fatal(err)
	}
	_, feedHdr, err := harness.Fetch(feedURL, nil)
	if err != nil {
		log.Fatal(err)
	}
	etag := feedHdr.Get("ETag")
	if _, h, err := harness.Fetch(feedURL, map[string]string{"If-None-Match": etag}); err != nil || h.Get("X-Status") != "304" {
		log.Fatalf("feed conditional request did not answer 304: %v %v", err, h)
	}

	// The minimal handler: the same bytes from memory, same machine, same run.
	minAddr := harness.FreeAddr()
	mux := http.NewServeMux()
	mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(pubBody)
	})
	mux.HandleFunc("/home", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(homeBody)
	})
	ln, err := net.Listen("tcp", minAddr)
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = http.Serve(ln, mux) }()

	script := filepath.Join(*data, "search.lua")
	if err := os.WriteFile(script, []byte(searchLua), 0o644); err != nil {
		log.Fatal(err)
	}

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("\nload average before the run: %s", load)
	fmt.Printf("%s, %d publications, wrk %s per target, loopback, %d cores\n", engine, *pubs, *duration, numCPU())
	fmt.Printf("page sizes: publication %d B, home %d B\n\n", len(pubBody), len(homeBody))
	fmt.Println("| target | connections | requests/s | p50 | p99 | errors |")
	fmt.Println("|---|---|---|---|---|---|")
	row := func(name, u string, c int, args ...string) float64 {
		r, err := harness.Wrk(u, c, *duration, args...)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		fmt.Printf("| %s | %d | %.0f | %s | %s | %s |\n", name, c, r.RPS, r.P50, r.P99, r.Errors)
		return r.RPS
	}
	if *events > 0 {
		eventRows(base, row, *conns)
		if *onlyEvents {
			return
		}
	}
	pr := row("publication page (anonymous)", pubURL, *conns)
	mp := row("minimal handler, same bytes", "http://"+minAddr+"/p", *conns)
	hr := row("organisation home (anonymous)", homeURL, *conns)
	mh := row("minimal handler, same bytes", "http://"+minAddr+"/home", *conns)
	row("feed.atom, If-None-Match → 304", feedURL, *conns, "-H", "If-None-Match: "+etag)
	row("feed.atom, full", feedURL, *conns)
	// Result pages are cached per query, so the rotating queries are
	// served from memory after their first round; the notice cookie makes
	// every request a fresh render (the cost of a query never seen).
	row("search, 24 rotating queries (cached)", base+"/ville-test/recherche", 4, "-s", script)
	row("search, 24 rotating queries (cached)", base+"/ville-test/recherche", *conns, "-s", script)
	row("search, 24 rotating queries, uncached", base+"/ville-test/recherche", 1, "-s", script, "-H", "Cookie: parvis_flash=x")
	row("search, 24 rotating queries, uncached", base+"/ville-test/recherche", 4, "-s", script, "-H", "Cookie: parvis_flash=x")
	row("search, 24 rotating queries, uncached", base+"/ville-test/recherche", *conns, "-s", script, "-H", "Cookie: parvis_flash=x")
	fmt.Printf("\nratio parvis/minimal: publication %.2f, home %.2f\n", pr/mp, hr/mh)
}

// searchLua rotates realistic queries (accents missing, plurals) so that
// no two consecutive requests are the same.
const searchLua = `
local qs = {"ecole", "travaux rue", "inscriptions scolaires", "piscine", "conseil municipal", "marche",
  "coupure d'eau", "crue loire", "mediatheque", "stationnement", "budget participatif", "agent entretien",
  "fete quartier", "encombrants", "canicule", "arbres", "recensement", "police municipale",
  "tempete", "exposition", "aines repas", "urbanisme reunion", "jardinier", "animateur"}
local i = 0
request = function()
  i = i + 1
  local q = qs[(i % #qs) + 1]:gsub(" ", "+"):gsub("'", "%%27")
  return wrk.format("GET", wrk.path .. "?q=" .. q)
end
`

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "organisation ") {
			return l
		}
	}
	return lines[len(lines)-1]
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

// eventRows measures the agenda, an event page (a weekly series from the
// agenda), the month view and the organisation's calendar feed.
func eventRows(base string, row func(name, u string, c int, args ...string) float64, conns int) {
	agenda := base + "/ville-test/agenda"
	body, _, err := harness.Fetch(agenda, nil)
	if err != nil {
		log.Fatal(err)
	}
	links := regexp.MustCompile(`href="(/ville-test/p/[^"]+)"`).FindAllSubmatch(body, -1)
	if len(links) == 0 {
		log.Fatal("no event in the agenda")
	}
	eventURL := base + string(links[0][1])
	month := base + "/ville-test/agenda/" + time.Now().Format("2006/01")
	// One request each first, as the publication rows have: the figures are
	// those of a warm server (renders after a change are the cache's misses).
	for _, u := range []string{eventURL, month, base + "/ville-test/agenda.ics"} {
		if _, _, err := harness.Fetch(u, nil); err != nil {
			log.Fatal(err)
		}
	}
	row("agenda (anonymous)", agenda, conns)
	row("event page (anonymous)", eventURL, conns)
	row("month view (anonymous)", month, conns)
	row("agenda.ics (anonymous)", base+"/ville-test/agenda.ics", conns)
}
