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

// BulkConn sends whole messages one after the other on one connection.
// With PIPELINING, the end of one message's data travels with the next
// message's MAIL, RCPT and DATA (RFC 2920 allows the content to lead a
// group), so a message costs one round trip and its verdict is read while
// the next one is under way: Send reports verdicts through done, possibly
// during a later Send or Flush on the same connection.
//
// done is called exactly once per message: nil when the server accepted it
// (it is then the server's responsibility), a *ReplyError when it refused
// it (wrapped in *PermanentError for 5xx), any other error when the
// connection broke before the verdict was read, so that whether the
// message was taken is unknown.
type BulkConn interface {
	// Send transmits one message. An error return means the connection is
	// broken and must be closed; done has been called by then.
	Send(from, to string, data []byte, done func(error)) error
	// Flush writes what is buffered and waits for every outstanding
	// verdict (call it when no message is ready to go).
	Flush() error
	Close() error
}

// ReplyError is an SMTP reply other than success.
type ReplyError struct {
	Code int
	Msg  string
	// Content is true for a refusal of the message at the end of data (its
	// content), as opposed to a refusal of the sender or the address.
	Content bool
}

func (e *ReplyError) Error() string { return strconv.Itoa(e.Code) + " " + e.Msg }

func replyErr(code int, msg string) error {
	return wrapReply(&ReplyError{Code: code, Msg: msg})
}

func wrapReply(e *ReplyError) error {
	if e.Code >= 500 {
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
// directly because pipelining whole messages (the end of data with the next
// envelope) is not something a generic client does.
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
	// waiting is the done of the message whose end of data is written
	// (perhaps still buffered) and whose verdict is not read yet.
	waiting func(error)
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

func (c *bulkConn) Send(from, to string, data []byte, done func(error)) error {
	if strings.ContainsAny(to, "\r\n<>") || strings.ContainsAny(from, "\r\n<>") {
		done(&PermanentError{Err: &ReplyError{Code: 553, Msg: "invalid address"}})
		return nil
	}
	c.deadline()
	lines := [3]string{"MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA"}
	var codes [3]int
	var msgs [3]string
	if c.pipelining {
		// One group: [previous content and end of data,] MAIL, RCPT, DATA.
		for _, l := range lines {
			c.w.WriteString(l)
			c.w.WriteString("\r\n")
		}
		if err := c.w.Flush(); err != nil {
			return c.broken(err, done)
		}
		if err := c.verdict(); err != nil {
			return c.broken(err, done)
		}
		for i := range lines {
			code, msg, err := c.reply()
			if err != nil {
				return c.broken(err, done)
			}
			codes[i], msgs[i] = code, msg
		}
	} else {
		for i, l := range lines {
			c.w.WriteString(l + "\r\n")
			if err := c.w.Flush(); err != nil {
				return c.broken(err, done)
			}
			code, msg, err := c.reply()
			if err != nil {
				return c.broken(err, done)
			}
			codes[i], msgs[i] = code, msg
			if (i < 2 && code != 250) || (i == 2 && code != 354) {
				break
			}
		}
	}
	if codes[0] == 250 && codes[1] == 250 && codes[2] == 354 {
		writeDotStuffed(c.w, data)
		c.w.WriteString(".\r\n")
		c.waiting = done
		if !c.pipelining {
			return c.Flush()
		}
		return nil
	}
	// Something was refused: bring the session back to a clean state.
	if codes[2] == 354 {
		// Only possible when MAIL or RCPT failed yet DATA was accepted,
		// which servers do not do; end it empty to stay in sync.
		c.w.WriteString(".\r\n")
		_ = c.w.Flush()
		_, _, _ = c.reply()
	}
	if err := c.cmd(250, "RSET"); err != nil && !IsReply(err) {
		return c.broken(err, done)
	}
	if codes[0] != 250 {
		done(replyErr(codes[0], msgs[0]))
	} else {
		done(replyErr(codes[1], msgs[1]))
	}
	return nil
}

// verdict reads the answer to the message whose end of data was written
// last, if any, and hands it to its done.
func (c *bulkConn) verdict() error {
	if c.waiting == nil {
		return nil
	}
	done := c.waiting
	code, msg, err := c.reply()
	if err != nil {
		return err
	}
	c.waiting = nil
	if code != 250 {
		done(wrapReply(&ReplyError{Code: code, Msg: msg, Content: true}))
	} else {
		done(nil)
	}
	return nil
}

// broken reports err to the message waiting for its verdict and to done.
func (c *bulkConn) broken(err error, done func(error)) error {
	if c.waiting != nil {
		c.waiting(err)
		c.waiting = nil
	}
	if done != nil {
		done(err)
	}
	return err
}

func (c *bulkConn) Flush() error {
	if c.waiting == nil {
		return nil
	}
	c.deadline()
	if err := c.w.Flush(); err != nil {
		return c.broken(err, nil)
	}
	if err := c.verdict(); err != nil {
		return c.broken(err, nil)
	}
	return nil
}

func (c *bulkConn) Close() error {
	_ = c.Flush()
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

// OpenBulk gives the outbox the same interface: each message is a file,
// accepted once it is renamed into place.
func (o *Outbox) OpenBulk(context.Context) (BulkConn, error) {
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return &outboxConn{dir: o.Dir}, nil
}

type outboxConn struct {
	dir string
	n   int
}

func (c *outboxConn) Send(_, _ string, data []byte, done func(error)) error {
	c.n++
	name := fmt.Sprintf("%s-%d-%d.eml", time.Now().UTC().Format("20060102T150405.000000000"), os.Getpid(), c.n)
	tmp := filepath.Join(c.dir, "."+name+".tmp")
	err := os.WriteFile(tmp, data, 0o640)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(c.dir, name))
	}
	if err != nil {
		err = fmt.Errorf("outbox write: %w", err)
		done(err)
		return err
	}
	done(nil)
	return nil
}

func (c *outboxConn) Flush() error { return nil }
func (c *outboxConn) Close() error { return nil }
