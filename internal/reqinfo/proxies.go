package reqinfo

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose forwarding headers are believed
// (--trusted-proxies). Without any, Forwarded and X-Forwarded-For are
// ignored: anyone can write them.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of CIDRs or single addresses.
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR", f)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR", f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// trusts reports whether a is one of the proxies.
func (ps Proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr finds the client of r: the peer itself, unless the peer is a
// trusted proxy; then the forwarding chain (Forwarded if present, else
// X-Forwarded-For) is read from the right, skipping trusted hops, and the
// first untrusted hop is the client: everything left of it was written by
// someone we do not trust. A hop that cannot be read (obfuscated, garbage)
// stops the walk at the last trusted hop. viaProxy reports that the request
// reached us through a trusted proxy or carries forwarding headers at all.
func (ps Proxies) ClientAddr(r *http.Request) (client netip.Addr, viaProxy bool) {
	peer := peerAddr(r.RemoteAddr)
	forwarded := r.Header.Values("Forwarded")
	xff := r.Header.Values("X-Forwarded-For")
	viaProxy = len(forwarded) > 0 || len(xff) > 0 || r.Header.Get("X-Real-Ip") != ""
	if !peer.IsValid() || !ps.trusts(peer) {
		return peer, viaProxy
	}
	var hops []string
	if len(forwarded) > 0 {
		hops = forwardedFor(forwarded)
	} else {
		for _, v := range xff {
			for _, h := range strings.Split(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	client = peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := hopAddr(hops[i])
		if !ok {
			break
		}
		client = a
		if !ps.trusts(a) {
			break
		}
	}
	return client, true
}

// forwardedFor lists the for= values of RFC 7239 Forwarded headers, in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			found := "" // an element without for= is an unknown hop
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					found = strings.Trim(val, `"`)
				}
			}
			out = append(out, found)
		}
	}
	return out
}

// hopAddr reads one hop: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1",
// "[2001:db8::1]:4711".
func hopAddr(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Zone() == "" {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

// Middleware stores each request's client address (and whether it came
// through a proxy) for ClientIP and ViaProxy.
func (ps Proxies) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client, via := ps.ClientAddr(r)
		ctx := r.Context()
		if client.IsValid() {
			ctx = WithClientIP(ctx, client.String())
		}
		if via {
			ctx = context.WithValue(ctx, viaProxyKey, true)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ViaProxy reports whether r came through a proxy (trusted or not): such a
// request is not from this host even when the peer is loopback.
func ViaProxy(r *http.Request) bool {
	if v, ok := r.Context().Value(viaProxyKey).(bool); ok {
		return v
	}
	return r.Header.Get("Forwarded") != "" || r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("X-Real-Ip") != ""
}

// RateBucket is the key rate limits count a client under: the IPv4
// address, or the /64 of an IPv6 address, since one subscriber line or
// host gets a whole /64 and could rotate through it.
func RateBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		if h, _, err := net.SplitHostPort(ip); err == nil {
			return RateBucket(h)
		}
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
