package app

import (
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/parvis/parvis/internal/"

// TestLayers checks the dependency rules of docs/ARCHITECTURE.md on the
// source, so that a shortcut fails here rather than in review: pages do not
// reach the store; the core and the policy know no feature; a feature
// package under app/ knows only the core, the policy and the layers below,
// never package app nor another feature (what it needs of one is an
// interface of its own, wired by app.New).
func TestLayers(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		allowed := map[string]bool{"app/core": true, "app/policy": true}
		if name == "core" {
			allowed = map[string]bool{"app/policy": true}
		}
		if name == "policy" {
			allowed = map[string]bool{}
		}
		for file, imp := range imports(t, name) {
			if strings.HasPrefix(imp, "app") && !allowed[imp] {
				t.Errorf("%s imports %s: app/%s may import only %v", file, imp, name, slices.Sorted(maps.Keys(allowed)))
			}
		}
	}
	for file, imp := range imports(t, "../web") {
		if imp == "store" {
			t.Errorf("%s imports the store: pages read and write through app", file)
		}
	}
	for file, imp := range imports(t, "../model") {
		t.Errorf("%s imports %s: model depends on nothing of the project", file, imp)
	}
}

// imports maps each non-test Go file of dir to the project package it
// imports, relative to internal/ ("app/core", "store"); a file importing
// several appears once per import (the map is keyed by file:import).
func imports(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range af.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			if rest, ok := strings.CutPrefix(p, module); ok {
				out[f+": "+rest] = rest
			}
		}
	}
	return out
}
