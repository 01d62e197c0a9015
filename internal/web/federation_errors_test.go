package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/model"
)

// A federation request that met a rush answers 503 with Retry-After, so
// the sender retries later, and one whose client hung up is logged as a
// cancellation at debug level: neither is a server error (issue 24: load
// runs logged hundreds of "federation request failed" 500s).
func TestFederationErrorsThatAreNotBugs(t *testing.T) {
	var logs bytes.Buffer
	h := &Handler{log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	for _, err := range []error{
		fmt.Errorf("moderation settings: %w", context.DeadlineExceeded),
		fmt.Errorf("write seat: %w", model.ErrBusy),
	} {
		w := httptest.NewRecorder()
		h.apError(w, httptest.NewRequest(http.MethodPost, "/inbox", nil), err)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Errorf("%v: status %d, Retry-After %q; want 503 with Retry-After", err, w.Code, w.Header().Get("Retry-After"))
		}
	}
	w := httptest.NewRecorder()
	h.apError(w, httptest.NewRequest(http.MethodPost, "/inbox", nil), fmt.Errorf("fetch: %w", context.Canceled))
	if w.Body.Len() != 0 || w.Code != http.StatusOK { // the recorder's default: nothing written
		t.Errorf("cancelled request: wrote status %d and %q; want nothing", w.Code, w.Body.String())
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("logged as errors:\n%s", logs.String())
	}
}
