// Package smtpsink is a real SMTP server (github.com/emersion/go-smtp) that
// tests start in-process on loopback to receive what Parvis sends.
package smtpsink

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one received e-mail.
type Message struct {
	From    string
	To      []string
	Raw     []byte
	Header  mail.Header
	Subject string
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
}

// Sink collects messages.
type Sink struct {
	Addr   string // host:port
	mu     sync.Mutex
	msgs   []Message
	notify chan struct{}
	srv    *smtp.Server
	// Reject, when set, refuses RCPT TO for matching addresses with a 550.
	Reject   func(to string) bool
	received func(n int) // see OnReceived
}

// OnReceived sets a function called with the number of messages received
// so far, after each message is stored and before the server answers it:
// a test can kill the sender in the window where the message is taken but
// not yet acknowledged. nil removes it.
func (s *Sink) OnReceived(fn func(n int)) {
	s.mu.Lock()
	s.received = fn
	s.mu.Unlock()
}

// Start listens on a random loopback port; the server stops at cleanup.
func Start(t testing.TB) *Sink {
	t.Helper()
	s := &Sink{notify: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// URL is the --smtp value pointing at the sink.
func (s *Sink) URL() string { return "smtp://" + s.Addr }

// NewSession implements smtp.Backend.
func (s *Sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }

type session struct {
	sink *Sink
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.sink.Reject != nil && x.sink.Reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: x.from, To: x.to, Raw: raw}
	if parsed, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = parsed.Header
		dec := new(mime.WordDecoder)
		m.Subject, _ = dec.DecodeHeader(parsed.Header.Get("Subject"))
		m.Text, m.HTML = bodies(parsed.Header.Get("Content-Type"), parsed.Header.Get("Content-Transfer-Encoding"), parsed.Body)
	}
	x.sink.mu.Lock()
	x.sink.msgs = append(x.sink.msgs, m)
	n, hook := len(x.sink.msgs), x.sink.received
	x.sink.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	select {
	case x.sink.notify <- struct{}{}:
	default:
	}
	return nil
}

// bodies extracts the text and HTML parts of a message.
func bodies(contentType, encoding string, body io.Reader) (text, html string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		b, _ := io.ReadAll(body)
		return string(b), ""
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return text, html
			}
			t, h := bodies(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if text == "" {
				text = t
			}
			if html == "" {
				html = h
			}
		}
	}
	b, _ := io.ReadAll(decode(encoding, body))
	if mt == "text/html" {
		return "", string(b)
	}
	return string(b), ""
}

func decode(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		return newQP(r)
	case "base64":
		return newB64(r)
	}
	return r
}

// Messages returns a copy of everything received.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Len returns how many messages were received.
func (s *Sink) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// ErrTimeout is returned by Wait when nothing matched in time.
var ErrTimeout = errors.New("no matching message")

// Wait returns the first message to `to` whose subject contains subject,
// waiting up to timeout for it to arrive.
func (s *Sink) Wait(t testing.TB, to, subject string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, m := range s.Messages() {
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) && strings.Contains(m.Subject, subject) {
					return m
				}
			}
		}
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("no e-mail to %s with subject containing %q within %s; received %d messages", to, subject, timeout, len(s.Messages()))
		}
		select {
		case <-s.notify:
		case <-time.After(min(left, 100*time.Millisecond)):
		}
	}
}

// Count returns how many messages were sent to `to`.
func (s *Sink) Count(to string) int {
	n := 0
	for _, m := range s.Messages() {
		for _, rcpt := range m.To {
			if strings.EqualFold(rcpt, to) {
				n++
			}
		}
	}
	return n
}
