package mail

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"
)

func TestParseInboundMultipartLatin1(t *testing.T) {
	raw := "From: =?iso-8859-1?q?C=E9line?= <Celine@Example.FR>\r\n" +
		"Subject: Re: Votre demande\r\nMessage-ID: <abc@example.fr>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Merci, c'est r=E9gl=E9.\r\n\r\nLe 7 d=E9c. 2026 =E0 10:12, Mairie a =E9crit :\r\n> Bonjour\r\n" +
		"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>ignored</p>\r\n--b1--\r\n"
	m, err := ParseInbound([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.From != "celine@example.fr" || m.MessageID != "<abc@example.fr>" || m.Text != "Merci, c'est réglé." || m.AutoReply {
		t.Errorf("got %+v", m)
	}
}

func TestParseInboundHTMLOnlyBase64(t *testing.T) {
	raw := "From: a@example.fr\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"PHA+Qydlc3QgcsOpZ2zDqS48L3A+\r\n"
	m, err := ParseInbound([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "C'est réglé." || !strings.HasPrefix(m.MessageID, "sha256:") {
		t.Errorf("got %+v", m)
	}
}

func TestIsAutoReply(t *testing.T) {
	cases := map[string]bool{
		"Auto-Submitted: auto-replied\r\n":          true,
		"Auto-Submitted: no\r\n":                    false,
		"X-Autoreply: yes\r\n":                      true,
		"Precedence: bulk\r\n":                      true,
		"Precedence: auto_reply\r\n":                true,
		"Subject: Réponse automatique : absent\r\n": true,
		"Subject: Re: Votre demande\r\n":            false,
	}
	for h, want := range cases {
		m, err := ParseInbound([]byte("From: a@example.fr\r\n" + h + "\r\nTexte\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		if m.AutoReply != want {
			t.Errorf("%q: auto %v, want %v", h, m.AutoReply, want)
		}
	}
}

type fakeReplies struct {
	mu  sync.Mutex
	got []InboundMessage
}

func (f *fakeReplies) KnownReplyToken(_ context.Context, token string) (bool, error) {
	return token == "good", nil
}

func (f *fakeReplies) ReceiveReply(_ context.Context, token string, m InboundMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, m)
	return nil
}

// The receiver takes bounces and replies on one port and refuses other
// recipients with a 5xx.
func TestInboundReceiver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var bounces []string
	replies := &fakeReplies{}
	rec := ServeInbound(ln, "parvis.test", Inbound{Replies: replies, Bounce: func(_ context.Context, token, kind, status, _ string) error {
		bounces = append(bounces, token+" "+kind+" "+status)
		return nil
	}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer rec.Close()

	if err := smtp.SendMail(rec.Addr(), nil, "a@example.fr", []string{"reply+good@parvis.test"},
		[]byte("From: a@example.fr\r\nMessage-ID: <1@x>\r\n\r\nBien reçu.\r\n")); err != nil {
		t.Fatal(err)
	}
	if len(replies.got) != 1 || replies.got[0].Text != "Bien reçu." {
		t.Errorf("replies %+v", replies.got)
	}
	for _, to := range []string{"reply+bad@parvis.test", "reply+good@other.test", "postmaster@parvis.test"} {
		err := smtp.SendMail(rec.Addr(), nil, "a@example.fr", []string{to}, []byte("Subject: x\r\n\r\nx\r\n"))
		var tpErr interface{ Error() string }
		if err == nil || !errors.As(err, &tpErr) || !strings.HasPrefix(err.Error(), "550") {
			t.Errorf("%s: got %v, want a 550", to, err)
		}
	}
	dsn := "From: MAILER-DAEMON@example.fr\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; example.fr\r\n\r\nFinal-Recipient: rfc822; x@example.fr\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
	if err := smtp.SendMail(rec.Addr(), nil, "", []string{"bounce+tok@parvis.test"}, []byte(dsn)); err != nil {
		t.Fatal(err)
	}
	if len(bounces) != 1 || bounces[0] != "tok hard 5.1.1" {
		t.Errorf("bounces %v", bounces)
	}
}
