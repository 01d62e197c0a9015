package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/policy"
)

// TestTemplatesAskKnownActions reads every template for .Can and .CanAll
// and checks that each names an action of the policy table: a typo would
// otherwise panic only when a page using it is rendered.
func TestTemplatesAskKnownActions(t *testing.T) {
	ask := regexp.MustCompile(`\.Can(?:All)? "([^"]*)"`)
	asked := 0
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range ask.FindAllStringSubmatch(string(b), -1) {
			asked++
			if _, ok := policy.RuleOf(policy.Action(m[1])); !ok {
				t.Errorf("%s asks .Can of %q, which the policy table does not know", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if asked < 20 {
		t.Fatalf("only %d .Can questions found in the templates: the pattern no longer matches them", asked)
	}
	// Role names belong to the policy table, not to templates.
	roles := regexp.MustCompile(`StaffIs`)
	_ = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templateFS, path)
			if roles.Match(b) {
				t.Errorf("%s decides by role name; ask .Can \"action\" instead", path)
			}
		}
		return nil
	})
}
