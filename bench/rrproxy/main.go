// Command rrproxy is a small round-robin HTTP reverse proxy for the
// several-process benchmark (bench/busy.sh): each request goes to the next
// backend; a backend that refuses the connection (a killed process) is
// skipped, and the request is tried on the next one. Only requests that
// never reached a backend are retried, so nothing is sent twice by the
// proxy itself (what a client resends is the application's business:
// comments carry an idempotency key, a registration is one per person).
//
//	go run ./bench/rrproxy --addr 127.0.0.1:8080 --backends 127.0.0.1:8081,127.0.0.1:8082
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	backends := flag.String("backends", "", "comma-separated host:port of the parvis processes")
	flag.Parse()
	var targets []*url.URL
	for _, b := range strings.Split(*backends, ",") {
		if b = strings.TrimSpace(b); b != "" {
			targets = append(targets, &url.URL{Scheme: "http", Host: b})
		}
	}
	if len(targets) == 0 {
		log.Fatal("rrproxy: --backends is empty")
	}
	log.Fatal(http.ListenAndServe(*addr, New(targets)))
}

// New returns the proxy handler.
func New(targets []*url.URL) http.Handler {
	var next atomic.Uint64
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The body is read once so that a request refused at the
		// connection can be sent to the next backend.
		body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		first := next.Add(1)
		var lastErr error
		for i := range uint64(len(targets)) {
			target := targets[(first+i)%uint64(len(targets))]
			refused := false
			p := &httputil.ReverseProxy{
				Rewrite: func(pr *httputil.ProxyRequest) {
					pr.SetURL(target)
					pr.Out.Host = pr.In.Host // parvis builds links from its base URL, not Host
					pr.SetXForwarded()
				},
				Transport: transport,
				ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
					lastErr = err
					if neverSent(err) {
						refused = true
						return
					}
					// Sent, then the connection died: the request may have
					// been done; the client decides.
					http.Error(w, "backend failed: "+err.Error(), http.StatusBadGateway)
				},
			}
			req := r.Clone(r.Context())
			req.Body = io.NopCloser(strings.NewReader(string(body)))
			req.ContentLength = int64(len(body))
			p.ServeHTTP(w, req)
			if !refused {
				return
			}
		}
		http.Error(w, "no backend answers: "+errString(lastErr), http.StatusBadGateway)
	})
}

// neverSent tells a connection that could not be opened (the process is
// gone) from a failure after the request left.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial") ||
		errors.Is(err, context.DeadlineExceeded) && strings.Contains(err.Error(), "dial")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
