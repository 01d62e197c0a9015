// Package jobs runs background work with River, in the same database as the
// data: a job is inserted in the transaction of the change that causes it,
// so it is committed together with it or not at all.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/parvis/parvis/internal/store"
)

// Config tunes the queue.
type Config struct {
	// Workers is nil for an insert-only client (command-line tools).
	Workers *river.Workers
	// MaxWorkers is the concurrency of the default queue.
	MaxWorkers int
	// PollInterval is how often idle workers look for new jobs. On SQLite
	// there is no LISTEN/NOTIFY, so this bounds the latency of a new job.
	PollInterval time.Duration
	Logger       *slog.Logger
	// Queues adds named queues with their own concurrency (e.g. "mail").
	Queues map[string]int
	// Periodic jobs run on the leader process at their schedule.
	Periodic []*river.PeriodicJob
	// Time, when set, replaces River's clock (tests with a controllable
	// clock); nil in production.
	Time rivertype.TimeGenerator
}

// Queue inserts and works jobs.
type Queue struct {
	client   *river.Client[*sql.Tx]
	listener *pgxpool.Pool
	working  bool
}

// New builds a River client on st's database.
func New(ctx context.Context, st *store.Store, cfg Config) (*Queue, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	rc := &river.Config{
		Logger:            cfg.Logger.With("component", "jobs"),
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     20 * time.Millisecond,
		JobTimeout:        5 * time.Minute,
		MaxAttempts:       12,
	}
	if cfg.Time != nil {
		rc.Test.Time = cfg.Time
	}
	q := &Queue{}
	if cfg.Workers != nil {
		if cfg.MaxWorkers == 0 {
			cfg.MaxWorkers = 10
		}
		rc.Workers = cfg.Workers
		rc.PeriodicJobs = cfg.Periodic
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
		for name, n := range cfg.Queues {
			rc.Queues[name] = river.QueueConfig{MaxWorkers: n}
		}
		q.working = true
	}
	if rc.FetchPollInterval == 0 {
		rc.FetchPollInterval = 200 * time.Millisecond
	}
	if rc.FetchCooldown > rc.FetchPollInterval {
		rc.FetchCooldown = rc.FetchPollInterval
	}
	var err error
	if st.Engine() == store.Postgres {
		var driver *riverdatabasesql.Driver
		if q.working {
			// A pgx pool for LISTEN/NOTIFY wakes workers on other processes
			// as soon as a job is inserted.
			q.listener, err = pgxpool.New(ctx, st.DSN())
			if err != nil {
				return nil, fmt.Errorf("job listener pool: %w", err)
			}
			driver = riverdatabasesql.NewWithPgxListener(st.DB(), q.listener)
		} else {
			driver = riverdatabasesql.New(st.DB())
		}
		q.client, err = river.NewClient(driver, rc)
	} else {
		q.client, err = river.NewClient(riversqlite.New(st.DB()), rc)
	}
	if err != nil {
		if q.listener != nil {
			q.listener.Close()
		}
		return nil, fmt.Errorf("job client: %w", err)
	}
	return q, nil
}

// Enqueue inserts a job in tx.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.client.InsertTx(ctx, tx.SQLTx(), args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// EnqueueMany inserts several jobs in tx in one round trip.
func (q *Queue) EnqueueMany(ctx context.Context, tx *store.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	if _, err := q.client.InsertManyTx(ctx, tx.SQLTx(), params); err != nil {
		return fmt.Errorf("enqueue %d jobs: %w", len(params), err)
	}
	return nil
}

// Start works jobs until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if !q.working {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop lets running jobs finish (within ctx's deadline), then stops.
func (q *Queue) Stop(ctx context.Context) error {
	var err error
	if q.working {
		err = q.client.Stop(ctx)
	}
	if q.listener != nil {
		q.listener.Close()
	}
	return err
}

// Client exposes River for tests and metrics subscriptions.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// Observer receives one call per finished job attempt (for metrics).
type Observer func(kind, outcome string, run time.Duration)

// Observe forwards job events to fn until ctx ends. Insert-only clients have
// nothing to observe.
func (q *Queue) Observe(ctx context.Context, fn Observer) {
	if !q.working {
		return
	}
	events, cancel := q.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed)
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				var run time.Duration
				if ev.JobStats != nil {
					run = ev.JobStats.RunDuration
				}
				fn(ev.Job.Kind, string(ev.Kind), run)
			}
		}
	}()
}
