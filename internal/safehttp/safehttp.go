// Package safehttp is the HTTP client for requests whose address comes from
// outside: ActivityPub actors and inboxes, iCal feeds to import… A remote
// party must not be able to make Parvis reach into its own network (SSRF),
// so the client refuses, at dial time, every address that is not public
// unicast (loopback, private, link-local, multicast, unspecified…), whatever
// the name resolved to and however many redirects led there. It also bounds
// time and response size.
//
// Insecure mode (parvis serve --federation-insecure) allows http:// and
// private addresses: for tests on loopback and local development only. It is
// a field of the client, never a global.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Errors the client returns; callers log them and treat the remote as
// unreachable or misbehaving.
var (
	ErrBlockedAddress = errors.New("address is not public")
	ErrScheme         = errors.New("only https URLs are fetched")
	ErrTooLarge       = errors.New("response too large")
)

// Options tune a Client. The zero value is the strict production client.
type Options struct {
	// Insecure allows http:// URLs and loopback/private addresses. Tests and
	// local development only.
	Insecure bool
	// Timeout bounds a whole request, body included (default 10 s).
	Timeout time.Duration
	// MaxBody bounds what ReadBody accepts (default 1 MiB).
	MaxBody int64
	// UserAgent is sent with every request.
	UserAgent string
	// LookupIP, when set, replaces DNS (benchmarks map every host name to a
	// local sink). The resolved addresses are still checked.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
	// MaxConnsPerHost caps connections to one host (default 8).
	MaxConnsPerHost int
	// TrustedHosts are host names (or IP literals) the operator configured
	// himself, such as the collectivité's own language model server on its
	// network: they may be reached over http:// and on loopback or private
	// addresses. Every other host, a redirect's target included, is checked
	// as usual. Unlike Insecure, this names hosts; it never opens the
	// client to addresses that come from outside.
	TrustedHosts []string
}

// Client performs checked requests.
type Client struct {
	HTTP    *http.Client
	opts    Options
	trusted map[string]bool // Options.TrustedHosts, lower-cased
}

// isTrusted reports whether host (without port) is one the operator named.
func (c *Client) isTrusted(host string) bool {
	return c.trusted[strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))]
}

// New builds a client.
func New(o Options) *Client {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxBody == 0 {
		o.MaxBody = 1 << 20
	}
	if o.MaxConnsPerHost == 0 {
		o.MaxConnsPerHost = 8
	}
	if o.UserAgent == "" {
		o.UserAgent = "Parvis"
	}
	c := &Client{opts: o}
	for _, h := range o.TrustedHosts {
		if h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "[]")); h != "" {
			if c.trusted == nil {
				c.trusted = map[string]bool{}
			}
			c.trusted[h] = true
		}
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: c.control}
	trustedDialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us, unchecked
		DialContext:           c.dialContext(dialer, trustedDialer),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          200,
		MaxIdleConnsPerHost:   4,
		MaxConnsPerHost:       o.MaxConnsPerHost,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
	}
	c.HTTP = &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("too many redirects")
		}
		return c.CheckURL(req.URL)
	}}
	return c
}

// Insecure reports whether the client allows http and private addresses.
func (c *Client) Insecure() bool { return c.opts.Insecure }

// MaxBody is the response size limit of ReadBody.
func (c *Client) MaxBody() int64 { return c.opts.MaxBody }

// CheckURL refuses URLs the client will not fetch: other schemes than https
// (http too in insecure mode), credentials in the URL, no host.
func (c *Client) CheckURL(u *url.URL) error {
	switch {
	case u == nil || u.Host == "":
		return fmt.Errorf("%w: no host", ErrScheme)
	case u.User != nil:
		return fmt.Errorf("%w: credentials in URL", ErrScheme)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (c.opts.Insecure || c.isTrusted(u.Hostname())):
		return nil
	}
	return fmt.Errorf("%w: %s", ErrScheme, u.Scheme)
}

// Do sends req after checking its URL, with the client's User-Agent.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if err := c.CheckURL(req.URL); err != nil {
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	return c.HTTP.Do(req)
}

// ReadBody reads at most MaxBody bytes of resp's body and closes it;
// anything longer is ErrTooLarge.
func (c *Client) ReadBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return ReadLimited(resp.Body, c.opts.MaxBody)
}

// ReadLimited reads r fully unless it holds more than n bytes.
func ReadLimited(r io.Reader, n int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > n {
		return nil, ErrTooLarge
	}
	return b, nil
}

// Allowed reports whether ip may be dialled: public unicast addresses only,
// unless insecure.
func (c *Client) Allowed(ip netip.Addr) bool {
	return c.opts.Insecure || IsPublic(ip)
}

// IsPublic reports whether ip is a public unicast address: not loopback,
// private (RFC 1918, fc00::/7), link-local, multicast, unspecified, CGNAT
// (100.64/10), documentation or benchmarking ranges, nor an IPv4-mapped form
// of one of those.
func IsPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
	netip.MustParsePrefix("2001:db8::/32"),
}

// control runs after name resolution, on the very address about to be
// dialled: the check cannot be bypassed by DNS rebinding or redirects.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	if !c.Allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, ap.Addr())
	}
	return nil
}

// dialContext dials with d, whose Control refuses non-public addresses, or
// with trusted (no address check) when the host is one of TrustedHosts: the
// host name decides before resolution, so a redirect to another name goes
// through the checked dialer.
func (c *Client) dialContext(d, trusted *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if c.isTrusted(host) {
			return trusted.DialContext(ctx, network, addr)
		}
		if c.opts.LookupIP == nil {
			return d.DialContext(ctx, network, addr)
		}
		ips, err := c.opts.LookupIP(ctx, strings.TrimSuffix(host, "."))
		if err != nil {
			return nil, err
		}
		var last error = fmt.Errorf("no address for %s", host)
		for _, ip := range ips {
			conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return conn, nil
			}
			last = err
		}
		return nil, last
	}
}
