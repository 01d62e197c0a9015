package federation

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseActivity: whatever arrives at the inbox, parsing returns an
// activity or an error, never panics, and a parsed activity has the
// fields we rely on. Seeds: every testdata payload.
func FuzzParseActivity(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"https://a.example/1","type":["Like","Other"],"actor":{"id":"https://a.example/u"},"object":[{"id":"x"}]}`))
	f.Add([]byte(`{"id":"https://a.example/1","type":"Create","actor":"https://a.example/u","object":{"contentMap":{"de":"<p>x"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseActivity(b)
		if err != nil {
			return
		}
		if a.ID == "" || a.Type == "" || a.Actor == "" {
			t.Fatalf("parsed without id, type or actor: %+v", a)
		}
		if a.Object != nil {
			_ = HTMLToText(a.Object.Content)
		}
		_, _ = ParseKeyDoc(b, "https://a.example/u#main-key")
		_, _ = ParseActor(b)
	})
}
