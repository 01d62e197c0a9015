// Package federation speaks ActivityPub: the JSON we send (actors, Create
// Article/Note/Event, Update, Delete, Announce, Accept), the parsing of what
// other servers send us (Mastodon, GoToSocial, Misskey, Pixelfed,
// Mobilizon…), WebFinger and NodeInfo documents, and HTTP Signatures. It
// does no I/O of its own and knows nothing of the database: the use cases
// (internal/app) and the HTTP surface (internal/web) drive it. See
// docs/FEDERATION.md.
package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Media types of ActivityPub documents.
const (
	ContentType   = "application/activity+json"
	LDContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	Public        = "https://www.w3.org/ns/activitystreams#Public"
)

// IsPublic reports whether an addressee is the public collection, in any of
// the spellings servers use.
func IsPublic(s string) bool {
	return s == Public || s == "as:Public" || s == "Public"
}

// Limits of what we parse.
const (
	MaxBody  = 1 << 20 // bytes of an incoming activity
	MaxDepth = 24      // nesting of JSON objects and arrays
)

// ErrMalformed is an activity we cannot read: not JSON, too deep, missing
// its id, type or actor.
var ErrMalformed = errors.New("malformed activity")

// WantsActivityJSON reports whether an Accept header asks for ActivityPub
// JSON rather than HTML (application/activity+json, or application/ld+json
// with the ActivityStreams profile, or plain application/ld+json).
func WantsActivityJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		if strings.Contains(params, "q=0") && !strings.Contains(params, "q=0.") {
			continue
		}
		switch mt {
		case "application/activity+json", "application/ld+json":
			return true
		}
	}
	return false
}

// checkDepth refuses JSON nested deeper than MaxDepth before it is decoded
// (a deeply nested document costs the decoder stack and time).
func checkDepth(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return nil
			}
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
				if depth > MaxDepth {
					return fmt.Errorf("%w: nested deeper than %d", ErrMalformed, MaxDepth)
				}
			default:
				depth--
			}
		}
	}
}

// decode reads a JSON object with the size and depth limits.
func decode(b []byte) (map[string]any, error) {
	if len(b) > MaxBody {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(b))
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrMalformed)
	}
	if err := checkDepth(b); err != nil {
		return nil, err
	}
	if hasNULEscape(b) {
		// No text of ours has a use for NUL, and PostgreSQL refuses it in
		// text columns: refused here (400), not 500 later (issue 15).
		return nil, fmt.Errorf("%w: NUL character", ErrMalformed)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: not an object", ErrMalformed)
	}
	return m, nil
}

// hasNULEscape reports whether the JSON text b holds a \u0000 escape (a
// raw NUL byte is not valid JSON anyway). A backslash escaped itself
// ("\\u0000", the six characters in a string) is not one.
func hasNULEscape(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		k := i + j // index of 'u'
		n := 0
		for p := k - 1; p >= 0 && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = k + 1
	}
}

// str returns v as a string ("" for anything else).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// idOf returns a reference's id: the string itself, or an object's "id"
// (or "href", for Link objects), or the first of a list.
func idOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if id := str(x["id"]); id != "" {
			return id
		}
		return str(x["href"])
	case []any:
		if len(x) > 0 {
			return idOf(x[0])
		}
	}
	return ""
}

// ids returns the ids of a reference or list of references.
func ids(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if id := idOf(e); id != "" {
				out = append(out, id)
			}
		}
		return out
	case nil:
		return nil
	default:
		if id := idOf(x); id != "" {
			return []string{id}
		}
	}
	return nil
}

// typeOf returns an object's type; JSON-LD allows a list, we take the first
// type we know (or the first).
func typeOf(m map[string]any) string {
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if s := str(e); s != "" {
				return s
			}
		}
	}
	return ""
}

// langString reads a plain or language-mapped string ("contentMap").
func langString(m map[string]any, key string) string {
	if s := str(m[key]); s != "" {
		return s
	}
	if mm, ok := m[key+"Map"].(map[string]any); ok {
		for _, l := range []string{"fr", "en"} {
			if s := str(mm[l]); s != "" {
				return s
			}
		}
		for _, v := range mm {
			if s := str(v); s != "" {
				return s
			}
		}
	}
	return ""
}
