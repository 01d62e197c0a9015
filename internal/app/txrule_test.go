package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestTxClosuresNeverReachThePool checks, on the source, the rule that keeps
// the pool from deadlocking (issue 15, store/txguard.go): code that holds a
// transaction — the function given to InTx or InBatch, or any function
// taking a *store.Tx — never reaches a.Store, directly or through the
// package's functions that do. Such a read needs a second connection while
// the first is held; with every connection held that way the process
// freezes. The runtime guard catches what the tests run; this catches
// what they do not.
func TestTxClosuresNeverReachThePool(t *testing.T) {
	for _, dir := range []string{".", "console", "organisations", "../seed", "../demo"} {
		for _, v := range poolUnderTx(t, dir) {
			t.Errorf("%s", v)
		}
	}
}

// poolUnderTx lists, for the Go package in dir, the places where code
// holding a transaction reaches the pool.
func poolUnderTx(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	type fn struct {
		decl *ast.FuncDecl
		recv string // receiver variable name, "" for functions
	}
	funcs := map[string]fn{} // "Type.Method" or "func"
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			key, recv := fd.Name.Name, ""
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				typ := fd.Recv.List[0].Type
				if st, ok := typ.(*ast.StarExpr); ok {
					typ = st.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					key = id.Name + "." + key
				}
				if len(fd.Recv.List[0].Names) == 1 {
					recv = fd.Recv.List[0].Names[0].Name
				}
			}
			funcs[key] = fn{fd, recv}
		}
	}
	typeOf := func(key string) string {
		if i := strings.IndexByte(key, '.'); i > 0 {
			return key[:i]
		}
		return ""
	}
	// callee resolves a call made inside the function key: recv.M() to the
	// receiver type's method M, f() to the package function f.
	callee := func(key, recv string, call *ast.CallExpr) string {
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			if _, ok := funcs[fun.Name]; ok {
				return fun.Name
			}
		case *ast.SelectorExpr:
			if id, ok := fun.X.(*ast.Ident); ok && recv != "" && id.Name == recv {
				k := typeOf(key) + "." + fun.Sel.Name
				if _, ok := funcs[k]; ok {
					return k
				}
			}
		}
		return ""
	}
	// isPool: x.Store, the store's pool (App.Store, seed's and demo's a.Store).
	isPool := func(n ast.Node) bool {
		se, ok := n.(*ast.SelectorExpr)
		if !ok || se.Sel.Name != "Store" {
			return false
		}
		_, ok = se.X.(*ast.Ident)
		return ok
	}
	// reaches: functions that use the pool, directly or through others.
	reaches := map[string]string{} // key -> why
	for key, f := range funcs {
		ast.Inspect(f.decl.Body, func(n ast.Node) bool {
			if isPool(n) && reaches[key] == "" {
				reaches[key] = fset.Position(n.Pos()).String()
			}
			return true
		})
	}
	for changed := true; changed; {
		changed = false
		for key, f := range funcs {
			if reaches[key] != "" {
				continue
			}
			ast.Inspect(f.decl.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok && reaches[key] == "" {
					if k := callee(key, f.recv, c); k != "" && reaches[k] != "" {
						reaches[key] = k + " (" + reaches[k] + ")"
						changed = true
					}
				}
				return true
			})
		}
	}
	var out []string
	// check reports pool use inside body, which runs holding a transaction.
	check := func(key, recv string, body ast.Node, where string) {
		ast.Inspect(body, func(n ast.Node) bool {
			if isPool(n) {
				out = append(out, fset.Position(n.Pos()).String()+": "+where+" uses the pool")
				return false
			}
			if c, ok := n.(*ast.CallExpr); ok {
				if k := callee(key, recv, c); k != "" && reaches[k] != "" {
					out = append(out, fset.Position(n.Pos()).String()+": "+where+" calls "+k+", which reaches the pool via "+reaches[k])
				}
			}
			return true
		})
	}
	for key, f := range funcs {
		if takesTx(f.decl.Type) {
			check(key, f.recv, f.decl.Body, key+" (takes a *store.Tx)")
			continue
		}
		ast.Inspect(f.decl.Body, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			se, ok := c.Fun.(*ast.SelectorExpr)
			if !ok || (se.Sel.Name != "InTx" && se.Sel.Name != "InBatch") {
				return true
			}
			for _, arg := range c.Args {
				if lit, ok := arg.(*ast.FuncLit); ok {
					check(key, f.recv, lit.Body, key+"'s transaction")
				}
			}
			return false
		})
	}
	sort.Strings(out)
	return out
}

// takesTx tells whether a function has a *store.Tx parameter.
func takesTx(ft *ast.FuncType) bool {
	for _, p := range ft.Params.List {
		st, ok := p.Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		if se, ok := st.X.(*ast.SelectorExpr); ok && se.Sel.Name == "Tx" {
			if id, ok := se.X.(*ast.Ident); ok && id.Name == "store" {
				return true
			}
		}
	}
	return false
}
