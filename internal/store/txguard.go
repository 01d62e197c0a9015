package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// A use case that holds a transaction must run every statement through it.
// Reaching the pool instead (a.Store.X inside InTx, or a helper that does)
// needs a second connection while the first is held: when every connection
// of the pool is held by such transactions (and on PostgreSQL they wait on
// each other's row locks), nobody gets one and the whole process freezes —
// issue 15 saw PostgreSQL frozen for eleven minutes by 30 residents
// commenting at once. The same pattern stalls SQLite behind River's writers.
//
// The guard makes that mistake loud: while a goroutine runs a transaction's
// function, a statement or a new transaction started on the pool by that
// same goroutine panics with the query. It costs a stack read per
// statement, so it is off in production and switched on by tests
// (storetest, testserver) through GuardPool; internal/app also checks the
// rule statically (TestTxClosuresNeverReachThePool).

// guardOn switches the guard on for stores opened afterwards.
var guardOn atomic.Bool

// GuardPool makes every store opened afterwards panic when a goroutine that
// holds one of its transactions runs a statement through its pool. Tests
// call it; servers do not.
func GuardPool() { guardOn.Store(true) }

// txHolders records the goroutines inside a transaction's function.
type txHolders struct {
	mu   sync.Mutex
	held map[uint64]int
}

func (h *txHolders) enter() (leave func()) {
	if h == nil {
		return func() {}
	}
	id := goid()
	h.mu.Lock()
	h.held[id]++
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		if h.held[id]--; h.held[id] <= 0 {
			delete(h.held, id)
		}
		h.mu.Unlock()
	}
}

// run calls fn(tx) with the calling goroutine marked as holding tx.
func (h *txHolders) run(tx *Tx, fn func(tx *Tx) error) error {
	defer h.enter()()
	return fn(tx)
}

// check panics when the calling goroutine holds a transaction.
func (h *txHolders) check(what string) {
	if h == nil {
		return
	}
	id := goid()
	h.mu.Lock()
	n := h.held[id]
	h.mu.Unlock()
	if n > 0 {
		panic(fmt.Sprintf("store: %s through the pool while this goroutine holds a transaction: run it on the *store.Tx (see txguard.go)", what))
	}
}

// goid reads the current goroutine's id from its stack header
// ("goroutine 42 [running]:"); only the guard, in tests, pays for it.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic("store: cannot read the goroutine id: " + err.Error())
	}
	return id
}

// guarded is the pool's querier when the guard is on.
type guarded struct {
	q querier
	h *txHolders
}

func (g guarded) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	g.h.check(query)
	return g.q.ExecContext(ctx, query, args...)
}

func (g guarded) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	g.h.check(query)
	return g.q.QueryContext(ctx, query, args...)
}

func (g guarded) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	g.h.check(query)
	return g.q.QueryRowContext(ctx, query, args...)
}
