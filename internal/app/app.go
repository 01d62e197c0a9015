// Package app holds Parvis's use cases: context and plain arguments in, model
// values out. It owns transactions, authorization and the jobs that must
// follow a change; it knows nothing of HTTP.
package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/passwords"
	"github.com/parvis/parvis/internal/screen"
	"github.com/parvis/parvis/internal/secondopinion"
	"github.com/parvis/parvis/internal/store"
)

// Clock tells the time; tests substitute a controllable one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock, in UTC, at microsecond precision (what
// PostgreSQL keeps, so values read back compare equal).
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Jobs is what the use cases need of the job queue.
type Jobs interface {
	Enqueue(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
	EnqueueMany(ctx context.Context, tx *store.Tx, params []river.InsertManyParams) error
	Mail(ctx context.Context, tx *store.Tx, m mail.Message, now time.Time) error
}

// App wires the use cases' dependencies.
type App struct {
	Store     *store.Store
	Jobs      Jobs
	Mail      *mail.Templates
	Cat       *i18n.Catalogue
	Clock     Clock
	Passwords *passwords.Hasher
	BaseURL   string // public URL, no trailing slash
	MediaDir  string
	Logger    *slog.Logger
	// Screener screens comments (internal/screen); immutable, shared.
	Screener *screen.Screener
	// Opinion asks the collectivité's own language model server for a
	// second opinion on uncertain comments; nil when the operator configured
	// none (docs/MODERATION.md, "Second opinion").
	Opinion *secondopinion.Client
	// Fetcher gets agenda URLs for event imports; nil uses the SSRF-guarded
	// safehttp client (tests on loopback set one that allows private hosts).
	Fetcher Fetcher

	// Mass mail (see mailings.go). MassSender is nil when mass mail cannot be sent.
	MassSender mail.Bulk
	MailConfig MailConfig
	// Instance names this process when it registered its liveness with the
	// store (store.RegisterInstance); mailing leases carry it so that a
	// restarted process can take over a dead one's at once. "" when not
	// registered: leases then only expire.
	Instance string
	links    *Links
	// Fed configures federation (docs/FEDERATION.md).
	Fed FedOptions
	fed fedState
}

// Now is the app's current time.
func (a *App) Now() time.Time { return a.Clock.Now().UTC().Truncate(time.Microsecond) }

// NewID returns a time-ordered unique id (UUIDv7).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// NewSecret returns a random URL-safe secret and the hash to store for it.
func NewSecret() (secret, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // cannot happen on supported platforms
	}
	secret = base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret)
}

// HashSecret is how secrets (session ids, e-mailed tokens) are stored.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// sendMail renders template name for lang and queues it in tx.
func (a *App) sendMail(ctx context.Context, tx *store.Tx, to, lang, name string, data any, headers ...mail.Header) error {
	if lang == "" {
		lang = i18n.Default
	}
	r, err := a.Mail.Render(name, lang, data)
	if err != nil {
		return err
	}
	return a.Jobs.Mail(ctx, tx, mail.Message{To: to, Subject: r.Subject, Text: r.Text, HTML: r.HTML, Headers: headers}, a.Now())
}

// audit appends to the audit log inside tx.
func (a *App) audit(ctx context.Context, tx *store.Tx, orgID, actorID, action, target, detail string) error {
	return tx.Audit(ctx, model.AuditEntry{ID: NewID(), OrgID: orgID, ActorID: actorID, Action: action,
		Target: target, Detail: detail, CreatedAt: a.Now()})
}

func mailMessage(to, subject, text, html string) mail.Message {
	return mail.Message{To: to, Subject: subject, Text: text, HTML: html}
}
