package federation

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HTTP Signatures as the Fediverse speaks them: draft-cavage-http-signatures-12
// with rsa-sha256 (Mastodon, GoToSocial, Misskey, Pleroma…), "hs2019" being
// accepted as its alias since every implementation in the wild signs hs2019
// with RSA PKCS#1 v1.5 over SHA-256.

// MaxSkew is how far a request's Date may be from our clock.
const MaxSkew = time.Hour

// Signature errors. All of them mean 401 for an incoming request.
var (
	ErrNoSignature  = errors.New("no signature")
	ErrBadSignature = errors.New("bad signature")
	ErrDateSkew     = errors.New("date too far from now")
	ErrDigest       = errors.New("digest mismatch")
)

// GenerateKey makes a 2048-bit RSA key pair in PEM (PKCS#8 private key,
// PKIX public key: what Mastodon publishes in publicKeyPem).
func GenerateKey() (privPEM, pubPEM string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})), nil
}

// ParsePrivateKey reads a PKCS#8 or PKCS#1 RSA private key in PEM.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, errors.New("not an RSA key")
	}
	return x509.ParsePKCS1PrivateKey(b.Bytes)
}

// ParsePublicKey reads an RSA public key in PEM (PKIX "PUBLIC KEY" or PKCS#1
// "RSA PUBLIC KEY", both seen in publicKeyPem).
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(strings.TrimSpace(s)))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKIXPublicKey(b.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("not an RSA key")
	}
	return x509.ParsePKCS1PublicKey(b.Bytes)
}

// Digest is the Digest header value of body.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// Sign signs req as keyID: it sets Date, Host and, when body is not nil,
// Digest, then the Signature header over (request-target) host date [digest].
func Sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	headers := []string{"(request-target)", "host", "date"}
	if body != nil {
		req.Header.Set("Digest", Digest(body))
		headers = append(headers, "digest")
	}
	s, err := signingString(req, headers, nil)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		keyID, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

// SigParams is a parsed Signature header.
type SigParams struct {
	KeyID     string
	Algorithm string
	Headers   []string
	Signature []byte
	Created   string
	Expires   string
}

// ParseSignature reads the Signature header (or an Authorization:
// Signature … header).
func ParseSignature(h http.Header) (SigParams, error) {
	v := h.Get("Signature")
	if v == "" {
		if a := h.Get("Authorization"); strings.HasPrefix(a, "Signature ") {
			v = strings.TrimPrefix(a, "Signature ")
		}
	}
	if v == "" {
		return SigParams{}, ErrNoSignature
	}
	var p SigParams
	for len(v) > 0 {
		v = strings.TrimLeft(v, " ,")
		eq := strings.IndexByte(v, '=')
		if eq < 0 {
			break
		}
		name := strings.TrimSpace(v[:eq])
		v = v[eq+1:]
		var val string
		if strings.HasPrefix(v, `"`) {
			end := strings.IndexByte(v[1:], '"')
			if end < 0 {
				return p, fmt.Errorf("%w: unterminated parameter", ErrBadSignature)
			}
			val, v = v[1:end+1], v[end+2:]
		} else {
			end := strings.IndexByte(v, ',')
			if end < 0 {
				end = len(v)
			}
			val, v = v[:end], v[end:]
		}
		switch name {
		case "keyId":
			p.KeyID = val
		case "algorithm":
			p.Algorithm = val
		case "headers":
			p.Headers = strings.Fields(strings.ToLower(val))
		case "signature":
			b, err := base64.StdEncoding.DecodeString(val)
			if err != nil {
				return p, fmt.Errorf("%w: signature not base64", ErrBadSignature)
			}
			p.Signature = b
		case "created":
			p.Created = val
		case "expires":
			p.Expires = val
		}
	}
	if p.KeyID == "" || len(p.Signature) == 0 {
		return p, fmt.Errorf("%w: keyId or signature missing", ErrBadSignature)
	}
	if len(p.Headers) == 0 {
		p.Headers = []string{"date"} // the draft's default
	}
	switch strings.ToLower(p.Algorithm) {
	case "", "rsa-sha256", "hs2019":
	default:
		return p, fmt.Errorf("%w: algorithm %q", ErrBadSignature, p.Algorithm)
	}
	return p, nil
}

// CheckRequest verifies what can be verified before the key is known: the
// signed headers cover the request target, host and date (and the digest
// for a body), the date is within MaxSkew of now, and the body matches the
// Digest header.
func CheckRequest(req *http.Request, p SigParams, body []byte, now time.Time) error {
	need := []string{"(request-target)", "host"}
	if p.Created == "" {
		need = append(need, "date")
	}
	if body != nil {
		need = append(need, "digest")
	}
	for _, n := range need {
		if !contains(p.Headers, n) {
			return fmt.Errorf("%w: %s not signed", ErrBadSignature, n)
		}
	}
	if d := req.Header.Get("Date"); d != "" || p.Created == "" {
		t, err := http.ParseTime(d)
		if err != nil {
			return fmt.Errorf("%w: bad Date", ErrBadSignature)
		}
		if skew := now.Sub(t); skew > MaxSkew || skew < -MaxSkew {
			return ErrDateSkew
		}
	}
	if p.Created != "" {
		sec, err := strconv.ParseInt(p.Created, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: bad created", ErrBadSignature)
		}
		if skew := now.Sub(time.Unix(sec, 0)); skew > MaxSkew || skew < -MaxSkew {
			return ErrDateSkew
		}
	}
	if body != nil {
		got := req.Header.Get("Digest")
		ok := false
		for _, d := range strings.Split(got, ",") {
			if alg, val, found := strings.Cut(strings.TrimSpace(d), "="); found && strings.EqualFold(alg, "SHA-256") {
				ok = "SHA-256="+val == Digest(body)
			}
		}
		if !ok {
			return ErrDigest
		}
	}
	return nil
}

// VerifyWith checks the signature itself with key.
func VerifyWith(req *http.Request, p SigParams, key *rsa.PublicKey) error {
	s, err := signingString(req, p.Headers, &p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(s))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], p.Signature); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

func signingString(req *http.Request, headers []string, p *SigParams) (string, error) {
	var b bytes.Buffer
	for i, h := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch h {
		case "(request-target)":
			b.WriteString("(request-target): " + strings.ToLower(req.Method) + " " + req.URL.RequestURI())
		case "host":
			host := req.Host
			if host == "" {
				host = req.URL.Host
			}
			b.WriteString("host: " + host)
		case "(created)", "(expires)":
			if p == nil {
				return "", fmt.Errorf("%w: %s", ErrBadSignature, h)
			}
			v := p.Created
			if h == "(expires)" {
				v = p.Expires
			}
			b.WriteString(h + ": " + v)
		default:
			vals := req.Header.Values(h)
			if len(vals) == 0 {
				return "", fmt.Errorf("%w: signed header %s missing", ErrBadSignature, h)
			}
			b.WriteString(h + ": " + strings.Join(vals, ", "))
		}
	}
	return b.String(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
