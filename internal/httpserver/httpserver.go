// Package httpserver assembles the routes of every surface and wraps them in
// the middleware every response needs: request id, logging, recovery,
// security headers, cross-origin protection and metrics.
package httpserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/metrics"
	"github.com/parvis/parvis/internal/reqinfo"
)

// Pinger reports database health.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Surface registers its routes on the shared mux.
type Surface interface{ Routes(mux *http.ServeMux) }

// Config is the server's wiring.
type Config struct {
	Logger       *slog.Logger
	Metrics      *metrics.Registry
	MetricsToken string
	DB           Pinger
	// Session wraps every request (loads the signed-in account); may be nil.
	Session func(http.Handler) http.Handler
	// NotFound renders unknown routes; may be nil.
	NotFound http.HandlerFunc
	// Proxies are the reverse proxies whose forwarding headers give the
	// client's address (--trusted-proxies); empty believes none.
	Proxies reqinfo.Proxies
}

// New returns the root handler.
func New(cfg Config, surfaces ...Surface) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz(cfg.DB))
	mux.Handle("GET /metrics", metricsHandler(cfg.Metrics, cfg.MetricsToken))
	for _, s := range surfaces {
		s.Routes(mux)
	}
	var h http.Handler = mux
	if cfg.NotFound != nil {
		h = withNotFound(mux, cfg.NotFound)
	}
	if cfg.Session != nil {
		h = cfg.Session(h)
	}
	cop := http.NewCrossOriginProtection()
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = recoverer(cfg.Logger, h)
	h = logRequests(cfg.Logger, cfg.Metrics, h)
	h = requestIDs(h)
	h = cfg.Proxies.Middleware(h)
	return h
}

// withNotFound renders our own 404 page for paths no route matches, while
// keeping the mux's 405 answers.
func withNotFound(mux *http.ServeMux, notFound http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func healthz(db Pinger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := db.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
}

// metricsHandler serves Prometheus metrics to clients on this host, or to
// anyone presenting the configured bearer token. A request that came
// through a reverse proxy (trusted or not, even one on loopback) is from
// elsewhere: it needs the token.
func metricsHandler(reg *metrics.Registry, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allowed := isLoopback(r.RemoteAddr) && !reqinfo.ViaProxy(r)
		if token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) == 1 {
			allowed = true
		}
		if !allowed {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_ = reg.WritePrometheus(w)
	})
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func requestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(reqinfo.WithRequestID(r.Context(), id)))
	})
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func logRequests(logger *slog.Logger, reg *metrics.Registry, next http.Handler) http.Handler {
	latency := reg.Histogram("parvis_http_request_duration_seconds", "HTTP request latency.")
	byClass := map[int]*metrics.Counter{}
	for c := 1; c <= 5; c++ {
		byClass[c] = reg.Counter("parvis_http_requests_total", "HTTP requests by status class.", "code", strconv.Itoa(c)+"xx")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		latency.Observe(d)
		if c, ok := byClass[sw.status/100]; ok {
			c.Inc()
		}
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelError
		}
		logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "duration", d, "request_id", reqinfo.RequestID(r.Context()))
	})
}

func recoverer(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.Error("panic", "panic", p, "path", r.URL.Path, "request_id", reqinfo.RequestID(r.Context()),
					"stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// csp allows nothing from another origin: no third-party scripts, fonts,
// frames or trackers, ever.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
