// Package metrics keeps counters and latency histograms and writes them in
// the Prometheus text exposition format. It is small on purpose: Parvis needs
// a handful of series, not a metrics framework.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds every series of one process.
type Registry struct {
	mu         sync.Mutex
	counters   map[string]*Counter
	histograms map[string]*Histogram
	gauges     map[string]func() float64
	help       map[string]string
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{counters: map[string]*Counter{}, histograms: map[string]*Histogram{},
		gauges: map[string]func() float64{}, help: map[string]string{}}
}

// Counter only goes up.
type Counter struct{ v atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Value reads the counter.
func (c *Counter) Value() uint64 { return c.v.Load() }

// key builds the series identity: name{label="value",…} with sorted labels.
func key(name string, labels []string) string {
	if len(labels) == 0 {
		return name
	}
	pairs := make([]string, 0, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		pairs = append(pairs, fmt.Sprintf("%s=%q", labels[i], labels[i+1]))
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// Counter returns the counter name{labels…}, creating it; labels alternate
// name and value.
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	k := key(name, labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.help[name] = help
	c, ok := r.counters[k]
	if !ok {
		c = &Counter{}
		r.counters[k] = c
	}
	return c
}

// Gauge registers a function read at scrape time.
func (r *Registry) Gauge(name, help string, fn func() float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.help[name] = help
	r.gauges[name] = fn
}

// Buckets are latency bounds in seconds.
var Buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// Histogram counts observations per bucket.
type Histogram struct {
	counts []atomic.Uint64 // one per bucket, then +Inf
	sumNs  atomic.Int64
}

// Observe records a duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(Buckets, s)
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

// Histogram returns the histogram name{labels…}, creating it.
func (r *Registry) Histogram(name, help string, labels ...string) *Histogram {
	k := key(name, labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.help[name] = help
	h, ok := r.histograms[k]
	if !ok {
		h = &Histogram{counts: make([]atomic.Uint64, len(Buckets)+1)}
		r.histograms[k] = h
	}
	return h
}

// WritePrometheus writes every series in the text exposition format.
func (r *Registry) WritePrometheus(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	byName := map[string][]string{}
	for k := range r.counters {
		byName[baseName(k)] = append(byName[baseName(k)], k)
	}
	for k := range r.histograms {
		byName[baseName(k)] = append(byName[baseName(k)], k)
	}
	for k := range r.gauges {
		byName[k] = append(byName[k], k)
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		keys := byName[n]
		sort.Strings(keys)
		typ := "counter"
		if _, ok := r.gauges[n]; ok {
			typ = "gauge"
		} else if _, ok := r.histograms[keys[0]]; ok {
			typ = "histogram"
		}
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", n, r.help[n], n, typ)
		for _, k := range keys {
			switch typ {
			case "counter":
				fmt.Fprintf(&b, "%s %d\n", k, r.counters[k].Value())
			case "gauge":
				fmt.Fprintf(&b, "%s %g\n", k, r.gauges[k]())
			case "histogram":
				writeHistogram(&b, k, r.histograms[k])
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func baseName(k string) string {
	if i := strings.IndexByte(k, '{'); i >= 0 {
		return k[:i]
	}
	return k
}

func writeHistogram(b *strings.Builder, k string, h *Histogram) {
	name, labels := baseName(k), ""
	if i := strings.IndexByte(k, '{'); i >= 0 {
		labels = k[i+1 : len(k)-1]
	}
	with := func(extra string) string {
		if labels == "" {
			return "{" + extra + "}"
		}
		return "{" + labels + "," + extra + "}"
	}
	var cum uint64
	for i, le := range Buckets {
		cum += h.counts[i].Load()
		fmt.Fprintf(b, "%s_bucket%s %d\n", name, with(fmt.Sprintf("le=%q", formatFloat(le))), cum)
	}
	cum += h.counts[len(Buckets)].Load()
	fmt.Fprintf(b, "%s_bucket%s %d\n", name, with(`le="+Inf"`), cum)
	sumLabels := ""
	if labels != "" {
		sumLabels = "{" + labels + "}"
	}
	fmt.Fprintf(b, "%s_sum%s %g\n", name, sumLabels, float64(h.sumNs.Load())/1e9)
	fmt.Fprintf(b, "%s_count%s %d\n", name, sumLabels, cum)
}

func formatFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}
