package e2e

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/parvis/parvis/internal/testkit/testserver"
)

// healthSampler asks /healthz every 100 ms while a load runs: a freeze
// (issue 15: every pool connection held, /healthz 503 for minutes) shows
// as a non-200 answer or no answer within 5 s. The interval only paces the
// samples; nothing asserts on a duration.
type healthSampler struct {
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	samples int
	bad     []string
}

func sampleHealth(t *testing.T, ts *testserver.TS) *healthSampler {
	t.Helper()
	h := &healthSampler{stop: make(chan struct{}), done: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
			resp, err := client.Get(ts.URL + "/healthz")
			h.mu.Lock()
			h.samples++
			switch {
			case err != nil:
				h.bad = append(h.bad, err.Error())
			case resp.StatusCode != 200:
				h.bad = append(h.bad, fmt.Sprintf("status %d", resp.StatusCode))
			}
			h.mu.Unlock()
			if err == nil {
				resp.Body.Close()
			}
		}
	}()
	return h
}

// Stop ends the sampling and fails t if /healthz ever failed.
func (h *healthSampler) Stop(t *testing.T) {
	t.Helper()
	close(h.stop)
	<-h.done
	if len(h.bad) > 0 {
		t.Errorf("/healthz failed %d times out of %d samples (first: %s)", len(h.bad), h.samples, h.bad[0])
	}
}
