package federation

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func signedPost(t *testing.T, body []byte, priv string, now time.Time) *http.Request {
	t.Helper()
	k, err := ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "https://ville.example/inbox", bytes.NewReader(body))
	if err := Sign(req, body, "https://remote.example/users/a#main-key", k, now); err != nil {
		t.Fatal(err)
	}
	return req
}

func verify(req *http.Request, body []byte, pub string, now time.Time) error {
	p, err := ParseSignature(req.Header)
	if err != nil {
		return err
	}
	if err := CheckRequest(req, p, body, now); err != nil {
		return err
	}
	k, err := ParsePublicKey(pub)
	if err != nil {
		return err
	}
	return VerifyWith(req, p, k)
}

func TestSignatures(t *testing.T) {
	priv, pub, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	_, otherPub, _ := GenerateKey()
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"https://remote.example/1","type":"Like","actor":"https://remote.example/users/a","object":"x"}`)

	t.Run("valid", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		if err := verify(req, body, pub, now.Add(30*time.Minute)); err != nil {
			t.Fatalf("valid signature refused: %v", err)
		}
		p, _ := ParseSignature(req.Header)
		if strings.Join(p.Headers, " ") != "(request-target) host date digest" || p.Algorithm != "rsa-sha256" {
			t.Fatalf("signed headers = %v, algorithm %q", p.Headers, p.Algorithm)
		}
	})
	t.Run("hs2019 alias", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		req.Header.Set("Signature", strings.Replace(req.Header.Get("Signature"), `algorithm="rsa-sha256"`, `algorithm="hs2019"`, 1))
		if err := verify(req, body, pub, now); err != nil {
			t.Fatalf("hs2019: %v", err)
		}
	})
	t.Run("expired date", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		if err := verify(req, body, pub, now.Add(61*time.Minute)); !errors.Is(err, ErrDateSkew) {
			t.Fatalf("err = %v, want ErrDateSkew", err)
		}
		if err := verify(req, body, pub, now.Add(-61*time.Minute)); !errors.Is(err, ErrDateSkew) {
			t.Fatalf("future date: err = %v, want ErrDateSkew", err)
		}
	})
	t.Run("wrong digest", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		tampered := bytes.Replace(body, []byte("Like"), []byte("Follow"), 1)
		if err := verify(req, tampered, pub, now); !errors.Is(err, ErrDigest) {
			t.Fatalf("err = %v, want ErrDigest", err)
		}
	})
	t.Run("digest recomputed but not re-signed", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		tampered := bytes.Replace(body, []byte("Like"), []byte("Follow"), 1)
		req.Header.Set("Digest", Digest(tampered))
		if err := verify(req, tampered, pub, now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("err = %v, want ErrBadSignature", err)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		if err := verify(req, body, otherPub, now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("err = %v, want ErrBadSignature", err)
		}
	})
	t.Run("other path", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		req.URL.Path = "/bellerive/inbox"
		if err := verify(req, body, pub, now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("err = %v, want ErrBadSignature", err)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "https://ville.example/inbox", bytes.NewReader(body))
		if err := verify(req, body, pub, now); !errors.Is(err, ErrNoSignature) {
			t.Fatalf("err = %v, want ErrNoSignature", err)
		}
	})
	t.Run("digest not signed", func(t *testing.T) {
		req := signedPost(t, body, priv, now)
		sig := req.Header.Get("Signature")
		req.Header.Set("Signature", strings.Replace(sig, `headers="(request-target) host date digest"`, `headers="(request-target) host date"`, 1))
		if err := verify(req, body, pub, now); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("err = %v, want ErrBadSignature", err)
		}
	})
	t.Run("GET signed without digest", func(t *testing.T) {
		k, _ := ParsePrivateKey(priv)
		req := httptest.NewRequest(http.MethodGet, "https://remote.example/users/a", nil)
		if err := Sign(req, nil, "https://ville.example/actor#main-key", k, now); err != nil {
			t.Fatal(err)
		}
		if req.Header.Get("Digest") != "" {
			t.Fatal("a GET carries no digest")
		}
		if err := verify(req, nil, pub, now); err != nil {
			t.Fatalf("signed GET: %v", err)
		}
	})
}

// TestMastodonSignatureHeader parses a header as Mastodon writes it.
func TestMastodonSignatureHeader(t *testing.T) {
	h := http.Header{}
	h.Set("Signature", `keyId="https://mastodon.example/users/claire#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="c2lnbmF0dXJl"`)
	p, err := ParseSignature(h)
	if err != nil {
		t.Fatal(err)
	}
	if p.KeyID != "https://mastodon.example/users/claire#main-key" || len(p.Headers) != 5 || string(p.Signature) != "signature" {
		t.Fatalf("parsed %+v", p)
	}
	h.Set("Signature", `keyId="k",algorithm="ed25519",signature="c2ln"`)
	if _, err := ParseSignature(h); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("unknown algorithm: %v", err)
	}
}
