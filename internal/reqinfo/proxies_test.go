package reqinfo

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddrTrustsOnlyDeclaredHops(t *testing.T) {
	ps, err := ParseProxies("10.0.0.0/8, 127.0.0.1, 2001:db8:ffff::/48")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		remote, xff, forwarded, want string
		via                          bool
	}{
		{"203.0.113.5:1234", "", "", "203.0.113.5", false},
		{"203.0.113.5:1234", "198.51.100.1", "", "203.0.113.5", true},          // untrusted peer: headers ignored
		{"127.0.0.1:1234", "", "", "127.0.0.1", true},                          // the proxy itself
		{"127.0.0.1:1234", "198.51.100.1", "", "198.51.100.1", true},           // one proxy
		{"127.0.0.1:1234", "6.6.6.6, 198.51.100.1", "", "198.51.100.1", true},  // forged left part
		{"127.0.0.1:1234", "198.51.100.1, 10.1.2.3", "", "198.51.100.1", true}, // two trusted proxies
		{"10.0.0.1:1234", "10.9.9.9, 10.1.2.3", "", "10.9.9.9", true},          // all trusted: leftmost
		{"127.0.0.1:1234", "6.6.6.6, garbage, 10.1.2.3", "", "10.1.2.3", true}, // unreadable hop stops the walk
		{"127.0.0.1:1234", "198.51.100.1:4711", "", "198.51.100.1", true},
		{"127.0.0.1:1234", "[2001:db8::1]:4711", "", "2001:db8::1", true},
		{"127.0.0.1:1234", "::ffff:198.51.100.1", "", "198.51.100.1", true},
		{"127.0.0.1:1234", "9.9.9.9", `for=198.51.100.1;proto=https, for="[2001:db8::7]:80"`, "2001:db8::7", true}, // Forwarded wins
		{"127.0.0.1:1234", "", `for=_hidden, for=198.51.100.1`, "198.51.100.1", true},
		{"127.0.0.1:1234", "", `for=198.51.100.1, for=unknown`, "127.0.0.1", true},
		{"[2001:db8:ffff::1]:1234", "2001:db8:1:2::3", "", "2001:db8:1:2::3", true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.forwarded != "" {
			r.Header.Set("Forwarded", c.forwarded)
		}
		got, via := ps.ClientAddr(r)
		if got.String() != c.want || via != c.via {
			t.Errorf("%s %q %q: got %s via=%v, want %s via=%v", c.remote, c.xff, c.forwarded, got, via, c.want, c.via)
		}
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("invalid CIDR accepted")
	}
	if _, err := ParseProxies("proxy.example"); err == nil {
		t.Error("host name accepted")
	}
}

func TestRateBucketGroupsAnIPv6Slash64(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.5": "203.0.113.5", "::ffff:203.0.113.5": "203.0.113.5", "2001:db8:1:2::1": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:ffff:ffff": "2001:db8:1:2::/64", "[2001:db8:1:3::1]:80": "2001:db8:1:3::/64",
	} {
		if got := RateBucket(in); got != want {
			t.Errorf("RateBucket(%s) = %s, want %s", in, got, want)
		}
	}
}
