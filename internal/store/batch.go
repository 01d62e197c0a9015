package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// Group commit for small, independent write transactions on SQLite.
//
// SQLite takes one writer at a time, so a burst of small transactions (the
// federation inbox: record the activity id, store a like) runs one after
// the other, each paying BEGIN and COMMIT and, on a loaded machine, each
// holding the write lock while its goroutine waits for a CPU. InBatch lets
// the transactions that queue up meanwhile share one real transaction:
// whoever gets the write turn runs every waiting function, each inside its
// own SAVEPOINT (a failing one is rolled back alone, and gets its error),
// then commits once. Every caller returns only after that commit, so what
// it answers is as durable as with InTx.

// maxBatch bounds how many functions share one transaction.
const maxBatch = 64

// batchWait bounds one batch's transaction (it runs other callers' work,
// so no single caller's context may cancel it).
const batchWait = 30 * time.Second

type batchItem struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	err  error
	done chan struct{}
}

type batcher struct {
	mu      sync.Mutex
	pending []*batchItem
}

// take removes up to maxBatch waiting items.
func (b *batcher) take() []*batchItem {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(b.pending), maxBatch)
	items := b.pending[:n:n]
	b.pending = b.pending[n:]
	return items
}

// withdraw removes it if it still waits; false when a batch took it.
func (b *batcher) withdraw(it *batchItem) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, p := range b.pending {
		if p == it {
			b.pending = append(b.pending[:i:i], b.pending[i+1:]...)
			return true
		}
	}
	return false
}

// InBatch runs fn in a write transaction that it may share with other
// InBatch callers (on SQLite; on PostgreSQL, which has concurrent writers,
// it is InTx). fn's writes are committed or rolled back as a whole, like
// with InTx, but fn must not depend on running alone: its statements run
// with the batch's context, not the one it passes (the transaction is
// others' too), and it should be short.
func (s *Store) InBatch(ctx context.Context, fn func(tx *Tx) error) error {
	s.guard.check("a new transaction")
	if s.engine == Postgres {
		return s.InTx(ctx, fn)
	}
	it := &batchItem{ctx: ctx, fn: fn, done: make(chan struct{})}
	s.batch.mu.Lock()
	s.batch.pending = append(s.batch.pending, it)
	s.batch.mu.Unlock()
	timer := time.NewTimer(writerWait)
	defer timer.Stop()
	for {
		select {
		case <-it.done:
			return it.err
		case s.writers <- struct{}{}:
			// Our turn to write: run whatever waits, ours included
			// unless a batch before took it.
			for items := s.batch.take(); len(items) > 0; items = s.batch.take() {
				s.runBatch(items)
				if isDone(it) {
					break
				}
			}
			<-s.writers
			if isDone(it) {
				return it.err
			}
		case <-ctx.Done():
			if s.batch.withdraw(it) {
				return ctx.Err()
			}
			<-it.done // running: its outcome is decided by the commit
			return it.err
		case <-timer.C:
			if s.batch.withdraw(it) {
				return fmt.Errorf("begin: waited %s for the database: %w", writerWait, model.ErrBusy)
			}
			<-it.done
			return it.err
		}
	}
}

func isDone(it *batchItem) bool {
	select {
	case <-it.done:
		return true
	default:
		return false
	}
}

// runBatch runs items in one transaction, each in a savepoint, and commits.
// The caller holds the write turn.
func (s *Store) runBatch(items []*batchItem) {
	defer s.guard.enter()()
	ctx, cancel := context.WithTimeout(context.Background(), batchWait)
	defer cancel()
	finish := func(err error) {
		for _, it := range items {
			if it.err == nil {
				it.err = err
			}
			close(it.done)
		}
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	// Statements run with the batch's context whatever context the
	// functions pass: one caller giving up must not interrupt a statement
	// (SQLite would then roll the whole transaction back).
	tx := &Tx{Queries: &Queries{q: counted{batchCtx{txPrepared{sqlTx, s.stmts}, ctx}, s.count}, engine: s.engine}, tx: sqlTx}
	ran := 0
	for _, it := range items {
		if err := it.ctx.Err(); err != nil {
			it.err = err // its caller gave up before its turn
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT batch_item"); err != nil {
			_ = sqlTx.Rollback()
			finish(fmt.Errorf("savepoint: %w", err))
			return
		}
		it.err = runItem(tx, it.fn)
		release := "RELEASE batch_item"
		if it.err != nil {
			release = "ROLLBACK TO batch_item; RELEASE batch_item"
		} else {
			ran++
		}
		if _, err := sqlTx.ExecContext(ctx, release); err != nil {
			_ = sqlTx.Rollback()
			finish(fmt.Errorf("savepoint: %w", err))
			return
		}
	}
	if ran == 0 {
		_ = sqlTx.Rollback()
		finish(nil)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		for _, it := range items {
			if it.err == nil {
				it.err = fmt.Errorf("commit: %w", translate(err))
			}
		}
	}
	finish(nil)
}

// runItem runs one function, a panic becoming its error (the savepoint is
// then rolled back like for any error, and the other items go on).
func runItem(tx *Tx, fn func(tx *Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in batched transaction: %v", p)
		}
	}()
	return fn(tx)
}

// batchCtx runs statements with the batch's context.
type batchCtx struct {
	q   querier
	ctx context.Context
}

func (b batchCtx) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	return b.q.ExecContext(b.ctx, query, args...)
}

func (b batchCtx) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return b.q.QueryContext(b.ctx, query, args...)
}

func (b batchCtx) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	return b.q.QueryRowContext(b.ctx, query, args...)
}
