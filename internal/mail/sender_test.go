package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/i18n"
)

func TestFromAs(t *testing.T) {
	for _, c := range []struct{ from, name, want string }{
		{"Parvis <no-reply@parvis.test>", "", "Parvis <no-reply@parvis.test>"},
		{"Parvis <no-reply@parvis.test>", "Ville de Bellerive", `"Ville de Bellerive" <no-reply@parvis.test>`},
		{"no-reply@parvis.test", "Mairie", `"Mairie" <no-reply@parvis.test>`},
		{"Parvis <no-reply@parvis.test>", "Saint-Étienne\r\nBcc: x@y.z", "=?utf-8?b?U2FpbnQtw4l0aWVubmUgIEJjYzogeEB5Lno=?= <no-reply@parvis.test>"},
		{"not an address", "Mairie", "not an address"},
	} {
		if got := FromAs(c.from, c.name); got != c.want {
			t.Errorf("FromAs(%q, %q) = %q, want %q", c.from, c.name, got, c.want)
		}
	}
}

func TestStartsWithGreeting(t *testing.T) {
	for body, want := range map[string]bool{
		"Bonjour Marie, le service suit ce chantier.": true,
		"bonjour,\n\nVoici":                           true,
		"  Madame, Monsieur,":                         true,
		"Hello Tom":                                   true,
		"Bonjour":                                     true,
		"Merci Marie, votre demande est reçue.":       false,
		"Hippolyte vous répondra.":                    false,
		"Cherbourg accueille le marché.":              false,
		"":                                            false,
	} {
		if got := StartsWithGreeting(body); got != want {
			t.Errorf("StartsWithGreeting(%q) = %v", body, got)
		}
	}
}

// An organisation's message goes out under its name, from the instance's
// address, with Reply-To its contact address.
func TestOutboxFromNameAndReplyTo(t *testing.T) {
	dir := t.TempDir()
	o := &Outbox{Dir: dir, From: "Parvis <no-reply@parvis.test>"}
	m := Message{To: "jeanne@example.test", Subject: "Réponse", Text: "Bonjour", FromName: "Ville de Bellerive", ReplyTo: "mairie@bellerive.test"}
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	b, _ := os.ReadFile(files[0])
	for _, want := range []string{`From: "Ville de Bellerive" <no-reply@parvis.test>`, "Reply-To: <mairie@bellerive.test>"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("message lacks %q:\n%s", want, b)
		}
	}
}

// A staff answer that greets the resident itself is not preceded by a
// second greeting.
func TestReplyGreetsOnce(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := LoadTemplates(cat)
	if err != nil {
		t.Fatal(err)
	}
	type reply struct {
		Name, Org, Service, Reference, Body, Received, ReplyTo string
		Greeted                                                bool
	}
	for _, body := range []string{"Bonjour Marie, le chantier finit lundi.", "Merci Marie, le chantier finit lundi."} {
		r, err := tmpl.Render("console_reply", "fr", reply{Name: "Marie", Org: "Ville de Bellerive", Body: body, Greeted: StartsWithGreeting(body)})
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{r.Text, r.HTML} {
			if n := strings.Count(part, "Bonjour"); n != 1 {
				t.Errorf("%q: %d greetings in\n%s", body, n, part)
			}
		}
	}
}
