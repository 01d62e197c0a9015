package mailing

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/model"
)

// Signed links in every e-mail let a subscriber change preferences or
// unsubscribe without logging in. They are HMAC-SHA256 over the subscriber,
// the organisation and an expiry, with a key generated on first start and
// kept in the database (instance_secrets), so every process of an instance
// verifies the links of the others and nothing needs configuring.

// PrefsLinkLife is how long a preferences link lets someone change choices.
// Unsubscribing works with an expired link too: it only ever reduces mail.
const PrefsLinkLife = 120 * 24 * time.Hour

// Links signs and checks subscriber links.
type Links struct {
	key  []byte
	base string
}

// loadLinks loads (or creates, on first start) the link signing key.
func loadLinks(ctx context.Context, c *core.Core) (*Links, error) {
	v, err := c.Store.InstanceSecret(ctx, "link_hmac", func() string {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		return hex.EncodeToString(b[:])
	}, c.Now())
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("link signing key is malformed")
	}
	return &Links{key: key, base: c.BaseURL}, nil
}

func (l *Links) mac(msg []byte) []byte {
	h := hmac.New(sha256.New, l.key)
	h.Write(msg)
	return h.Sum(nil)[:16]
}

// Token signs (subscriber, organisation, expiry). orgID "" means every
// organisation.
func (l *Links) Token(subscriberID, orgID string, expires time.Time) string {
	var b [52]byte
	sub, _ := uuid.Parse(subscriberID)
	copy(b[0:16], sub[:])
	if orgID != "" {
		org, _ := uuid.Parse(orgID)
		copy(b[16:32], org[:])
	}
	binary.BigEndian.PutUint32(b[32:36], uint32(expires.Unix()))
	copy(b[36:], l.mac(b[:36]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// LinkClaims is what a valid link says.
type LinkClaims struct {
	SubscriberID string
	OrgID        string
	Expired      bool
}

// Parse checks a token's signature; an expired one is returned with Expired
// set, a forged or damaged one is model.ErrNotFound.
func (l *Links) Parse(token string, now time.Time) (LinkClaims, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 52 || !hmac.Equal(b[36:], l.mac(b[:36])) {
		return LinkClaims{}, fmt.Errorf("subscriber link: %w", model.ErrNotFound)
	}
	var c LinkClaims
	sub, _ := uuid.FromBytes(b[0:16])
	c.SubscriberID = sub.String()
	var zero [16]byte
	if !hmac.Equal(b[16:32], zero[:]) {
		org, _ := uuid.FromBytes(b[16:32])
		c.OrgID = org.String()
	}
	c.Expired = now.Unix() > int64(binary.BigEndian.Uint32(b[32:36]))
	return c, nil
}

// PrefsURL and UnsubscribeURL are the links a mail carries.
func (l *Links) PrefsURL(token string) string { return l.base + "/abonnement/" + token }

// UnsubscribeURL is the one-click unsubscribe target (RFC 8058).
func (l *Links) UnsubscribeURL(token string) string {
	return l.base + "/abonnement/" + token + "/desabonner"
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// BounceToken names a subscriber in a VERP return address
// (bounce+TOKEN@domain): the id and a short MAC, in lower-case base32 so
// that servers which fold the local part's case still deliver it.
func (l *Links) BounceToken(subscriberID string) string {
	sub, _ := uuid.Parse(subscriberID)
	var b [26]byte
	copy(b[:16], sub[:])
	copy(b[16:], l.mac(append([]byte("bounce:"), sub[:]...))[:10])
	return strings.ToLower(b32.EncodeToString(b[:]))
}

// ParseBounceToken returns the subscriber a VERP token names.
func (l *Links) ParseBounceToken(token string) (string, error) {
	b, err := b32.DecodeString(strings.ToUpper(token))
	if err != nil || len(b) != 26 || !hmac.Equal(b[16:], l.mac(append([]byte("bounce:"), b[:16]...))[:10]) {
		return "", fmt.Errorf("bounce token: %w", model.ErrNotFound)
	}
	sub, _ := uuid.FromBytes(b[:16])
	return sub.String(), nil
}
