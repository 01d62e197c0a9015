package mail_test

import (
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/mail"
)

// Every account message renders in both languages with no catalogue key left
// untranslated (a missing key renders as itself).
func TestAccountMessagesRender(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates(cat)
	if err != nil {
		t.Fatal(err)
	}
	data := struct {
		Name, Link, Email, Base, Site string
		Hours, Days                   int
	}{"Zoé <b>", "https://parvis.test/verify/abc", "new@example.org", "https://parvis.test", "", 48, 30}
	for _, name := range []string{"account_verify", "account_signup_exists", "account_reset", "account_password_changed",
		"account_email_change", "account_email_change_notice", "account_deleted", "account_inactive", "account_deleted_inactive"} {
		for _, lang := range i18n.Langs {
			r, err := tmpl.Render(name, lang, data)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, lang, err)
			}
			for _, part := range []string{r.Subject, r.Text, r.HTML} {
				if part == "" || strings.Contains(part, "mail.account.") || strings.Contains(part, "%!") {
					t.Errorf("%s/%s renders badly:\n%s", name, lang, part)
				}
			}
			if strings.Contains(r.Text, "valable") && !strings.Contains(r.Text, "valable 48 heures") ||
				strings.Contains(r.Text, "valid for") && !strings.Contains(r.Text, "valid for 48 hours") {
				t.Errorf("%s/%s: the link's lifetime is not in the plural:\n%s", name, lang, r.Text)
			}
			if !strings.Contains(r.Text, "Zoé <b>") || strings.Contains(r.HTML, "Zoé <b>") {
				t.Errorf("%s/%s: name must be escaped in HTML only", name, lang)
			}
			if !strings.Contains(r.Text, "Parvis") {
				t.Errorf("%s/%s: the instance's name is missing:\n%s", name, lang, r.Text)
			}
			org := data
			org.Site = "Ville de Bellerive"
			if r, err := tmpl.Render(name, lang, org); err != nil || !strings.Contains(r.Text, "Ville de Bellerive") || strings.Contains(r.Text, "Parvis") {
				t.Errorf("%s/%s: the organisation's name should replace the instance's (%v):\n%s", name, lang, err, r.Text)
			}
		}
	}
}
