package federation

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Activity is an incoming activity, reduced to what Parvis acts upon.
type Activity struct {
	ID       string
	Type     string
	Actor    string
	To, Cc   []string
	ObjectID string  // the object's id, embedded or referenced
	Object   *Object // nil when the object is only referenced
}

// Object is an embedded object: a Note, an Article, a Tombstone, an Event,
// or an activity (the Follow inside an Undo).
type Object struct {
	ID           string
	Type         string
	AttributedTo string
	InReplyTo    string
	Content      string // HTML as sent
	Text         string // plain text of the content (Misskey's source when given)
	Name         string
	Summary      string
	URL          string
	To, Cc       []string
	Published    string
	Tags         []Tag
	Attachments  []Attachment
	// When the object is itself an activity (Undo{Follow}, Undo{Like}).
	Actor    string
	ObjectID string
	// Events (Mobilizon).
	StartTime, EndTime, Timezone, JoinMode string
	Location                               *Place
}

// ParseActivity reads an incoming activity with the size and depth limits.
// It needs an id, a type and an actor; everything else may be missing.
func ParseActivity(b []byte) (Activity, error) {
	m, err := decode(b)
	if err != nil {
		return Activity{}, err
	}
	a := Activity{ID: str(m["id"]), Type: typeOf(m), Actor: idOf(m["actor"]), To: ids(m["to"]), Cc: ids(m["cc"])}
	if a.ID == "" || a.Type == "" || a.Actor == "" {
		return Activity{}, fmt.Errorf("%w: id, type and actor are required", ErrMalformed)
	}
	if !absoluteHTTP(a.ID) || !absoluteHTTP(a.Actor) {
		return Activity{}, fmt.Errorf("%w: id and actor must be http(s) URLs", ErrMalformed)
	}
	a.ObjectID = idOf(m["object"])
	if om, ok := m["object"].(map[string]any); ok {
		o := parseObject(om)
		a.Object = &o
	}
	return a, nil
}

func parseObject(m map[string]any) Object {
	o := Object{ID: str(m["id"]), Type: typeOf(m), AttributedTo: idOf(m["attributedTo"]), InReplyTo: idOf(m["inReplyTo"]),
		Content: langString(m, "content"), Name: langString(m, "name"), Summary: langString(m, "summary"),
		URL: idOf(m["url"]), To: ids(m["to"]), Cc: ids(m["cc"]), Published: str(m["published"]),
		Actor: idOf(m["actor"]), ObjectID: idOf(m["object"]), StartTime: str(m["startTime"]), EndTime: str(m["endTime"]),
		Timezone: str(m["timezone"]), JoinMode: str(m["joinMode"])}
	if o.AttributedTo == "" {
		o.AttributedTo = o.Actor
	}
	// Misskey sends its own markup source beside the HTML: its plain text
	// is closer to what the author typed.
	switch {
	case str(m["_misskey_content"]) != "":
		o.Text = stripLeadingMentions(strings.TrimSpace(str(m["_misskey_content"])))
	default:
		o.Text = HTMLToText(o.Content)
		if src, ok := m["source"].(map[string]any); ok && str(src["mediaType"]) == "text/plain" && str(src["content"]) != "" {
			o.Text = stripLeadingMentions(strings.TrimSpace(str(src["content"])))
		}
	}
	{
		for _, t := range list(m["tag"]) {
			if tm, ok := t.(map[string]any); ok {
				o.Tags = append(o.Tags, Tag{Type: typeOf(tm), Name: str(tm["name"]), Href: str(tm["href"])})
			}
		}
	}
	{
		for _, t := range list(m["attachment"]) {
			if am, ok := t.(map[string]any); ok {
				o.Attachments = append(o.Attachments, Attachment{Type: typeOf(am), MediaType: str(am["mediaType"]),
					URL: idOf(am["url"]), Name: str(am["name"])})
			}
		}
	}
	if loc, ok := m["location"].(map[string]any); ok {
		p := &Place{Type: typeOf(loc), Name: str(loc["name"])}
		if addr, ok := loc["address"].(map[string]any); ok {
			p.Address = &PostalAddress{Type: typeOf(addr), StreetAddress: str(addr["streetAddress"]),
				PostalCode: str(addr["postalCode"]), AddressLocality: str(addr["addressLocality"]),
				AddressCountry: str(addr["addressCountry"])}
		}
		o.Location = p
	}
	return o
}

// list reads a JSON-LD value that may be one item or an array of them.
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// absoluteHTTP reports whether s is an absolute http(s) URL with a host.
func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Host returns the host (with port) of an absolute URL, lower-cased.
func Host(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// RemoteActor is a fetched actor document, reduced to what we keep.
type RemoteActor struct {
	ID                string
	Type              string
	PreferredUsername string
	Name              string
	URL               string
	Inbox             string
	SharedInbox       string
	// KeyID and PublicKeyPEM are the key we verify with: the first one the
	// actor lists, or the one UseKey selected.
	KeyID        string
	PublicKeyPEM string
	keys         []listedKey
}

// listedKey is one entry of an actor's publicKey (an object or a list).
type listedKey struct{ id, owner, pem string }

// Handle is the actor's address, user@host.
func (r RemoteActor) Handle() string {
	if r.PreferredUsername == "" {
		return ""
	}
	return r.PreferredUsername + "@" + Host(r.ID)
}

// UseKey makes keyID the key we verify with, if the actor lists it. An
// actor listing a single key may also be named by its own id (a keyId
// without fragment that dereferences to the actor); the key is then
// recorded under that keyId, which is what signatures will name.
func (r *RemoteActor) UseKey(keyID string) bool {
	for _, k := range r.keys {
		if k.id == keyID {
			r.KeyID, r.PublicKeyPEM = k.id, k.pem
			return true
		}
	}
	if keyID == r.ID && len(r.keys) == 1 {
		r.KeyID, r.PublicKeyPEM = keyID, r.keys[0].pem
		return true
	}
	return false
}

// KeyDoc is what a keyId URL returned. The ActivityPub world has three
// shapes (docs/FEDERATION.md, "Signatures"):
//   - the actor itself, when the keyId is the actor's id or a fragment of
//     it (Mastodon, Misskey, Pleroma/Akkoma, Mobilizon: "…#main-key");
//     Actor is set, its key selected;
//   - a stub of the actor that lists the key but has no inbox
//     (GoToSocial's "…/users/NAME/main-key");
//   - a bare key object (CryptographicKey/Key with publicKeyPem and owner).
//
// In the last two, Actor is nil: the Owner must be fetched and must list
// the same key (KeyID, with the same PEM) for the key to speak for it.
type KeyDoc struct {
	Actor *RemoteActor
	KeyID string
	Owner string
	PEM   string
}

// ParseKeyDoc reads the document fetched for keyID.
func ParseKeyDoc(b []byte, keyID string) (KeyDoc, error) {
	m, err := decode(b)
	if err != nil {
		return KeyDoc{}, err
	}
	if _, ok := m["publicKey"]; ok {
		id := str(m["id"])
		keys := listedKeys(m["publicKey"])
		var k *listedKey
		for i := range keys {
			if keys[i].id == keyID {
				k = &keys[i]
			}
		}
		if k == nil && id == keyID && len(keys) == 1 {
			k = &keys[0]
		}
		if k == nil {
			return KeyDoc{}, fmt.Errorf("%w: %s does not list key %s", ErrMalformed, id, keyID)
		}
		if idOf(m["inbox"]) == "" {
			// A stub (GoToSocial): the key and its owner, nothing to
			// deliver to. The owner is fetched and must list the key.
			owner := k.owner
			if owner == "" {
				owner = id
			}
			return bareKey(keyID, owner, k.pem)
		}
		a, err := actorFrom(m)
		if err != nil {
			return KeyDoc{}, err
		}
		if k.owner != "" && k.owner != a.ID {
			return KeyDoc{}, fmt.Errorf("%w: key %s owned by %s, served by %s", ErrMalformed, keyID, k.owner, a.ID)
		}
		a.UseKey(keyID)
		return KeyDoc{Actor: &a, KeyID: a.KeyID, Owner: a.ID, PEM: a.PublicKeyPEM}, nil
	}
	if pemStr := str(m["publicKeyPem"]); pemStr != "" {
		if id := str(m["id"]); id != keyID {
			return KeyDoc{}, fmt.Errorf("%w: fetched key %s, got %s", ErrMalformed, keyID, id)
		}
		owner := idOf(m["owner"])
		if owner == "" {
			owner = idOf(m["controller"]) // the Data Integrity spelling
		}
		return bareKey(keyID, owner, pemStr)
	}
	return KeyDoc{}, fmt.Errorf("%w: no public key", ErrMalformed)
}

// bareKey checks a key that names its owner elsewhere: the owner must be an
// http(s) URL on the key's host (a key may only speak for its own host).
func bareKey(keyID, owner, pem string) (KeyDoc, error) {
	if !absoluteHTTP(owner) || Host(owner) != Host(keyID) {
		return KeyDoc{}, fmt.Errorf("%w: key %s has no owner on its host (%q)", ErrMalformed, keyID, owner)
	}
	if pem == "" {
		return KeyDoc{}, fmt.Errorf("%w: key %s has no PEM", ErrMalformed, keyID)
	}
	return KeyDoc{KeyID: keyID, Owner: owner, PEM: pem}, nil
}

// listedKeys reads an actor's publicKey: one object, a list of objects, or
// (for lists) references we cannot use and skip.
func listedKeys(v any) []listedKey {
	var out []listedKey
	for _, e := range list(v) {
		if k, ok := e.(map[string]any); ok {
			out = append(out, listedKey{id: str(k["id"]), owner: idOf(k["owner"]), pem: str(k["publicKeyPem"])})
		}
	}
	return out
}

// ParseActor reads a fetched actor document.
func ParseActor(b []byte) (RemoteActor, error) {
	m, err := decode(b)
	if err != nil {
		return RemoteActor{}, err
	}
	return actorFrom(m)
}

func actorFrom(m map[string]any) (RemoteActor, error) {
	a := RemoteActor{ID: str(m["id"]), Type: typeOf(m), PreferredUsername: str(m["preferredUsername"]),
		Name: langString(m, "name"), URL: idOf(m["url"]), Inbox: idOf(m["inbox"])}
	if ep, ok := m["endpoints"].(map[string]any); ok {
		a.SharedInbox = idOf(ep["sharedInbox"])
	}
	a.keys = listedKeys(m["publicKey"])
	for _, k := range a.keys {
		if k.owner != "" && k.owner != a.ID {
			return a, fmt.Errorf("%w: key %s owned by %s, not %s", ErrMalformed, k.id, k.owner, a.ID)
		}
	}
	if len(a.keys) > 0 {
		a.KeyID, a.PublicKeyPEM = a.keys[0].id, a.keys[0].pem
	}
	if !absoluteHTTP(a.ID) || !absoluteHTTP(a.Inbox) {
		return a, fmt.Errorf("%w: actor needs http(s) id and inbox", ErrMalformed)
	}
	if a.SharedInbox != "" && !absoluteHTTP(a.SharedInbox) {
		a.SharedInbox = ""
	}
	// An actor may only speak for its own host: its inbox and keys live there.
	h := Host(a.ID)
	if Host(a.Inbox) != h || (a.SharedInbox != "" && Host(a.SharedInbox) != h) {
		return a, fmt.Errorf("%w: inbox on another host than the actor", ErrMalformed)
	}
	for _, k := range a.keys {
		if k.id != "" && Host(k.id) != h {
			return a, fmt.Errorf("%w: key on another host than the actor", ErrMalformed)
		}
	}
	if a.Name == "" {
		a.Name = a.PreferredUsername
	}
	return a, nil
}

// HTMLToText turns the HTML of a remote post into the plain text Parvis
// comments are: paragraphs and line breaks kept, tags dropped, entities
// decoded, the leading @mentions that only address the post removed.
func HTMLToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.TrimSpace(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0 // inside <script>/<style>, or Mastodon's "invisible" URL parts stay (they complete links)
	for {
		switch z.Next() {
		case html.ErrorToken:
			return stripLeadingMentions(collapse(b.String()))
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br":
				b.WriteByte('\n')
			case "p", "div", "li", "blockquote":
				if b.Len() > 0 {
					b.WriteString("\n\n")
				}
			case "script", "style":
				skip++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if n := string(name); (n == "script" || n == "style") && skip > 0 {
				skip--
			}
		}
	}
}

// collapse trims lines and keeps at most one empty line between paragraphs.
func collapse(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func stripLeadingMentions(s string) string {
	for {
		if !strings.HasPrefix(s, "@") {
			return s
		}
		i := strings.IndexAny(s, " \n")
		if i < 0 {
			return s // only a mention: keep it rather than nothing
		}
		s = strings.TrimLeft(s[i:], " \n")
	}
}
