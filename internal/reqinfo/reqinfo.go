// Package reqinfo carries request-scoped facts (request id, client address)
// from the HTTP middleware to the handlers and logs, through the context.
package reqinfo

import (
	"context"
	"net"
	"net/http"
)

type key int

const (
	requestIDKey key = iota
	clientIPKey
	viaProxyKey
)

// WithRequestID stores the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithClientIP stores the client address as seen by the server (or as told
// by a trusted proxy).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey, ip)
}

// ClientIP returns the client's address, falling back to RemoteAddr.
func ClientIP(r *http.Request) string {
	if s, ok := r.Context().Value(clientIPKey).(string); ok && s != "" {
		return s
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
