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
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/bench/internal/harness"
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

	addr := harness.FreeAddr()
	data, _ := os.MkdirTemp("", "parvis-bench-")
	defer os.RemoveAll(data)
	cmd := exec.Command(*bin, "serve", "--data", data, "--addr", addr, "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer cmd.Process.Kill()
	if err := harness.WaitHealthy("http://"+addr, 10*time.Second); err != nil {
		log.Fatal(err)
	}
	page, _, err := harness.Fetch("http://"+addr+*path, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		_, _, _ = harness.Fetch("http://"+addr+*path, nil)
	}
	time.Sleep(5 * time.Second)
	rss := rssKB(cmd.Process.Pid)
	fmt.Printf("idle resident memory after start-up and 20 page loads: %.1f MB\n", float64(rss)/1024)

	pr, err := harness.WrkClean("http://"+addr+*path, *conns, *duration)
	if err != nil {
		log.Fatal(err)
	}
	minAddr := harness.FreeAddr()
	f := filepath.Join(data, "page.html")
	_ = os.WriteFile(f, page, 0o644)
	srv := &http.Server{Addr: minAddr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})}
	go func() { _ = srv.ListenAndServe() }()
	defer srv.Shutdown(context.Background())
	if err := harness.WaitUp("http://"+minAddr+"/", 0, 2*time.Second); err != nil {
		log.Fatal(err)
	}
	mr, err := harness.WrkClean("http://"+minAddr+"/", *conns, *duration)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("GET %s (%d bytes), wrk -t2 -c%d -d%s:\n", *path, len(page), *conns, *duration)
	fmt.Printf("  parvis:          %8.0f requests/s, p99 %s\n", pr.RPS, pr.P99)
	fmt.Printf("  minimal handler: %8.0f requests/s, p99 %s (same bytes from memory)\n", mr.RPS, mr.P99)
	fmt.Printf("  ratio parvis/minimal: %.2f\n", pr.RPS/mr.RPS)
}

func startup(bin string) (time.Duration, error) {
	data, err := os.MkdirTemp("", "parvis-startup-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(data)
	addr := harness.FreeAddr()
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
