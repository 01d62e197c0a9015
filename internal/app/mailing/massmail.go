package mailing

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Mass messages are rendered once per language (a handful of renders, not
// one per recipient): the main body in mailings, the others in
// mailing_bodies; each recipient gets their own language's body. What staff
// wrote (a newsletter's text, a publication's title) is the same in all of
// them; the words around it come from the catalogues.

// renderMass renders template name in every supported language; data gives
// the template's data for a language.
func (s *Service) renderMass(name string, data func(lang string) any) (model.Mailing, error) {
	var m model.Mailing
	for _, lang := range i18n.Langs {
		r, err := s.Mail.Render(name, lang, data(lang))
		if err != nil {
			return m, err
		}
		if lang == i18n.Default {
			m.Subject, m.Text, m.HTML = r.Subject, r.Text, r.HTML
			continue
		}
		m.Bodies = append(m.Bodies, model.MailingBody{Lang: lang, Subject: r.Subject, Text: r.Text, HTML: r.HTML})
	}
	return m, nil
}

// withMessage copies the rendered subject and bodies of r into m.
func withMessage(m, r model.Mailing) model.Mailing {
	m.Subject, m.Text, m.HTML, m.Bodies = r.Subject, r.Text, r.HTML, r.Bodies
	return m
}

// createMailing inserts m (unique per kind and reference). When the
// organisation counts clicks (mail_settings.click_counts), the links of a
// newsletter or digest are first rewritten to /c/TOKEN, TOKEN naming the
// mailing and the link only, and the links are registered with zero clicks.
func (s *Service) createMailing(ctx context.Context, tx *store.Tx, m model.Mailing) (string, bool, error) {
	if m.ID == "" {
		m.ID = core.NewID()
	}
	var urls []string
	if m.Kind == model.MailingNewsletter || m.Kind == model.MailingDigest {
		settings, err := tx.MailSettings(ctx, m.OrgID)
		if err != nil {
			return "", false, err
		}
		if settings.ClickCounts {
			urls = s.trackLinks(&m)
		}
	}
	id, created, err := tx.CreateMailing(ctx, m)
	if err != nil || !created || len(urls) == 0 {
		return id, created, err
	}
	return id, created, tx.AddClickLinks(ctx, id, urls)
}

// clickRewriter numbers a mailing's distinct links and replaces them by
// their counting address.
type clickRewriter struct {
	svc   *Service
	id    string
	urls  []string
	index map[string]int
}

var (
	hrefRE    = regexp.MustCompile(`href="(https?://[^"]+)"`)
	textURLRE = regexp.MustCompile(`https?://[^\s<>"\[\]]+`)
)

// maxTrackedLinks bounds the links counted in one message; the rest are
// left as they are.
const maxTrackedLinks = 500

func (c *clickRewriter) tracked(u string) string {
	if strings.HasPrefix(u, c.svc.BaseURL+"/c/") {
		return u
	}
	key := canonical(u)
	i, ok := c.index[key]
	if !ok {
		if len(c.urls) >= maxTrackedLinks {
			return u
		}
		i = len(c.urls)
		c.index[key] = i
		c.urls = append(c.urls, u)
	}
	return c.svc.ClickURL(c.id, i)
}

func (c *clickRewriter) html(s string) string {
	return hrefRE.ReplaceAllStringFunc(s, func(m string) string {
		u := html.UnescapeString(hrefRE.FindStringSubmatch(m)[1])
		return `href="` + html.EscapeString(c.tracked(u)) + `"`
	})
}

// text rewrites the addresses of a text part. Where an address ends in
// plain text is a guess (Markdown's "[title](address)", a sentence's final
// full stop, Wikipedia's parentheses), so an address already seen in the
// HTML part is preferred: the longest one the candidate starts with,
// provided the candidate does not go on with more of an address.
func (c *clickRewriter) text(s string) string {
	return textURLRE.ReplaceAllStringFunc(s, func(u string) string {
		best := ""
		for _, known := range c.urls {
			for _, form := range []string{known, canonical(known)} {
				if len(form) > len(best) && strings.HasPrefix(u, form) && endsAddress(u[len(form):]) {
					best = form
				}
			}
		}
		if best == "" {
			best = strings.TrimRight(u, ".,;:!?')")
		}
		return c.tracked(best) + u[len(best):]
	})
}

// canonical is an address with its percent-escapes decoded: the HTML part
// writes "march%c3%a9" where the text part has "marché", and both are one
// link.
func canonical(u string) string {
	if v, err := url.PathUnescape(u); err == nil {
		return v
	}
	return u
}

// endsAddress tells whether rest, what follows a candidate address in
// text, is punctuation around it rather than more of it.
func endsAddress(rest string) bool {
	return rest == "" || strings.ContainsRune(")].,;:!?'", rune(rest[0]))
}

// trackLinks rewrites m's links (every language's body) and returns the
// original addresses, in link order.
func (s *Service) trackLinks(m *model.Mailing) []string {
	c := &clickRewriter{svc: s, id: m.ID, index: map[string]int{}}
	m.HTML, m.Text = c.html(m.HTML), c.text(m.Text)
	for i := range m.Bodies {
		m.Bodies[i].HTML, m.Bodies[i].Text = c.html(m.Bodies[i].HTML), c.text(m.Bodies[i].Text)
	}
	return c.urls
}

// ClickURL is the counting address of a mailing's link number i: the token
// names the mailing and the link, never the recipient.
func (s *Service) ClickURL(mailingID string, i int) string {
	return s.BaseURL + "/c/" + s.links.ClickToken(mailingID, i)
}

// ClickToken signs (mailing, link number).
func (l *Links) ClickToken(mailingID string, i int) string {
	var b [28]byte
	id, _ := uuid.Parse(mailingID)
	copy(b[:16], id[:])
	binary.BigEndian.PutUint16(b[16:18], uint16(i))
	copy(b[18:], l.mac(append([]byte("click:"), b[:18]...))[:10])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ClickTarget is where a counting link leads, without counting.
func (s *Service) ClickTarget(ctx context.Context, token string) (string, error) {
	id, i, err := s.links.parseClickToken(token)
	if err != nil {
		return "", err
	}
	return s.Store.ClickURL(ctx, id, i)
}

func (l *Links) parseClickToken(token string) (string, int, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 28 || !hmac.Equal(b[18:], l.mac(append([]byte("click:"), b[:18]...))[:10]) {
		return "", 0, fmt.Errorf("click link: %w", model.ErrNotFound)
	}
	id, _ := uuid.FromBytes(b[:16])
	return id.String(), int(binary.BigEndian.Uint16(b[16:18])), nil
}

// Click counts one click on a link of a mailing and returns the address to
// send the reader to. Only addresses registered for that mailing can come
// out (no open redirect); a forged or unknown token is model.ErrNotFound.
func (s *Service) Click(ctx context.Context, token string) (string, error) {
	id, i, err := s.links.parseClickToken(token)
	if err != nil {
		return "", err
	}
	return s.Store.CountClick(ctx, id, i)
}
