// Package store is the only package that speaks SQL. The same statements run
// on SQLite (modernc.org/sqlite) and PostgreSQL (pgx through database/sql);
// see DESIGN.md for the portable subset we allow ourselves.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/parvis/parvis/internal/model"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Engine names the database engine behind a Store.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// querier is what both *sql.DB and *sql.Tx offer; every aggregate method runs
// on it so the same code serves a plain call and a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries carries every data-access method. Store and Tx embed it.
type Queries struct {
	q      querier
	engine Engine
}

// Engine tells which database this is.
func (q *Queries) Engine() Engine { return q.engine }

// Store owns the connection pool.
type Store struct {
	*Queries
	db    *sql.DB
	dsn   string
	count *atomic.Int64 // statements run, for tests that prove pages avoid N+1 queries
	// writers queues this process's transactions. On SQLite, which takes
	// one writer at a time anyway, it has one seat: waiting here is first
	// come, first served, where SQLite's busy handler polls with growing
	// sleeps and lets a burst of writers time out. On PostgreSQL it has
	// the pool's size less txReserve seats: transactions that queue on a
	// hot row (an event's places, an organisation's cache generation)
	// wait here, holding no connection, and reads, /healthz and the job
	// queue always find one.
	writers chan struct{}
	stmts   *stmtCache // SQLite only (stmtcache.go)
	inst    *instance  // this process's liveness mark (RegisterInstance)
	batch   batcher    // transactions waiting to share one (InBatch, batch.go)
	guard   *txHolders // nil unless GuardPool was called (txguard.go)
	// acquireWait bounds how long a transaction waits for a pool
	// connection: past it the request answers 503 instead of queueing
	// behind a stuck pool.
	acquireWait time.Duration
}

// writerWait bounds how long a transaction waits for its turn on SQLite.
const writerWait = 60 * time.Second

// Tx is a transaction; its methods are the same as Store's.
type Tx struct {
	*Queries
	tx *sql.Tx
}

// SQLTx exposes the transaction so that jobs can be inserted in it (River's
// InsertTx); nothing else should use it.
func (t *Tx) SQLTx() *sql.Tx { return t.tx }

// DB exposes the pool for River's driver and health checks.
func (s *Store) DB() *sql.DB { return s.db }

// DSN returns the connection string the store was opened with (PostgreSQL's
// job listener needs its own pool on the same database).
func (s *Store) DSN() string { return s.dsn }

// Options tunes Open.
type Options struct {
	// MaxConns caps the pool; 0 picks a default per engine.
	MaxConns int
	// AcquireWait bounds how long a transaction waits for a connection;
	// 0 picks DefaultAcquireWait.
	AcquireWait time.Duration
}

// txReserve is how many of a PostgreSQL pool's n connections transactions
// leave to reads, /healthz and the job queue (docs/OPERATIONS.md).
func txReserve(n int) int { return max(2, n/4) }

// DefaultAcquireWait is how long a transaction waits for a pool connection
// before failing with model.ErrBusy (an HTTP 503). Well above a healthy wait
// (milliseconds), below the HTTP server's 60 s write timeout: a request
// that waited longer would be cut off without an answer (the EOFs of
// issue 15).
const DefaultAcquireWait = 30 * time.Second

// Server-side bounds set on every PostgreSQL connection unless the URL
// already says otherwise (docs/OPERATIONS.md): a statement that runs past
// statementTimeout is cancelled, and a session left idle inside a
// transaction for idleTxTimeout is closed, releasing its locks, so one
// stuck request cannot hold rows (and the requests queued behind them)
// for ever.
const (
	statementTimeout = "60s"
	idleTxTimeout    = "60s"
)

// withPostgresTimeouts adds statement_timeout and
// idle_in_transaction_session_timeout to a postgres:// URL (pgx passes
// unknown URL parameters to the server as run-time settings).
func withPostgresTimeouts(database string) string {
	u, err := url.Parse(database)
	if err != nil {
		return database // pgx reports the error
	}
	q := u.Query()
	if !q.Has("statement_timeout") {
		q.Set("statement_timeout", statementTimeout)
	}
	if !q.Has("idle_in_transaction_session_timeout") {
		q.Set("idle_in_transaction_session_timeout", idleTxTimeout)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Open connects to database, which is either a postgres:// URL or a path to a
// SQLite file, and checks the connection. It does not migrate.
func Open(ctx context.Context, database string, opt Options) (*Store, error) {
	var (
		db     *sql.DB
		engine Engine
		err    error
		seats  = 1 // transactions at once (writers)
	)
	if strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://") {
		engine = Postgres
		db, err = sql.Open("pgx", withPostgresTimeouts(database))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		n := opt.MaxConns
		if n == 0 {
			n = 20
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
		seats = max(1, n-txReserve(n))
	} else {
		engine = SQLite
		db, err = sql.Open("sqlite", SQLiteDSN(database))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// WAL lets readers proceed during a write; writers queue on
		// busy_timeout, so a small pool is enough and avoids lock storms.
		n := opt.MaxConns
		if n == 0 {
			n = 8
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxLifetime(0)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", engine, err)
	}
	count := new(atomic.Int64)
	var pool querier = db
	var stmts *stmtCache
	if engine == SQLite {
		stmts = &stmtCache{db: db}
		pool = stmts
	}
	var guard *txHolders
	if guardOn.Load() {
		guard = &txHolders{held: map[uint64]int{}}
		pool = guarded{pool, guard}
	}
	wait := opt.AcquireWait
	if wait == 0 {
		wait = DefaultAcquireWait
	}
	st := &Store{Queries: &Queries{q: counted{pool, count}, engine: engine}, db: db, dsn: database, count: count, stmts: stmts,
		guard: guard, acquireWait: wait}
	st.writers = make(chan struct{}, seats)
	return st, nil
}

// SQLiteDSN builds the modernc DSN for a file path. net/url escapes the path:
// test temp dirs may contain '#' or '?'.
func SQLiteDSN(path string) string {
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Add("_pragma", "foreign_keys(1)")
	// Reads through a memory map instead of a pread per page: searching a
	// large FTS index visits thousands of pages per query (profiled: page
	// reads and their system calls were a third of a search's cost).
	v.Add("_pragma", "mmap_size(1073741824)")
	v.Set("_txlock", "immediate")
	v.Set("_time_format", "sqlite")
	u := url.URL{Scheme: "file", Path: path, RawQuery: v.Encode()}
	return u.String()
}

// Close releases the pool.
func (s *Store) Close() error {
	s.closeInstance()
	if s.stmts != nil {
		s.stmts.close()
	}
	return s.db.Close()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// InTx runs fn in a transaction, committed when fn returns nil and rolled back
// otherwise (including on panic), so nothing half-written stays behind.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	return s.inTx(ctx, fn, true)
}

// InTxFirst is InTx for a short piece of bookkeeping that must not wait
// behind a rush of request transactions: on PostgreSQL it does not queue
// for a seat (it takes one of the connections the seats leave free). The
// sending of a newsletter records what the mail server accepted with it:
// queued behind a thousand registrations, those records came too late, and
// a process killed meanwhile left its whole list to be sent again (issue
// 15, three processes). SQLite has one writer: there it is InTx.
func (s *Store) InTxFirst(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, fn, s.engine != Postgres)
}

func (s *Store) inTx(ctx context.Context, fn func(tx *Tx) error, queue bool) (err error) {
	s.guard.check("a new transaction")
	if queue {
		timer := time.NewTimer(writerWait)
		select {
		case s.writers <- struct{}{}:
			timer.Stop()
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
			return fmt.Errorf("begin: waited %s for the database: %w", writerWait, model.ErrBusy)
		}
		defer func() { <-s.writers }()
	}
	conn, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Close() // back to the pool, after the commit or rollback
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	var q querier = sqlTx
	if s.stmts != nil {
		q = txPrepared{sqlTx, s.stmts}
	}
	tx := &Tx{Queries: &Queries{q: counted{q, s.count}, engine: s.engine}, tx: sqlTx}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
		}
	}()
	if err = s.guard.run(tx, fn); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}

// acquire takes a connection for a transaction, waiting at most
// acquireWait: database/sql would otherwise queue without bound.
func (s *Store) acquire(ctx context.Context) (*sql.Conn, error) {
	actx, cancel := context.WithTimeout(ctx, s.acquireWait)
	defer cancel()
	conn, err := s.db.Conn(actx) // actx bounds only the wait for a connection
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("begin: waited %s for a database connection: %w", s.acquireWait, model.ErrBusy)
		}
		return nil, fmt.Errorf("begin: %w", err)
	}
	return conn, nil
}

// boolInt stores booleans as integers, portable across both engines.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullTime converts a nullable scan target into a pointer.
func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// timeOrNil converts an optional time for binding.
func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
