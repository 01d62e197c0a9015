package federation

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestGoToSocialLiveDocuments: what a real GoToSocial served and sent to
// Parvis during the interop test (testdata/peers/gotosocial/live/README.md)
// reads into what the inbox acts upon — including the shapes its published
// fixtures do not show: a Follow of a topic actor, the Undo embedding the
// Follow, a Like addressed to the author only, an Announce to the booster's
// followers, the Update of a reply, and a Delete whose object is the bare
// status URL (no Tombstone).
func TestGoToSocialLiveDocuments(t *testing.T) {
	const (
		gts   = "http://localhost:40689"
		alice = gts + "/users/alice"
		note  = alice + "/statuses/01M976DFQD7VTZ2QTDYARB7586"
		pub   = "http://127.0.0.1:34593/bellerive/p/travaux-sur-le-quai-de-loire"
	)
	file := func(name string) []byte { return peerFile(t, "gotosocial", "live/"+name) }

	a, err := ParseActor(file("actor.json"))
	if err != nil || a.ID != alice || a.Handle() != "alice@localhost:40689" || a.KeyID != alice+"/main-key" ||
		a.Inbox != alice+"/inbox" || a.PublicKeyPEM == "" {
		t.Errorf("actor: %+v %v", a, err)
	}
	// Its keyId is a separate stub: no inbox, an owner to fetch.
	kd, err := ParseKeyDoc(file("main_key.json"), alice+"/main-key")
	if err != nil || kd.Actor != nil || kd.Owner != alice || kd.PEM != a.PublicKeyPEM {
		t.Errorf("key stub: %+v %v", kd, err)
	}
	var jrd WebFinger
	if err := json.Unmarshal(file("webfinger.json"), &jrd); err != nil || jrd.Subject != "acct:alice@localhost:40689" {
		t.Fatalf("webfinger: %+v %v", jrd, err)
	}
	self := ""
	for _, l := range jrd.Links {
		if l.Rel == "self" && l.Type == ContentType {
			self = l.Href
		}
	}
	if self != alice {
		t.Errorf("webfinger self link %q, want %q", self, alice)
	}

	for _, c := range []struct {
		file, typ, objectID, objType, inReplyTo, text string
	}{
		{"follow.json", "Follow", "http://127.0.0.1:34593/bellerive/themes/travaux", "", "", ""},
		{"undo_follow.json", "Undo", alice + "/follow/0144QQJC79YVW4JT5KK43AVQM2", "Follow", "", ""},
		{"like.json", "Like", pub, "", "", ""},
		{"announce.json", "Announce", pub, "", "", ""},
		{"create_note_reply.json", "Create", note, "Note", pub, "Le quai restera-t-il ouvert aux vélos pendant les travaux ?"},
		{"update_note_reply.json", "Update", note, "Note", pub, "aux vélos et aux piétons pendant les travaux ?"},
		{"delete.json", "Delete", note, "", "", ""},
	} {
		act, err := ParseActivity(file(c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if act.Type != c.typ || act.Actor != alice || act.ObjectID != c.objectID {
			t.Errorf("%s: type %q actor %q object %q", c.file, act.Type, act.Actor, act.ObjectID)
			continue
		}
		if c.objType == "" {
			if act.Object != nil && c.typ != "Delete" {
				t.Errorf("%s: embedded object %+v, want a reference", c.file, act.Object)
			}
			continue
		}
		if act.Object == nil || act.Object.Type != c.objType || act.Object.InReplyTo != c.inReplyTo ||
			!strings.Contains(act.Object.Text, c.text) {
			t.Errorf("%s: object %+v", c.file, act.Object)
		}
	}
}
