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

// BounceListener is the built-in SMTP receiver of bounce reports: the mail
// server that refused a message sends a DSN (RFC 3464) to the envelope
// sender, bounce+TOKEN@domain, which points here (MX or relay transport).
type BounceListener struct {
	srv *smtp.Server
	ln  net.Listener
}

// ListenBounces starts the receiver on addr. Only bounce+…@domain
// recipients are accepted (any domain when domain is "").
func ListenBounces(addr, domain string, h BounceHandler, logger *slog.Logger) (*BounceListener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := smtp.NewServer(&bounceBackend{domain: strings.ToLower(domain), handle: h, log: logger})
	srv.Domain = domain
	if srv.Domain == "" {
		srv.Domain = "localhost"
	}
	srv.MaxMessageBytes = 2 << 20
	srv.MaxRecipients = 10
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	go func() { _ = srv.Serve(ln) }()
	return &BounceListener{srv: srv, ln: ln}, nil
}

// Addr is where the receiver listens.
func (b *BounceListener) Addr() string { return b.ln.Addr().String() }

// Close stops the receiver.
func (b *BounceListener) Close() error { return b.srv.Close() }

type bounceBackend struct {
	domain string
	handle BounceHandler
	log    *slog.Logger
}

func (b *bounceBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &bounceSession{b: b}, nil
}

type bounceSession struct {
	b      *bounceBackend
	tokens []string
}

func (s *bounceSession) Reset()                               { s.tokens = nil }
func (s *bounceSession) Logout() error                        { return nil }
func (s *bounceSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *bounceSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	token, ok := VERPToken(to, s.b.domain)
	if !ok {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.tokens = append(s.tokens, token)
	return nil
}

func (s *bounceSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, 2<<20))
	if err != nil {
		return err
	}
	reports := ParseDSN(raw)
	for _, tok := range s.tokens {
		for _, rep := range reports {
			if err := s.b.handle(context.Background(), tok, rep.Kind, rep.Status, rep.Reason); err != nil {
				s.b.log.Warn("bounce not recorded", "error", err)
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
			}
		}
	}
	return nil
}

// VERPToken extracts TOKEN from bounce+TOKEN@domain.
func VERPToken(addr, domain string) (string, bool) {
	addr = strings.ToLower(strings.Trim(addr, "<> "))
	local, dom, ok := strings.Cut(addr, "@")
	if !ok || (domain != "" && dom != domain) || !strings.HasPrefix(local, "bounce+") {
		return "", false
	}
	token := strings.TrimPrefix(local, "bounce+")
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
