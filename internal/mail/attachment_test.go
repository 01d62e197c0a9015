package mail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A message with an attachment is multipart/mixed with the file as a part of
// its own; a message without one is unchanged.
func TestOutboxWritesAttachment(t *testing.T) {
	dir := t.TempDir()
	o := &Outbox{Dir: dir, From: "Parvis <no-reply@parvis.test>"}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
	err := o.Send(context.Background(), Message{To: "marie@example.org", Subject: "Inscription", Text: "Bonjour",
		HTML: "<p>Bonjour</p>", Attachment: &Attachment{Name: "evenement.ics", ContentType: "text/calendar; charset=utf-8", Data: []byte(ics)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Send(context.Background(), Message{To: "marie@example.org", Subject: "Sans", Text: "Bonjour"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 2 {
		t.Fatalf("%d files", len(files))
	}
	var with, without string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "Subject: Sans") {
			without = string(b)
		} else {
			with = string(b)
		}
	}
	for _, want := range []string{"multipart/mixed", `filename="evenement.ics"`, "text/calendar"} {
		if !strings.Contains(with, want) {
			t.Errorf("message with attachment lacks %q:\n%s", want, with)
		}
	}
	if strings.Contains(without, "multipart/mixed") {
		t.Errorf("message without attachment became multipart/mixed")
	}
}
