package safehttp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2a01:4f8::1": true, "193.51.24.1": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fc00::1": false, "0.0.0.0": false, "::": false,
		"100.64.0.1": false, "224.0.0.1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"64:ff9b::a00:1": false, "198.18.0.1": false, "255.255.255.255": false,
	} {
		if got := IsPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("IsPublic(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestRefusesLoopbackAtDialTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("secret")) }))
	defer srv.Close()
	strict := New(Options{})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	if _, err := strict.Do(req); !errors.Is(err, ErrScheme) {
		t.Fatalf("http URL in strict mode: err = %v, want ErrScheme", err)
	}
	// https to a loopback name: the scheme passes, the dial must not.
	req, _ = http.NewRequest(http.MethodGet, strings.Replace(srv.URL, "http://127.0.0.1", "https://localhost", 1), nil)
	if _, err := strict.Do(req); err == nil || !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("https to localhost: err = %v, want ErrBlockedAddress", err)
	}
	// A custom resolver pointing a public-looking name at loopback is caught too.
	rebind := New(Options{LookupIP: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}})
	req, _ = http.NewRequest(http.MethodGet, "https://mastodon.example/users/x", nil)
	if _, err := rebind.Do(req); !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("name resolving to loopback: err = %v, want ErrBlockedAddress", err)
	}
	insecure := New(Options{Insecure: true})
	req, _ = http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := insecure.Do(req)
	if err != nil {
		t.Fatalf("insecure client: %v", err)
	}
	b, err := insecure.ReadBody(resp)
	if err != nil || string(b) != "secret" {
		t.Fatalf("insecure body = %q, %v", b, err)
	}
}

func TestRedirectToPrivateRefused(t *testing.T) {
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer inner.Close()
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer outer.Close()
	c := New(Options{Insecure: true})
	req, _ := http.NewRequest(http.MethodGet, outer.URL, nil)
	if _, err := c.Do(req); !errors.Is(err, ErrScheme) {
		t.Fatalf("redirect to file://: err = %v, want ErrScheme", err)
	}
}

func TestBodyLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 2000)))
	}))
	defer srv.Close()
	c := New(Options{Insecure: true, MaxBody: 1000})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadBody(resp); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("2000 bytes with a 1000 limit: err = %v, want ErrTooLarge", err)
	}
}

// TestTrustedHost: the host the operator configured (a language model server
// on the collectivité's network) is reached over http on loopback; any other
// host stays refused, even through a redirect from the trusted one.
func TestTrustedHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, strings.Replace(srv0URL(r), "127.0.0.1", "localhost", 1)+"/secret", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c := New(Options{TrustedHosts: []string{"127.0.0.1"}})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/models", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("trusted host refused: %v", err)
	}
	if b, err := c.ReadBody(resp); err != nil || string(b) != "ok" {
		t.Fatalf("body = %q, %v", b, err)
	}
	req, _ = http.NewRequest(http.MethodGet, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), nil)
	if _, err := c.Do(req); !errors.Is(err, ErrScheme) {
		t.Fatalf("other loopback name over http: err = %v, want ErrScheme", err)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/redirect", nil)
	if _, err := c.Do(req); !errors.Is(err, ErrScheme) {
		t.Fatalf("redirect away from the trusted host: err = %v, want ErrScheme", err)
	}
	// https to another loopback name: the scheme passes, the dial must not.
	c2 := New(Options{TrustedHosts: []string{"llm.mairie.lan"}, LookupIP: func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}})
	req, _ = http.NewRequest(http.MethodGet, "https://autre.example/x", nil)
	if _, err := c2.Do(req); !errors.Is(err, ErrBlockedAddress) {
		t.Fatalf("untrusted name resolving to loopback: err = %v, want ErrBlockedAddress", err)
	}
}

func srv0URL(r *http.Request) string { return "http://" + r.Host }
