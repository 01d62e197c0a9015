package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// BounceHandler receives one bounce: the VERP token of the return address,
// "hard" or "soft", the DSN status (5.1.1…) and the diagnostic.
type BounceHandler func(ctx context.Context, token, kind, status, reason string) error

// ReplyReceiver takes residents' e-mailed replies to reply+TOKEN@domain
// (docs/CONSOLE.md, "Réponses par courriel"). The SMTP layer only parses;
// the receiver decides what the token is worth and who may write.
type ReplyReceiver interface {
	// KnownReplyToken reports whether TOKEN names a conversation that
	// still takes replies; an unknown or revoked one is refused at RCPT.
	KnownReplyToken(ctx context.Context, token string) (bool, error)
	// ReceiveReply files one parsed message for TOKEN.
	ReceiveReply(ctx context.Context, token string, m InboundMessage) error
}

// ErrUnknownReply is what ReceiveReply returns for a token that stopped
// working between RCPT and DATA: the message is refused (5xx), not retried.
var ErrUnknownReply = errors.New("unknown reply address")

// Inbound is what the built-in receiver hands on: bounces (always) and,
// when Replies is set, residents' replies.
type Inbound struct {
	Bounce  BounceHandler
	Replies ReplyReceiver
}

// MaxInboundBytes bounds one received message (headers, parts and
// attachments): a reply is a few lines, a DSN a few kilobytes.
const MaxInboundBytes = 2 << 20

// InboundListener is the built-in SMTP receiver. Two kinds of messages
// reach it (MX or relay transport, docs/OPERATIONS.md):
//
//   - bounce reports: the mail server that refused a message sends a DSN
//     (RFC 3464) to the envelope sender, bounce+TOKEN@domain;
//   - replies: a resident answers a message about a console item, whose
//     Reply-To is reply+TOKEN@domain.
type InboundListener struct {
	srv *smtp.Server
	ln  net.Listener
}

// ListenInbound starts the receiver on addr (see ServeInbound).
func ListenInbound(addr, domain string, h Inbound, logger *slog.Logger) (*InboundListener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return ServeInbound(ln, domain, h, logger), nil
}

// ServeInbound serves the receiver on ln. Only bounce+…@domain and, with
// h.Replies, reply+…@domain recipients are accepted (any domain when domain
// is "").
func ServeInbound(ln net.Listener, domain string, h Inbound, logger *slog.Logger) *InboundListener {
	srv := smtp.NewServer(&inboundBackend{domain: strings.ToLower(domain), h: h, log: logger})
	srv.Domain = domain
	if srv.Domain == "" {
		srv.Domain = "localhost"
	}
	srv.MaxMessageBytes = MaxInboundBytes
	srv.MaxRecipients = 10
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	go func() { _ = srv.Serve(ln) }()
	return &InboundListener{srv: srv, ln: ln}
}

// Addr is where the receiver listens.
func (b *InboundListener) Addr() string { return b.ln.Addr().String() }

// Close stops the receiver.
func (b *InboundListener) Close() error { return b.srv.Close() }

type inboundBackend struct {
	domain string
	h      Inbound
	log    *slog.Logger
}

func (b *inboundBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &inboundSession{b: b}, nil
}

type inboundSession struct {
	b       *inboundBackend
	bounces []string // VERP tokens
	replies []string // reply tokens
}

var errNoMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
var errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}

func (s *inboundSession) Reset()                               { s.bounces, s.replies = nil, nil }
func (s *inboundSession) Logout() error                        { return nil }
func (s *inboundSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboundSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if token, ok := VERPToken(to, s.b.domain); ok {
		s.bounces = append(s.bounces, token)
		return nil
	}
	token, ok := ReplyToken(to, s.b.domain)
	if !ok || s.b.h.Replies == nil {
		return errNoMailbox
	}
	known, err := s.b.h.Replies.KnownReplyToken(context.Background(), token)
	if err != nil {
		s.b.log.Warn("reply address not checked", "error", err)
		return errTryLater
	}
	if !known {
		return errNoMailbox
	}
	s.replies = append(s.replies, token)
	return nil
}

func (s *inboundSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, MaxInboundBytes+1))
	if err != nil {
		return err
	}
	if len(raw) > MaxInboundBytes {
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message too big"}
	}
	if len(s.bounces) > 0 {
		if err := s.bounce(raw); err != nil {
			return err
		}
	}
	if len(s.replies) == 0 {
		return nil
	}
	m, err := ParseInbound(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message not understood"}
	}
	for _, tok := range s.replies {
		err := s.b.h.Replies.ReceiveReply(context.Background(), tok, m)
		if errors.Is(err, ErrUnknownReply) {
			return errNoMailbox
		}
		if err != nil {
			s.b.log.Warn("reply not recorded", "error", err)
			return errTryLater
		}
	}
	return nil
}

func (s *inboundSession) bounce(raw []byte) error {
	reports := ParseDSN(raw)
	for _, tok := range s.bounces {
		for _, rep := range reports {
			if err := s.b.h.Bounce(context.Background(), tok, rep.Kind, rep.Status, rep.Reason); err != nil {
				s.b.log.Warn("bounce not recorded", "error", err)
				return errTryLater
			}
		}
	}
	return nil
}

// ReplyToken extracts TOKEN from reply+TOKEN@domain.
func ReplyToken(addr, domain string) (string, bool) {
	return plusToken(addr, domain, "reply+")
}

// ReplyAddress is the address a resident's reply for token goes to.
func ReplyAddress(token, domain string) string { return "reply+" + token + "@" + domain }

// VERPToken extracts TOKEN from bounce+TOKEN@domain.
func VERPToken(addr, domain string) (string, bool) {
	return plusToken(addr, domain, "bounce+")
}

// plusToken reads prefix+TOKEN@domain, case-insensitively (mail servers
// may change the case of local parts, so tokens are lower-case).
func plusToken(addr, domain, prefix string) (string, bool) {
	addr = strings.ToLower(strings.Trim(addr, "<> "))
	local, dom, ok := strings.Cut(addr, "@")
	if !ok || (domain != "" && dom != domain) || !strings.HasPrefix(local, prefix) {
		return "", false
	}
	token := strings.TrimPrefix(local, prefix)
	return token, token != ""
}

// DSNReport is one failed recipient of a delivery status notification.
type DSNReport struct {
	Kind   string // "hard" (5.x.x) or "soft" (4.x.x)
	Status string
	Reason string
}

// ParseDSN reads the per-recipient fields of a multipart/report DSN
// (RFC 3464). Delayed or delivered actions are not bounces and are left out.
func ParseDSN(raw []byte) []DSNReport {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct != "message/delivery-status" && ct != "message/global-delivery-status" {
			continue
		}
		return parseStatusFields(p)
	}
}

func parseStatusFields(r io.Reader) []DSNReport {
	tp := textproto.NewReader(bufio.NewReader(r))
	// The first group is per-message; the following ones are per-recipient.
	if _, err := tp.ReadMIMEHeader(); err != nil {
		return nil
	}
	var out []DSNReport
	for {
		h, err := tp.ReadMIMEHeader()
		if len(h) > 0 {
			action := strings.ToLower(strings.TrimSpace(h.Get("Action")))
			status := strings.TrimSpace(h.Get("Status"))
			if action == "failed" || strings.HasPrefix(status, "5.") {
				kind := "hard"
				if strings.HasPrefix(status, "4.") {
					kind = "soft"
				}
				reason := strings.TrimSpace(h.Get("Diagnostic-Code"))
				if reason == "" {
					reason = status
				}
				out = append(out, DSNReport{Kind: kind, Status: status, Reason: reason})
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return out
			}
			return out
		}
	}
}
