package federation

import (
	"errors"
	"testing"
)

// Issue 15 (10): a NUL character in an incoming activity is refused as
// malformed (400) instead of reaching PostgreSQL (500, retried for ever).
func TestNULCharacterIsMalformed(t *testing.T) {
	note := func(content string) []byte {
		return []byte(`{"id":"https://m.example/a/1","type":"Create","actor":"https://m.example/u/x",` +
			`"object":{"id":"https://m.example/n/1","type":"Note","content":"` + content + `"}}`)
	}
	for _, c := range []string{`a\u0000b`, `\u0000`, `a\\\u0000`} {
		if _, err := ParseActivity(note(c)); !errors.Is(err, ErrMalformed) {
			t.Errorf("content %s: err = %v, want ErrMalformed", c, err)
		}
	}
	for _, c := range []string{`a\\u0000b`, `u0000`, `caf\u00e9`} {
		if _, err := ParseActivity(note(c)); err != nil {
			t.Errorf("content %s: %v", c, err)
		}
	}
}
