// Package core holds what every feature of the application shares: the
// store, the job queue, mail templates, the catalogue, the clock, the
// public URL and the logger, with the few acts every use case performs
// (ask the policy, write the audit log, queue an e-mail, make an id).
// Feature packages under app/ embed a *Core; none of them reaches another
// feature through it.
package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Clock tells the time; tests substitute a controllable one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock, in UTC, at microsecond precision (what
// PostgreSQL keeps, so values read back compare equal).
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Jobs is what the use cases need of the job queue: inserting in the
// transaction of the change that causes the job.
type Jobs interface {
	Enqueue(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error
	EnqueueMany(ctx context.Context, tx *store.Tx, params []river.InsertManyParams) error
	Mail(ctx context.Context, tx *store.Tx, m mail.Message, now time.Time) error
}

// Core is the shared part of every feature service. It is built once by
// app.New and never changed afterwards.
type Core struct {
	Store   *store.Store
	Jobs    Jobs
	Mail    *mail.Templates
	Cat     *i18n.Catalogue
	Clock   Clock
	BaseURL string // public URL, no trailing slash
	Logger  *slog.Logger
}

// Now is the application's current time.
func (c *Core) Now() time.Time { return c.Clock.Now().UTC().Truncate(time.Microsecond) }

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

// SendMail renders template name for lang and queues it in tx, from the
// instance.
func (c *Core) SendMail(ctx context.Context, tx *store.Tx, to, lang, name string, data any, headers ...mail.Header) error {
	return c.sendMail(ctx, tx, mail.Message{To: to, Headers: headers}, lang, name, data)
}

// SendOrgMail is SendMail for an e-mail sent for an organisation (an
// answer, a subscription, an event, a moderation decision): it goes out
// under the organisation's name, and answers reach its contact address.
func (c *Core) SendOrgMail(ctx context.Context, tx *store.Tx, org model.Organisation, to, lang, name string, data any, headers ...mail.Header) error {
	return c.sendMail(ctx, tx, OrgMessage(org, mail.Message{To: to, Headers: headers}), lang, name, data)
}

// OrgMessage makes m go out for org: From under its name (the address
// stays the instance's, which the mail server may send from) and
// Reply-To its contact address when its profile has one, so that "reply
// to this message" reaches it (docs/EMAIL.md).
func OrgMessage(org model.Organisation, m mail.Message) mail.Message {
	m.FromName = org.Name
	if mail.ValidEmail(org.ContactEmail) {
		m.ReplyTo = org.ContactEmail
	}
	return m
}

// SendMessage is SendMail for a message whose envelope the caller prepared
// (OrgMessage, and a Reply-To of its own).
func (c *Core) SendMessage(ctx context.Context, tx *store.Tx, m mail.Message, lang, name string, data any) error {
	return c.sendMail(ctx, tx, m, lang, name, data)
}

func (c *Core) sendMail(ctx context.Context, tx *store.Tx, m mail.Message, lang, name string, data any) error {
	if lang == "" {
		lang = i18n.Default
	}
	r, err := c.Mail.Render(name, lang, data)
	if err != nil {
		return err
	}
	m.Subject, m.Text, m.HTML = r.Subject, r.Text, r.HTML
	return c.Jobs.Mail(ctx, tx, m, c.Now())
}

// Audit appends to the audit log inside tx.
func (c *Core) Audit(ctx context.Context, tx *store.Tx, orgID, actorID, action, target, detail string) error {
	return tx.Audit(ctx, model.AuditEntry{ID: NewID(), OrgID: orgID, ActorID: actorID, Action: action,
		Target: target, Detail: detail, CreatedAt: c.Now()})
}

// Authorize checks, through q (the transaction's queries, or the pool for
// a read outside one), that the actor may take act in the organisation,
// as policy says. The web layer asks the same table to refuse early;
// asking again here keeps the use case safe whoever calls it. A person who
// is not staff there, or lacks the role, gets model.ErrForbidden.
func Authorize(ctx context.Context, q *store.Queries, actorID, orgID string, act policy.Action) (model.Membership, error) {
	m, err := q.Membership(ctx, actorID, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return m, model.ErrForbidden
	}
	if err != nil {
		return m, err
	}
	if !policy.Allows(&m, orgID, act) {
		return m, model.ErrForbidden
	}
	return m, nil
}
