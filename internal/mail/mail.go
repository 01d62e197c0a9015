// Package mail builds and sends e-mail: messages rendered from embedded
// templates in the recipient's language, delivered over SMTP or written as
// RFC 5322 files into an outbox directory when no SMTP server is configured.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Header is one extra message header (List-Unsubscribe…).
type Header struct{ Name, Value string }

// Message is a multipart text + HTML e-mail.
type Message struct {
	To       string
	Subject  string
	Text     string
	HTML     string
	Headers  []Header
	ReturnTo string // envelope sender (VERP bounce address); "" uses From
	// FromName replaces the display name of the sender's From address: an
	// organisation's e-mails go out as "Ville de Bellerive <no-reply@…>",
	// from the instance's own address (which the mail server may send).
	// "" keeps the configured From as it is.
	FromName string
	// ReplyTo is where answers go (an organisation's contact address);
	// "" sends none, and answers go to From.
	ReplyTo string
	// Attachment is one optional file (the .ics of an event registration).
	Attachment *Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string // file name shown to the recipient
	ContentType string // e.g. "text/calendar; charset=utf-8; method=PUBLISH"
	Data        []byte
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// PermanentError marks a refusal that retrying will not fix (SMTP 5xx): the
// caller records it instead of retrying.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// build turns m into a go-mail message from `from`.
func build(from string, m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(FromAs(from, m.FromName)); err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	if m.ReplyTo != "" {
		// A contact address that does not parse must not stop the
		// message: it goes without Reply-To.
		_ = msg.ReplyTo(m.ReplyTo)
	}
	if err := msg.To(m.To); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("to %q: %w", m.To, err)}
	}
	if m.ReturnTo != "" {
		if err := msg.EnvelopeFrom(m.ReturnTo); err != nil {
			return nil, fmt.Errorf("envelope from: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	for _, h := range m.Headers {
		msg.SetGenHeader(gomail.Header(h.Name), h.Value)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if a := m.Attachment; a != nil {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attach %q: %w", a.Name, err)
		}
	}
	return msg, nil
}

// Outbox writes each message as an .eml file: the default when no SMTP server
// is configured, so a newcomer can read what Parvis would have sent.
type Outbox struct {
	Dir  string
	From string
}

// Send writes m to a new file in the outbox. The file is written under a
// temporary name and renamed, so readers never see half a message.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	msg, err := build(o.From, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := time.Now().UTC().Format("20060102T150405.000000000") + "-" + hex.EncodeToString(b[:]) + ".eml"
	tmp := filepath.Join(o.Dir, "."+name+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if _, err := msg.WriteTo(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("outbox write: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("outbox close: %w", err)
	}
	return os.Rename(tmp, filepath.Join(o.Dir, name))
}

// SMTP sends through a relay given as smtp://user:pass@host:port, using
// STARTTLS when the server offers it. It keeps a few connections open and
// reuses them, since dialling per message would cap throughput.
type SMTP struct {
	From string
	host string
	port int
	user string
	pass string
	// implicitTLS is smtps:// (TLS from the first byte).
	implicitTLS bool
	opts        []gomail.Option
	mu          sync.Mutex
	idle        []*gomail.Client
	maxIdle     int
}

// NewSMTP parses an smtp:// URL.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("invalid SMTP URL %q: want smtp://user:pass@host:port", redact(rawURL))
	}
	port := 25
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("invalid SMTP port %q", p)
		}
	}
	s := &SMTP{From: from, host: u.Hostname(), port: port, maxIdle: 8, implicitTLS: u.Scheme == "smtps"}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(30 * time.Second), gomail.WithHELO(helo())}
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSLPort(false))
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		s.user, s.pass = u.User.Username(), pass
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	s.opts = opts
	return s, nil
}

func helo() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

// redact hides a password in a URL for error messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redact is exported for logging the configured SMTP URL.
func Redact(raw string) string { return redact(raw) }

func (s *SMTP) conn(ctx context.Context) (*gomail.Client, error) {
	s.mu.Lock()
	if n := len(s.idle); n > 0 {
		c := s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("smtp dial %s: %w", s.host, err)
	}
	return c, nil
}

func (s *SMTP) release(c *gomail.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) < s.maxIdle {
		s.idle = append(s.idle, c)
		return
	}
	_ = c.Close()
}

// Send delivers m. A 5xx answer is a *PermanentError.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(s.From, m)
	if err != nil {
		return err
	}
	// A pooled connection may have been closed by the server: retry once
	// on a fresh one before reporting.
	for attempt := 0; ; attempt++ {
		c, err := s.conn(ctx)
		if err != nil {
			return err
		}
		err = c.Send(msg)
		if err == nil {
			s.release(c)
			return nil
		}
		_ = c.Close()
		var sendErr *gomail.SendError
		if errors.As(err, &sendErr) && !sendErr.IsTemp() && sendErr.Reason != gomail.ErrConnCheck && sendErr.Reason != gomail.ErrNoUnencoded {
			if code := sendErr.ErrorCode(); code >= 500 && code < 600 {
				return &PermanentError{Err: err}
			}
		}
		if attempt == 1 || ctx.Err() != nil {
			return fmt.Errorf("smtp send: %w", err)
		}
	}
}

// Close ends pooled connections.
func (s *SMTP) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.idle {
		_ = c.Close()
	}
	s.idle = nil
}

// Address extracts the bare address from "Name <addr>" or returns s trimmed.
func Address(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "<"); i >= 0 && strings.HasSuffix(s, ">") {
		return s[i+1 : len(s)-1]
	}
	return s
}
