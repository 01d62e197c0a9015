// Command foundation measures the foundation's figures against a built
// parvis binary: time from `parvis serve` to the first 200 on /healthz on an
// empty SQLite data directory, idle resident memory, and the throughput of a
// full page (GET /login by default) under wrk, compared with a minimal Go
// handler serving the same bytes from memory in the same run.
//
//	go build -o /tmp/parvis ./cmd/parvis
//	go run ./bench/foundation --parvis /tmp/parvis
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	bin := flag.String("parvis", "/tmp/parvis", "parvis binary")
	runs := flag.Int("runs", 10, "start-up measurements")
	path := flag.String("path", "/login", "page to load")
	duration := flag.Duration("duration", 10*time.Second, "wrk duration per target")
	conns := flag.Int("c", 50, "wrk connections")
	flag.Parse()

	var startups []time.Duration
	for i := 0; i < *runs; i++ {
		d, err := startup(*bin)
		if err != nil {
			log.Fatalf("start-up run %d: %v", i, err)
		}
		startups = append(startups, d)
	}
	sort.Slice(startups, func(i, j int) bool { return startups[i] < startups[j] })
	fmt.Printf("start-up to first 200 on /healthz (empty SQLite data dir, %d runs): median %v, max %v\n",
		*runs, startups[len(startups)/2].Round(time.Millisecond), startups[len(startups)-1].Round(time.Millisecond))

	addr := freeAddr()
	data, _ := os.MkdirTemp("", "parvis-bench-")
	defer os.RemoveAll(data)
	cmd := exec.Command(*bin, "serve", "--data", data, "--addr", addr, "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer cmd.Process.Kill()
	if err := waitHealthy("http://"+addr, 10*time.Second); err != nil {
		log.Fatal(err)
	}
	page, err := fetch("http://" + addr + *path)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		_, _ = fetch("http://" + addr + *path)
	}
	time.Sleep(5 * time.Second)
	rss := rssKB(cmd.Process.Pid)
	fmt.Printf("idle resident memory after start-up and 20 page loads: %.1f MB\n", float64(rss)/1024)

	pr, pp99, err := wrk("http://"+addr+*path, *conns, *duration)
	if err != nil {
		log.Fatal(err)
	}
	minAddr := freeAddr()
	f := filepath.Join(data, "page.html")
	_ = os.WriteFile(f, page, 0o644)
	srv := &http.Server{Addr: minAddr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})}
	go func() { _ = srv.ListenAndServe() }()
	defer srv.Shutdown(context.Background())
	if err := waitUp("http://" + minAddr + "/"); err != nil {
		log.Fatal(err)
	}
	mr, mp99, err := wrk("http://"+minAddr+"/", *conns, *duration)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("GET %s (%d bytes), wrk -t2 -c%d -d%s:\n", *path, len(page), *conns, *duration)
	fmt.Printf("  parvis:          %8.0f requests/s, p99 %s\n", pr, pp99)
	fmt.Printf("  minimal handler: %8.0f requests/s, p99 %s (same bytes from memory)\n", mr, mp99)
	fmt.Printf("  ratio parvis/minimal: %.2f\n", pr/mr)
}

func startup(bin string) (time.Duration, error) {
	data, err := os.MkdirTemp("", "parvis-startup-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(data)
	addr := freeAddr()
	start := time.Now()
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr, "--log-level", "warn")
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	client := &http.Client{Timeout: 200 * time.Millisecond}
	for time.Since(start) < 20*time.Second {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("no 200 on /healthz within 20s")
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(base string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("%s not healthy", base)
}

func waitUp(u string) error {
	for i := 0; i < 200; i++ {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("%s not up", u)
}

func fetch(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

func rssKB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(sc.Text())[1])
			return n
		}
	}
	return -1
}

var (
	reqRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99RE = regexp.MustCompile(`\s99%\s+([0-9.]+[a-z]+)`)
)

// wrk runs the wrk load tool (Debian package wrk) and returns requests/s and p99.
func wrk(u string, conns int, d time.Duration) (float64, string, error) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+d.String(), "--latency", u).CombinedOutput()
	if err != nil {
		return 0, "", fmt.Errorf("wrk: %v: %s", err, out)
	}
	m := reqRE.FindSubmatch(out)
	p := p99RE.FindSubmatch(out)
	if m == nil || p == nil {
		return 0, "", fmt.Errorf("cannot read wrk output: %s", out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		return 0, "", fmt.Errorf("wrk saw errors: %s", out)
	}
	r, _ := strconv.ParseFloat(string(m[1]), 64)
	return r, string(p[1]), nil
}
