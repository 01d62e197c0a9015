// Package secondopinion asks a language model server that the collectivité
// runs itself (an OpenAI-compatible POST /v1/chat/completions, as served by
// llama.cpp's server, vLLM or Ollama) for a second opinion on a comment the
// screen is unsure about. It only talks HTTP and parses; what the opinion may
// change is decided by the use cases (internal/app/debate/secondopinion.go,
// docs/MODERATION.md "Second opinion").
//
// The answer must be one JSON object of a fixed schema; anything else is
// "no opinion" (ErrNoOpinion), never a guess. Failures to reach the server
// (network, timeout, HTTP error) count towards a circuit breaker that stops
// calling for a cool-down after several in a row.
package secondopinion

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/parvis/parvis/internal/safehttp"
)

// Errors of Ask.
var (
	// ErrUnavailable: the server could not be reached, timed out or
	// answered an HTTP error. It counts towards the breaker; the job retries.
	ErrUnavailable = errors.New("second opinion server unavailable")
	// ErrBreakerOpen: too many failures in a row, calls are suspended
	// until the cool-down ends. The job retries later.
	ErrBreakerOpen = errors.New("second opinion suspended (circuit breaker open)")
	// ErrNoOpinion: the server answered, but not one valid JSON object of
	// the schema. Recorded as "no opinion"; not retried.
	ErrNoOpinion = errors.New("no usable opinion")
)

// Defaults of Config.
const (
	DefaultTimeout  = 20 * time.Second
	DefaultFailures = 5
	DefaultCoolDown = 5 * time.Minute
	// MaxReasonRunes bounds the reason shown to moderators.
	MaxReasonRunes = 300
	maxAnswer      = 64 << 10
)

// Config is what the operator sets (parvis serve --llm-*).
type Config struct {
	// URL is the server's base URL (http://127.0.0.1:8081,
	// http://ia.mairie.lan:11434…); requests go to URL/v1/chat/completions.
	URL    string
	Model  string
	APIKey string // sent as a bearer token when set
	// Timeout bounds one request, answer included.
	Timeout time.Duration
	// Failures in a row open the breaker for CoolDown.
	Failures int
	CoolDown time.Duration
	// Now is the clock of the breaker (the app's clock).
	Now func() time.Time
}

// Endpoint is the chat-completions URL for a base URL.
func Endpoint(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return "", fmt.Errorf("--llm-url must be an http(s) URL without credentials or query, got %q", base)
	}
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
	case strings.HasSuffix(p, "/v1"):
		p += "/chat/completions"
	default:
		p += "/v1/chat/completions"
	}
	u.Path = p
	return u.String(), nil
}

// Client asks the configured server. Safe for concurrent use.
type Client struct {
	cfg      Config
	endpoint string
	http     *safehttp.Client
	Breaker  *Breaker
	// Observe, when set, is told each call's outcome ("ok", "no_opinion",
	// "error", "breaker_open") and duration (metrics).
	Observe func(outcome string, d time.Duration)
}

// New builds a client for cfg. The HTTP client is the SSRF-guarded one with
// the configured host, and only it, trusted: the operator chose it, and a
// self-hosted server is usually on loopback or the collectivité's network.
func New(cfg Config) (*Client, error) {
	ep, err := Endpoint(cfg.URL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("--llm-model is required with --llm-url")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Failures <= 0 {
		cfg.Failures = DefaultFailures
	}
	if cfg.CoolDown <= 0 {
		cfg.CoolDown = DefaultCoolDown
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	u, _ := url.Parse(ep)
	hc := safehttp.New(safehttp.Options{Timeout: cfg.Timeout, MaxBody: maxAnswer, UserAgent: "Parvis (second opinion)",
		TrustedHosts: []string{u.Hostname()}, MaxConnsPerHost: 4})
	return &Client{cfg: cfg, endpoint: ep, http: hc, Breaker: NewBreaker(cfg.Failures, cfg.CoolDown, cfg.Now)}, nil
}

// Model is the configured model name.
func (c *Client) Model() string { return c.cfg.Model }

// Host is the configured server's host (shown to administrators).
func (c *Client) Host() string {
	u, _ := url.Parse(c.endpoint)
	return u.Host
}

// Timeout is the per-request limit.
func (c *Client) Timeout() time.Duration { return c.cfg.Timeout }

// Opinion is the model's answer.
type Opinion struct {
	Decision   string  `json:"decision"` // publish or hold
	Category   string  `json:"category"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model          string          `json:"model"`
	Messages       []Message       `json:"messages"`
	Temperature    float64         `json:"temperature"`
	MaxTokens      int             `json:"max_tokens"`
	Stream         bool            `json:"stream"`
	ResponseFormat json.RawMessage `json:"response_format"`
}

// responseFormat asks servers that support structured output (llama.cpp,
// vLLM, Ollama ≥ 0.5) to constrain the answer to the schema; the answer is
// parsed strictly anyway.
var responseFormat = json.RawMessage(`{"type":"json_schema","json_schema":{"name":"second_avis","strict":true,"schema":` + Schema + `}}`)

// Schema is the JSON schema of the answer (docs/MODERATION.md).
const Schema = `{"type":"object","additionalProperties":false,"required":["decision","category","confidence","reason"],` +
	`"properties":{"decision":{"type":"string","enum":["publish","hold"]},"category":{"type":"string"},` +
	`"confidence":{"type":"number","minimum":0,"maximum":1},"reason":{"type":"string","maxLength":300}}}`

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

// Ask asks the model about a comment. Errors wrap ErrUnavailable,
// ErrBreakerOpen or ErrNoOpinion.
func (c *Client) Ask(ctx context.Context, r Request) (op Opinion, err error) {
	start := time.Now()
	defer func() {
		if c.Observe != nil {
			outcome := "ok"
			switch {
			case errors.Is(err, ErrBreakerOpen):
				outcome = "breaker_open"
			case errors.Is(err, ErrNoOpinion):
				outcome = "no_opinion"
			case err != nil:
				outcome = "error"
			}
			c.Observe(outcome, time.Since(start))
		}
	}()
	if err := c.Breaker.Allow(); err != nil {
		return op, err
	}
	content, err := c.call(ctx, r)
	if errors.Is(err, ErrNoOpinion) {
		c.Breaker.Success() // the server is up; its answer is unusable
		return op, err
	}
	if err != nil {
		c.Breaker.Failure()
		return op, err
	}
	// The server answered: whatever the content, it is up.
	c.Breaker.Success()
	return Parse(content)
}

func (c *Client) call(ctx context.Context, r Request) (string, error) {
	msgs, err := Messages(r)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(chatRequest{Model: c.cfg.Model, Messages: msgs, Temperature: 0, MaxTokens: 300,
		ResponseFormat: responseFormat})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	b, err := c.http.ReadBody(resp)
	if err != nil {
		return "", fmt.Errorf("%w: reading answer: %v", ErrUnavailable, err)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("%w: HTTP %d", ErrUnavailable, resp.StatusCode)
	}
	var cr chatResponse
	if err := json.Unmarshal(b, &cr); err != nil || len(cr.Choices) == 0 {
		return "", fmt.Errorf("%w: not a chat completion", ErrNoOpinion)
	}
	ch := cr.Choices[0]
	if ch.FinishReason != "" && ch.FinishReason != "stop" {
		return "", fmt.Errorf("%w: answer cut (%s)", ErrNoOpinion, ch.FinishReason)
	}
	return ch.Message.Content, nil
}

// Parse reads the model's answer strictly: exactly one JSON object with the
// four fields of the schema and no other, a decision of publish or hold, a
// category of the policy matching the decision, a confidence between 0 and
// 1, and a non-empty one-line reason of at most MaxReasonRunes. Anything
// else is ErrNoOpinion.
func Parse(content string) (Opinion, error) {
	var op Opinion
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(content)))
	dec.DisallowUnknownFields()
	var raw struct {
		Decision   *string  `json:"decision"`
		Category   *string  `json:"category"`
		Confidence *float64 `json:"confidence"`
		Reason     *string  `json:"reason"`
	}
	if err := dec.Decode(&raw); err != nil {
		return op, fmt.Errorf("%w: %v", ErrNoOpinion, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return op, fmt.Errorf("%w: text after the JSON object", ErrNoOpinion)
	}
	if raw.Decision == nil || raw.Category == nil || raw.Confidence == nil || raw.Reason == nil {
		return op, fmt.Errorf("%w: missing field", ErrNoOpinion)
	}
	op = Opinion{Decision: *raw.Decision, Category: *raw.Category, Confidence: *raw.Confidence, Reason: strings.TrimSpace(*raw.Reason)}
	switch {
	case op.Decision == "publish" && !slices.Contains(PublishCategories, op.Category),
		op.Decision == "hold" && !slices.Contains(HoldCategories, op.Category):
		return Opinion{}, fmt.Errorf("%w: category %q does not go with decision %q", ErrNoOpinion, op.Category, op.Decision)
	case op.Decision != "publish" && op.Decision != "hold":
		return Opinion{}, fmt.Errorf("%w: decision %q", ErrNoOpinion, op.Decision)
	case !(op.Confidence >= 0 && op.Confidence <= 1):
		return Opinion{}, fmt.Errorf("%w: confidence %v", ErrNoOpinion, op.Confidence)
	case op.Reason == "" || utf8.RuneCountInString(op.Reason) > MaxReasonRunes || strings.ContainsAny(op.Reason, "\n\r") ||
		!utf8.ValidString(op.Reason):
		return Opinion{}, fmt.Errorf("%w: reason empty, too long or on several lines", ErrNoOpinion)
	}
	return op, nil
}

// Breaker stops calls after Failures consecutive failures, for CoolDown.
// After the cool-down calls resume (the job queue's workers make at most a
// few at once); one more failure opens it again at once, a success closes it.
type Breaker struct {
	mu        sync.Mutex
	limit     int
	coolDown  time.Duration
	now       func() time.Time
	failures  int       // consecutive
	openUntil time.Time // end of the current or last cool-down
	trips     uint64
}

// NewBreaker builds a closed breaker.
func NewBreaker(failures int, coolDown time.Duration, now func() time.Time) *Breaker {
	return &Breaker{limit: failures, coolDown: coolDown, now: now}
}

// Allow returns ErrBreakerOpen while calls are suspended.
func (b *Breaker) Allow() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.now().Before(b.openUntil) {
		return fmt.Errorf("%w until %s", ErrBreakerOpen, b.openUntil.UTC().Format(time.RFC3339))
	}
	return nil
}

// Success closes the breaker.
func (b *Breaker) Success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures, b.openUntil = 0, time.Time{}
}

// Failure counts a failure and opens the breaker from the limit on.
func (b *Breaker) Failure() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	if b.failures >= b.limit {
		if now := b.now(); !now.Before(b.openUntil) { // not open already (a call that was under way)
			b.trips++
			b.openUntil = now.Add(b.coolDown)
		}
	}
}

// BreakerState is what /metrics and the administration page show.
type BreakerState struct {
	Open     bool
	Until    time.Time // end of the cool-down when open
	Failures int       // consecutive failures
	Trips    uint64    // times the breaker opened since start
}

// State reports the breaker's state now.
func (b *Breaker) State() BreakerState {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BreakerState{Failures: b.failures, Trips: b.trips}
	if b.now().Before(b.openUntil) {
		s.Open, s.Until = true, b.openUntil
	}
	return s
}
