package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
)

// Composed is a message encoded once for many recipients. Its bodies hold
// placeholders (Slot(0), Slot(1)…) replaced per recipient by Build, so a
// newsletter to 100,000 people runs its templates once: each message costs
// a few copies and the encoding of the substituted links.
type Composed struct {
	head     []byte   // headers common to every recipient
	boundary string   // multipart boundary
	parts    [][]byte // encoded body segments around the slots
	slots    []int    // slot index between parts[i] and parts[i+1]
}

// Slot is the placeholder for the i-th per-recipient value in a body.
// It is made of letters and underscores only, so that no escaping (HTML,
// URL, quoted-printable) alters it.
func Slot(i int) string { return slotPrefix + string(rune('A'+i)) + "_" }

const slotPrefix = "PARVIS_SLOT_"

// Compose encodes subject and bodies. extra headers are common to all.
func Compose(from, subject, text, html string, extra []Header) *Composed {
	var b [12]byte
	_, _ = rand.Read(b[:])
	c := &Composed{boundary: "parvis-" + hex.EncodeToString(b[:])}
	var h bytes.Buffer
	h.WriteString("From: " + from + "\r\n")
	h.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	h.WriteString("MIME-Version: 1.0\r\n")
	h.WriteString("Auto-Submitted: auto-generated\r\n")
	for _, x := range extra {
		h.WriteString(x.Name + ": " + x.Value + "\r\n")
	}
	h.WriteString("Content-Type: multipart/alternative; boundary=\"" + c.boundary + "\"\r\n")
	c.head = h.Bytes()

	var body bytes.Buffer
	c.parts = nil
	add := func(s string) {
		// Split s at the slots; encode each run of text separately and
		// end it with a soft line break, so a substituted value always
		// starts a fresh encoded line.
		for {
			i := strings.Index(s, slotPrefix)
			n := len(slotPrefix)
			if i < 0 || len(s) < i+n+2 || s[i+n+1] != '_' {
				encodeQP(&body, s)
				return
			}
			encodeQP(&body, s[:i])
			body.WriteString("=\r\n")
			c.parts = append(c.parts, append([]byte(nil), body.Bytes()...))
			c.slots = append(c.slots, int(s[i+n]-'A'))
			body.Reset()
			s = s[i+n+2:]
		}
	}
	body.WriteString("\r\n--" + c.boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	add(text)
	body.WriteString("\r\n--" + c.boundary + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	add(html)
	body.WriteString("\r\n--" + c.boundary + "--\r\n")
	c.parts = append(c.parts, body.Bytes())
	return c
}

func encodeQP(b *bytes.Buffer, s string) {
	w := quotedprintable.NewWriter(b)
	_, _ = w.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")))
	_ = w.Close()
}

// Build appends the message for one recipient to dst: To, Message-ID, Date,
// the per-recipient headers, and the bodies with values in their slots.
// Values must be ASCII (links).
func (c *Composed) Build(dst []byte, to, messageID string, date time.Time, headers []Header, values []string) []byte {
	dst = append(dst, "To: "...)
	dst = append(dst, to...)
	dst = append(dst, "\r\nMessage-ID: <"...)
	dst = append(dst, messageID...)
	dst = append(dst, ">\r\nDate: "...)
	dst = date.AppendFormat(dst, time.RFC1123Z)
	dst = append(dst, "\r\n"...)
	for _, h := range headers {
		dst = append(dst, h.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, h.Value...)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, c.head...)
	for i, p := range c.parts {
		dst = append(dst, p...)
		if i < len(c.slots) {
			v := ""
			if c.slots[i] < len(values) {
				v = values[c.slots[i]]
			}
			dst = appendQPValue(dst, v)
		}
	}
	return dst
}

// appendQPValue quoted-printable encodes an ASCII value on lines of at most
// 76 characters, ending with a soft line break.
func appendQPValue(dst []byte, v string) []byte {
	const hexdigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if n >= 72 {
			dst = append(dst, "=\r\n"...)
			n = 0
		}
		if ch == '=' || ch < 33 || ch > 126 {
			dst = append(dst, '=', hexdigits[ch>>4], hexdigits[ch&15])
			n += 3
			continue
		}
		dst = append(dst, ch)
		n++
	}
	return append(dst, "=\r\n"...)
}
