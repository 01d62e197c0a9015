package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/htmlindex"
)

// InboundMessage is a received reply, reduced to what the console keeps.
type InboundMessage struct {
	// MessageID is the Message-ID header, or a digest of the message
	// when it has none, so that a redelivery is recognised either way.
	MessageID string
	From      string // the sender's address, lower-cased
	Subject   string
	// Text is the new text: the readable body (text/plain preferred,
	// HTML converted), with the quoted history and signature removed.
	Text string
	// AutoReply marks an automatic message (out of office, auto-responder,
	// bulk, delivery report): it is dropped, never attached.
	AutoReply bool
}

// maxPartDepth bounds nested multiparts (a hostile message may nest deep).
const maxPartDepth = 5

// ParseInbound reads a received message.
func ParseInbound(raw []byte) (InboundMessage, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return InboundMessage{}, err
	}
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	var m InboundMessage
	m.MessageID = strings.TrimSpace(msg.Header.Get("Message-Id"))
	if m.MessageID == "" {
		sum := sha256.Sum256(raw)
		m.MessageID = "sha256:" + hex.EncodeToString(sum[:])
	}
	if addr, err := (&mail.AddressParser{WordDecoder: &dec}).Parse(msg.Header.Get("From")); err == nil {
		m.From = strings.ToLower(addr.Address)
	}
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		m.Subject = msg.Header.Get("Subject")
	}
	m.AutoReply = IsAutoReply(msg.Header, m.Subject)
	text, err := readableText(msg.Header, msg.Body, 0)
	if err != nil {
		return m, err
	}
	m.Text = StripQuoted(text)
	return m, nil
}

// header is what the body reader needs of a message's or a part's header.
type header interface{ Get(string) string }

// IsAutoReply recognises automatic messages by their headers (RFC 3834
// Auto-Submitted, the X-Autoreply family, Precedence) and, for the
// clients that set none, by the usual out-of-office subjects.
func IsAutoReply(h mail.Header, subject string) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	for _, name := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"} {
		if h.Get(name) != "" {
			return true
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "auto_reply", "junk", "list":
		return true
	}
	ct, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if ct == "multipart/report" || h.Get("X-Failed-Recipients") != "" {
		return true
	}
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range []string{"réponse automatique", "reponse automatique", "automatic reply", "auto:", "absence du bureau",
		"out of office", "absent(e) du bureau", "message d'absence"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// readableText finds the text of a part: text/plain first, else HTML
// turned into text; in a multipart, the first part that has some (in
// multipart/alternative, the plain one when there is one).
func readableText(h header, body io.Reader, depth int) (string, error) {
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || ct == "" {
		ct, params = "text/plain", map[string]string{"charset": "us-ascii"}
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("Content-Disposition")), "attachment") ||
		strings.HasPrefix(strings.ToLower(h.Get("Content-Disposition")), "attachment;") {
		return "", nil
	}
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		if depth >= maxPartDepth {
			return "", errors.New("multipart nested too deep")
		}
		return multipartText(body, params["boundary"], depth)
	case ct == "text/plain", ct == "text/html":
		b, err := decodeBody(h, body, params["charset"])
		if err != nil {
			return "", err
		}
		if ct == "text/html" {
			return HTMLToText(b), nil
		}
		return b, nil
	}
	return "", nil
}

func multipartText(body io.Reader, boundary string, depth int) (string, error) {
	if boundary == "" {
		return "", errors.New("multipart without boundary")
	}
	mr := multipart.NewReader(body, boundary)
	var htmlText string
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return htmlText, nil
		}
		if err != nil {
			return "", err
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		text, err := readableText(p.Header, p, depth+1)
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if ct == "text/html" {
			if htmlText == "" {
				htmlText = text // kept in case no plain part follows
			}
			continue
		}
		return text, nil
	}
}

// decodeBody undoes the transfer encoding and converts the charset to UTF-8.
func decodeBody(h header, body io.Reader, charset string) (string, error) {
	r := body
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &stripSpace{r: body})
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	if cr, err := charsetReader(charset, r); err == nil {
		r = cr
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxInboundBytes))
	if err != nil {
		return "", err
	}
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\r\n", "\n"), nil
}

// charsetReader converts a declared charset (iso-8859-1, windows-1252,
// iso-8859-15…: what French mail clients still send) to UTF-8.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	charset = strings.ToLower(strings.TrimSpace(charset))
	if charset == "" || charset == "utf-8" || charset == "us-ascii" || charset == "utf8" {
		return r, nil
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("charset %q: %w", charset, err)
	}
	return enc.NewDecoder().Reader(r), nil
}

// stripSpace drops the line breaks of a base64 body.
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// HTMLToText renders HTML as plain text: blocks and <br> become line
// breaks, scripts and styles vanish, a <blockquote> is marked with "> " (so
// StripQuoted drops it), and Gmail's and Thunderbird's quote containers
// are left out.
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip, quote := 0, 0
	var stack []bool // per open element: does it start a skipped region?
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(collapseBlankLines(b.String()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, attrs := tagAndAttrs(z)
			switch name {
			case "br":
				b.WriteString("\n")
				continue
			case "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr":
				endLine(&b)
			case "blockquote":
				quote++
				endLine(&b)
			}
			if tt == html.SelfClosingTagToken || voidElement(name) {
				continue
			}
			skipped := name == "script" || name == "style" || name == "head" || name == "title" ||
				strings.Contains(attrs, "gmail_quote") || strings.Contains(attrs, "moz-cite-prefix")
			if skipped {
				skip++
			}
			stack = append(stack, skipped)
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table":
				endLine(&b)
			case "blockquote":
				quote = max(quote-1, 0)
				endLine(&b)
			}
			if len(stack) > 0 {
				if stack[len(stack)-1] {
					skip--
				}
				stack = stack[:len(stack)-1]
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := strings.Join(strings.Fields(html.UnescapeString(string(z.Text()))), " ")
			if text == "" {
				continue
			}
			if quote > 0 {
				text = "> " + text
			}
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") && !strings.HasPrefix(text, ">") {
				text = " " + text
			}
			b.WriteString(text)
		}
	}
}

// endLine ends the current line at a block's edge (once: nested blocks
// do not make blank lines).
func endLine(b *strings.Builder) {
	if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
}

func tagAndAttrs(z *html.Tokenizer) (string, string) {
	name, more := z.TagName()
	var attrs strings.Builder
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == "class" || string(k) == "id" {
			attrs.WriteString(strings.ToLower(string(v)) + " ")
		}
	}
	return string(name), attrs.String()
}

func voidElement(name string) bool {
	switch name {
	case "br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr":
		return true
	}
	return false
}

func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, strings.TrimLeft(l, " "))
	}
	return strings.Join(out, "\n")
}
