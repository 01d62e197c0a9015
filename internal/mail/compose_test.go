package mail

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// A composed message decodes to the bodies with each recipient's values in
// place, whatever the line lengths around them.
func TestComposeSubstitutesPerRecipient(t *testing.T) {
	long := strings.Repeat("é très long ", 20)
	c := Compose("Ville <no-reply@ville.test>", "Lettre de mars — « travaux »",
		"Bonjour.\n"+long+Slot(0)+" fin\nSe désabonner : "+Slot(1)+"\n",
		"<p>"+long+`<a href="`+Slot(0)+`">préférences</a></p><p>.début de ligne</p>`, []Header{{"List-Id", "<ville.test>"}})
	url0 := "https://parvis.example/abonnement/" + strings.Repeat("AbC-_9", 15)
	raw := c.Build(nil, "a@b.test", "id1@parvis", time.Now(), []Header{{"List-Unsubscribe", "<" + url0 + "/desabonner>"}},
		[]string{url0, url0 + "/desabonner?x=1"})
	_, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range bytes.Split(body, []byte("\r\n")) {
		if len(line) > 76 {
			t.Fatalf("line too long (%d): %q", len(line), line)
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != "Lettre de mars — « travaux »" || m.Header.Get("To") != "a@b.test" {
		t.Fatalf("headers: %q %q", subject, m.Header.Get("To"))
	}
	_, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	mr := multipart.NewReader(m.Body, params["boundary"])
	var bodies []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // multipart decodes quoted-printable
		bodies = append(bodies, string(b))
	}
	if len(bodies) != 2 {
		t.Fatalf("parts: %d", len(bodies))
	}
	if !strings.Contains(bodies[0], long+url0+" fin") || !strings.Contains(bodies[0], url0+"/desabonner?x=1") {
		t.Fatalf("text body: %q", bodies[0])
	}
	if !strings.Contains(bodies[1], `<a href="`+url0+`">préférences</a>`) || !strings.Contains(bodies[1], "<p>.début") {
		t.Fatalf("html body: %q", bodies[1])
	}
}
