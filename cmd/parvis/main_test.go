package main

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// commands are the names run dispatches on, read from its switch, so that a
// command added there without a line in the usage fails this test.
func commands(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "dispatch" {
			return true
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if cc, ok := n.(*ast.CaseClause); ok {
				for _, e := range cc.List {
					if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						names = append(names, name)
					}
				}
			}
			return true
		})
		return false
	})
	if len(names) < 8 {
		t.Fatalf("found only %v in dispatch's switch", names)
	}
	return names
}

func TestHelpListsEveryCommandAndSucceeds(t *testing.T) {
	for _, ask := range []string{"--help", "-h", "help"} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{ask}, strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("parvis %s: %v", ask, err)
		}
		for _, name := range commands(t) {
			if strings.HasPrefix(name, "-") || name == "help" {
				continue
			}
			if !strings.Contains(out.String(), "\n  parvis "+name+" ") && !strings.Contains(out.String(), "\n  parvis "+name+"\n") {
				t.Errorf("parvis %s does not list %q:\n%s", ask, name, out.String())
			}
		}
	}
	// No command at all is a mistake: the usage, and a failure.
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, strings.NewReader(""), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "parvis serve") {
		t.Fatalf("parvis alone = %v, stderr %q", err, errOut.String())
	}
}

// TestEveryCommandHelpSucceeds asks each command for its flags: that is not
// a failure (exit 0), and it opens no database.
func TestEveryCommandHelpSucceeds(t *testing.T) {
	t.Setenv("PARVIS_DATA", filepath.Join(t.TempDir(), "absent"))
	for _, name := range commands(t) {
		if strings.HasPrefix(name, "-") || name == "help" {
			continue
		}
		args := [][]string{{name, "-h"}}
		if name == "org" || name == "user" {
			args = append(args, []string{name, "create", "-h"}, []string{name, "--help"})
		}
		for _, a := range args {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), a, strings.NewReader(""), &out, &errOut); err != nil {
				t.Errorf("parvis %s: %v", strings.Join(a, " "), err)
			}
			if out.Len()+errOut.Len() == 0 {
				t.Errorf("parvis %s printed nothing", strings.Join(a, " "))
			}
		}
	}
	if _, err := os.Stat(os.Getenv("PARVIS_DATA")); !os.IsNotExist(err) {
		t.Fatalf("asking for help created the data directory (%v)", err)
	}
}

func TestDescribeBuild(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261207033316-116ee61abcde+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "116ee61abcdef0123456789abcdef0123456789a"},
			{Key: "vcs.modified", Value: "true"}}}
	for _, c := range []struct {
		release string
		info    *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"", info, true, "v0.0.0-20261207033316-116ee61abcde+dirty (commit 116ee61abcdef0123456789abcdef0123456789a, dirty: uncommitted changes) go1.26.8"},
		{"v1.4.0", info, true, "v1.4.0 (commit 116ee61abcdef0123456789abcdef0123456789a, dirty: uncommitted changes) go1.26.8"},
		{"", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true,
			"(devel) (commit unknown: built without VCS information (go run, -buildvcs=false, or not from a plain git clone)) go1.26.8"},
	} {
		if got := describeBuild(c.release, c.info, c.ok); got != c.want {
			t.Errorf("describeBuild(%q) =\n%s\nwant\n%s", c.release, got, c.want)
		}
	}
	clean := *info
	clean.Settings = []debug.BuildSetting{{Key: "vcs.revision", Value: "116ee61abcdef0123456789abcdef0123456789a"}, {Key: "vcs.modified", Value: "false"}}
	if got := describeBuild("", &clean, true); strings.Contains(got, "dirty: ") {
		t.Errorf("a clean build says %q", got)
	}
}

// TestVersionOfABuildFromTheCheckout builds the command as a release would,
// from the git clone the tests run in, and reads its version: the release
// version given to the linker, the commit checked out, and "dirty" exactly
// when git has uncommitted changes.
func TestVersionOfABuildFromTheCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	root := strings.TrimSpace(string(top))
	if fi, err := os.Stat(filepath.Join(root, ".git")); err != nil || !fi.IsDir() {
		t.Skip("a git worktree (.git is a file): Go stamps no VCS information there")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	status, err := exec.Command("git", "status", "--porcelain").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "parvis")
	args := []string{"build", "-buildvcs=true", "-ldflags", "-X main.buildVersion=v9.8.7-test", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	want := "parvis v9.8.7-test (commit " + strings.TrimSpace(string(head))
	if !strings.HasPrefix(got, want) {
		t.Fatalf("version = %q, want it to start with %q", got, want)
	}
	if dirty := len(bytes.TrimSpace(status)) > 0; dirty != strings.Contains(got, "dirty: ") {
		t.Fatalf("version = %q, but git status --porcelain has %d bytes", got, len(status))
	}
}
