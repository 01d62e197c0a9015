package mail

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Bulk opens connections for mass sending (newsletters, alert fan-out).
type Bulk interface {
	OpenBulk(ctx context.Context) (BulkConn, error)
}

// BulkConn sends raw messages one after the other on one connection, in two
// steps, so that the caller can record "sent" durably between them:
// Prepare transmits the envelope and the whole content but withholds the
// end-of-data marker; Commit sends it and reads the server's verdict. A
// process killed between the two leaves the server with an unterminated
// DATA, which it discards (RFC 5321 §4.1.1.4): the message was not
// delivered, and the caller's record says so unless it was already written.
type BulkConn interface {
	// Prepare sends envelope and content. A refused recipient is a *ReplyError
	// (wrapped in *PermanentError for 5xx); any other error means the
	// connection is broken and must be closed.
	Prepare(from, to string, data []byte) error
	// End sends the end-of-data marker without waiting for the answer, so a
	// caller can end several connections' messages right after one database
	// commit; Verdict then reads the server's answer. A *ReplyError is the
	// server's refusal; any other error leaves the outcome unknown.
	End() error
	Verdict() error
	Close() error
}

// ReplyError is an SMTP reply other than success.
type ReplyError struct {
	Code int
	Msg  string
}

func (e *ReplyError) Error() string { return strconv.Itoa(e.Code) + " " + e.Msg }

func replyErr(code int, msg string) error {
	e := &ReplyError{Code: code, Msg: msg}
	if code >= 500 {
		return &PermanentError{Err: e}
	}
	return e
}

// IsReply reports whether err is an answer of the server (as opposed to a
// broken connection).
func IsReply(err error) bool {
	var r *ReplyError
	return errors.As(err, &r)
}

// OpenBulk dials a dedicated connection for mass sending. It speaks SMTP
// directly (pipelining MAIL, RCPT and DATA when the server offers
// PIPELINING) because the two-step end of data is not something a generic
// client exposes.
func (s *SMTP) OpenBulk(ctx context.Context) (BulkConn, error) {
	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	d := net.Dialer{Timeout: 30 * time.Second}
	var (
		conn net.Conn
		err  error
	)
	if s.implicitTLS {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: &tls.Config{ServerName: s.host}}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("smtp dial %s: %w", addr, err)
	}
	c := &bulkConn{conn: conn, r: bufio.NewReaderSize(conn, 4096), w: bufio.NewWriterSize(conn, 32<<10)}
	if err := c.start(s); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

type bulkConn struct {
	conn       net.Conn
	r          *bufio.Reader
	w          *bufio.Writer
	pipelining bool
	ext        map[string]string
}

func (c *bulkConn) deadline() { _ = c.conn.SetDeadline(time.Now().Add(60 * time.Second)) }

func (c *bulkConn) start(s *SMTP) error {
	c.deadline()
	if code, msg, err := c.reply(); err != nil {
		return err
	} else if code != 220 {
		return fmt.Errorf("smtp greeting: %d %s", code, msg)
	}
	if err := c.ehlo(); err != nil {
		return err
	}
	if _, ok := c.ext["STARTTLS"]; ok && !s.implicitTLS {
		if err := c.cmd(220, "STARTTLS"); err != nil {
			return err
		}
		tc := tls.Client(c.conn, &tls.Config{ServerName: s.host})
		c.conn = tc
		c.r.Reset(tc)
		c.w.Reset(tc)
		if err := c.ehlo(); err != nil {
			return err
		}
	}
	if s.user != "" {
		token := base64.StdEncoding.EncodeToString([]byte("\x00" + s.user + "\x00" + s.pass))
		if err := c.cmd(235, "AUTH PLAIN "+token); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	_, c.pipelining = c.ext["PIPELINING"]
	return nil
}

func (c *bulkConn) ehlo() error {
	c.w.WriteString("EHLO " + helo() + "\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	code, msg, err := c.reply()
	if err != nil {
		return err
	}
	if code != 250 {
		return fmt.Errorf("smtp EHLO: %d %s", code, msg)
	}
	c.ext = map[string]string{}
	for _, line := range strings.Split(msg, "\n")[1:] {
		k, v, _ := strings.Cut(line, " ")
		c.ext[strings.ToUpper(k)] = v
	}
	return nil
}

func (c *bulkConn) cmd(want int, line string) error {
	c.w.WriteString(line + "\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	code, msg, err := c.reply()
	if err != nil {
		return err
	}
	if code != want {
		return replyErr(code, msg)
	}
	return nil
}

// reply reads one (possibly multi-line) reply.
func (c *bulkConn) reply() (int, string, error) {
	var (
		code int
		msg  strings.Builder
	)
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, "", fmt.Errorf("smtp read: %w", err)
		}
		if len(line) < 4 {
			return 0, "", fmt.Errorf("smtp: short reply %q", line)
		}
		n, err := strconv.Atoi(string(line[:3]))
		if err != nil {
			return 0, "", fmt.Errorf("smtp: bad reply %q", line)
		}
		code = n
		if msg.Len() > 0 {
			msg.WriteByte('\n')
		}
		msg.Write(bytes.TrimRight(line[4:], "\r\n"))
		if line[3] != '-' {
			return code, msg.String(), nil
		}
	}
}

func (c *bulkConn) Prepare(from, to string, data []byte) error {
	c.deadline()
	if strings.ContainsAny(to, "\r\n<>") || strings.ContainsAny(from, "\r\n<>") {
		return &PermanentError{Err: &ReplyError{Code: 553, Msg: "invalid address"}}
	}
	var replies [3]struct {
		code int
		msg  string
	}
	lines := []string{"MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA"}
	if c.pipelining {
		for _, l := range lines {
			c.w.WriteString(l + "\r\n")
		}
		if err := c.w.Flush(); err != nil {
			return err
		}
		for i := range replies {
			code, msg, err := c.reply()
			if err != nil {
				return err
			}
			replies[i].code, replies[i].msg = code, msg
		}
	} else {
		for i, l := range lines {
			c.w.WriteString(l + "\r\n")
			if err := c.w.Flush(); err != nil {
				return err
			}
			code, msg, err := c.reply()
			if err != nil {
				return err
			}
			replies[i].code, replies[i].msg = code, msg
			if (i < 2 && code != 250) || (i == 2 && code != 354) {
				break
			}
		}
	}
	if replies[0].code == 250 && replies[1].code == 250 && replies[2].code == 354 {
		writeDotStuffed(c.w, data)
		return c.w.Flush()
	}
	// Something was refused: bring the session back to a clean state.
	if replies[2].code == 354 {
		// Only possible when MAIL or RCPT failed yet DATA was accepted,
		// which servers do not do; end it empty to stay in sync.
		c.w.WriteString(".\r\n")
		_ = c.w.Flush()
		_, _, _ = c.reply()
	}
	if err := c.cmd(250, "RSET"); err != nil && !IsReply(err) {
		return err
	}
	if replies[0].code != 250 {
		return replyErr(replies[0].code, replies[0].msg)
	}
	return replyErr(replies[1].code, replies[1].msg)
}

func (c *bulkConn) End() error {
	c.w.WriteString(".\r\n")
	return c.w.Flush()
}

func (c *bulkConn) Verdict() error {
	code, msg, err := c.reply()
	if err != nil {
		return err
	}
	if code != 250 {
		return replyErr(code, msg)
	}
	return nil
}

func (c *bulkConn) Close() error {
	_ = c.conn.SetDeadline(time.Now().Add(2 * time.Second))
	c.w.WriteString("QUIT\r\n")
	_ = c.w.Flush()
	return c.conn.Close()
}

// writeDotStuffed writes data doubling a leading dot on every line, and
// ends it with CRLF.
func writeDotStuffed(w *bufio.Writer, data []byte) {
	if len(data) > 0 && data[0] == '.' {
		w.WriteByte('.')
	}
	for {
		i := bytes.Index(data, []byte("\n."))
		if i < 0 {
			break
		}
		w.Write(data[:i+1])
		w.WriteByte('.')
		data = data[i+1:]
	}
	w.Write(data)
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		w.WriteString("\r\n")
	}
}

// OpenBulk gives the outbox the same two-step interface: the file is
// written on Commit.
func (o *Outbox) OpenBulk(context.Context) (BulkConn, error) {
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return &outboxConn{dir: o.Dir}, nil
}

type outboxConn struct {
	dir  string
	data []byte
	n    int
}

func (c *outboxConn) Prepare(_, _ string, data []byte) error {
	c.data = append(c.data[:0], data...)
	return nil
}

func (c *outboxConn) Verdict() error { return nil }

func (c *outboxConn) End() error {
	c.n++
	name := fmt.Sprintf("%s-%d-%d.eml", time.Now().UTC().Format("20060102T150405.000000000"), os.Getpid(), c.n)
	tmp := filepath.Join(c.dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, c.data, 0o640); err != nil {
		return fmt.Errorf("outbox write: %w", err)
	}
	return os.Rename(tmp, filepath.Join(c.dir, name))
}

func (c *outboxConn) Close() error { return nil }
