// Package harness holds what the load benchmarks share: a free loopback
// address for the server under test, waiting for it to be healthy, fetching
// a page once before loading it, and running the wrk load tool (Debian
// package wrk) and reading its figures.
package harness

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// FreeAddr returns a loopback address with a port nobody listens on.
func FreeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// WaitUp waits until u answers with the given status, polling often so that
// start-up figures are not rounded up by the poll interval.
func WaitUp(u string, status int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if status == 0 || resp.StatusCode == status {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s not up after %s", u, d)
}

// WaitHealthy waits for a 200 on base's /healthz.
func WaitHealthy(base string, d time.Duration) error {
	return WaitUp(base+"/healthz", http.StatusOK, d)
}

// Fetch GETs u with the given headers. A status other than 200 or 304 is an
// error; the status is also reported in the X-Status header of the result.
func Fetch(u string, headers map[string]string) ([]byte, http.Header, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	resp.Header.Set("X-Status", strconv.Itoa(resp.StatusCode))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
		return b, resp.Header, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return b, resp.Header, err
}

// WrkResult is what one wrk run measured.
type WrkResult struct {
	RPS      float64
	P50, P99 string
	Errors   string // wrk's socket errors or non-2xx/3xx count, if any
}

var (
	rpsRE    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p50RE    = regexp.MustCompile(`\s50%\s+([0-9.]+[a-z]+)`)
	p99RE    = regexp.MustCompile(`\s99%\s+([0-9.]+[a-z]+)`)
	errorsRE = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: [^\n]+`)
)

// Wrk loads u with conns connections over two threads for d, with extra
// arguments (headers) passed to wrk.
func Wrk(u string, conns int, d time.Duration, extra ...string) (WrkResult, error) {
	threads := min(2, conns) // wrk needs at least one connection per thread
	args := append([]string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + d.String(), "--latency"}, extra...)
	out, err := exec.Command("wrk", append(args, u)...).CombinedOutput()
	if err != nil {
		return WrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	r := rpsRE.FindSubmatch(out)
	p50, p99 := p50RE.FindSubmatch(out), p99RE.FindSubmatch(out)
	if r == nil || p50 == nil || p99 == nil {
		return WrkResult{}, fmt.Errorf("unexpected wrk output:\n%s", out)
	}
	rps, _ := strconv.ParseFloat(string(r[1]), 64)
	res := WrkResult{RPS: rps, P50: string(p50[1]), P99: string(p99[1])}
	if m := errorsRE.Find(out); m != nil {
		res.Errors = string(m)
	}
	return res, nil
}

// WrkClean is Wrk for figures that are only valid when every answer was a
// success: any error wrk reports fails the run.
func WrkClean(u string, conns int, d time.Duration, extra ...string) (WrkResult, error) {
	res, err := Wrk(u, conns, d, extra...)
	if err == nil && res.Errors != "" {
		err = fmt.Errorf("wrk on %s saw errors: %s", u, res.Errors)
	}
	return res, err
}
