package mailing

import (
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
)

// Link rewriting keeps what surrounds an address in the text part (Markdown
// brackets, punctuation, parentheses inside an address), gives one number
// to one address in both parts and every language, and leaves the
// per-recipient placeholders alone.
func TestTrackLinks(t *testing.T) {
	s := &Service{Core: &core.Core{BaseURL: "https://ville.test"}, links: &Links{key: []byte("0123456789abcdef0123456789abcdef")}}
	wiki := "https://fr.wikipedia.org/wiki/Loire_(fleuve)"
	prog := "https://www.ville.test/fete?jour=samedi&heure=20"
	m := model.Mailing{ID: core.NewID(),
		HTML: `<p><a href="` + strings.ReplaceAll(prog, "&", "&amp;") + `">programme</a> <a href="` + wiki + `">Loire</a></p>` +
			`<a href="` + mail.Slot(0) + `">préférences</a>`,
		Text: "Le [programme](" + prog + "). La [Loire](" + wiki + ").\nVoir https://www.ville.test/plan.\nPréférences : " + mail.Slot(0) + "\n",
		Bodies: []model.MailingBody{{Lang: "en", HTML: `<a href="` + wiki + `">Loire</a> <a href="https://ville.test/p/march%c3%a9">marché</a>`,
			Text: "See " + wiki + "\nhttps://ville.test/p/marché\n"}}}
	urls := s.trackLinks(&m)
	want := []string{prog, wiki, "https://www.ville.test/plan", "https://ville.test/p/march%c3%a9"}
	if strings.Join(urls, " ") != strings.Join(want, " ") {
		t.Fatalf("links = %q, want %q", urls, want)
	}
	c0, c1, c2 := s.ClickURL(m.ID, 0), s.ClickURL(m.ID, 1), s.ClickURL(m.ID, 2)
	wantText := "Le [programme](" + c0 + "). La [Loire](" + c1 + ").\nVoir " + c2 + ".\nPréférences : " + mail.Slot(0) + "\n"
	if m.Text != wantText {
		t.Errorf("text =\n%s\nwant\n%s", m.Text, wantText)
	}
	if !strings.Contains(m.HTML, `href="`+c0+`"`) || !strings.Contains(m.HTML, `href="`+c1+`"`) || !strings.Contains(m.HTML, `href="`+mail.Slot(0)+`"`) {
		t.Errorf("html = %s", m.HTML)
	}
	c3 := s.ClickURL(m.ID, 3)
	if m.Bodies[0].Text != "See "+c1+"\n"+c3+"\n" || m.Bodies[0].HTML != `<a href="`+c1+`">Loire</a> <a href="`+c3+`">marché</a>` {
		t.Errorf("English body = %+v", m.Bodies[0])
	}
	// The token names the mailing and the link; a changed byte is refused.
	id, i, err := s.links.parseClickToken(strings.TrimPrefix(c1, "https://ville.test/c/"))
	if err != nil || id != m.ID || i != 1 {
		t.Fatalf("parse = %s %d %v", id, i, err)
	}
	tok := []byte(strings.TrimPrefix(c1, "https://ville.test/c/"))
	tok[3] ^= 1
	if _, _, err := s.links.parseClickToken(string(tok)); err == nil {
		t.Error("a damaged token was accepted")
	}
}
