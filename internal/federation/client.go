package federation

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/safehttp"
)

// Signer is a local actor's key, to sign requests with.
type Signer struct {
	KeyID string
	Key   *rsa.PrivateKey
}

// Client sends signed requests to other servers through a safehttp client
// (non-public addresses refused unless insecure).
type Client struct {
	HTTP *safehttp.Client
	Now  func() time.Time
}

// StatusError is a remote server's non-2xx answer.
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string { return fmt.Sprintf("%s answered %d", e.URL, e.Status) }

// Permanent reports whether retrying cannot help: the remote refused the
// request itself (4xx), except for throttling and timeouts.
func (e *StatusError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests && e.Status != http.StatusRequestTimeout
}

// IsGone reports whether err is a 404 or 410 answer (a deleted actor).
func IsGone(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Status == http.StatusGone || se.Status == http.StatusNotFound)
}

// Get fetches an ActivityPub document, signed (servers in authorized-fetch
// mode refuse unsigned GETs).
func (c *Client) Get(ctx context.Context, target string, s Signer) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", LDContentType+", "+ContentType)
	if s.Key != nil {
		if err := Sign(req, nil, s.KeyID, s.Key, c.Now()); err != nil {
			return nil, err
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := c.HTTP.ReadBody(resp)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", target, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &StatusError{URL: target, Status: resp.StatusCode}
	}
	return b, nil
}

// Post delivers an activity to an inbox, signed with a digest.
func (c *Client) Post(ctx context.Context, inbox string, body []byte, s Signer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", LDContentType)
	if err := Sign(req, body, s.KeyID, s.Key, c.Now()); err != nil {
		return err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	_, _ = c.HTTP.ReadBody(resp) // drained so the connection is reused
	if resp.StatusCode/100 != 2 {
		return &StatusError{URL: inbox, Status: resp.StatusCode}
	}
	return nil
}

// WebFinger resolves user@host to its actor id.
func (c *Client) WebFinger(ctx context.Context, acct string) (string, error) {
	acct = strings.TrimPrefix(strings.TrimPrefix(acct, "acct:"), "@")
	_, host, ok := strings.Cut(acct, "@")
	if !ok || host == "" {
		return "", fmt.Errorf("%w: %q is not user@host", ErrMalformed, acct)
	}
	scheme := "https"
	if c.HTTP.Insecure() {
		scheme = "http"
	}
	u := scheme + "://" + host + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+acct)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	b, err := c.HTTP.ReadBody(resp)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &StatusError{URL: u, Status: resp.StatusCode}
	}
	if err := checkDepth(b); err != nil {
		return "", err
	}
	var jrd WebFinger
	if err := json.Unmarshal(b, &jrd); err != nil {
		return "", fmt.Errorf("%w: webfinger: %v", ErrMalformed, err)
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && (l.Type == ContentType || strings.HasPrefix(l.Type, "application/ld+json")) && absoluteHTTP(l.Href) {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("%w: no ActivityPub link for %s", ErrMalformed, acct)
}
