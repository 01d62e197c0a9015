package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Migrate brings the schema up to date. It is safe to run while other
// processes use the database: goose takes a lock on PostgreSQL, and SQLite
// serialises writers.
func (s *Store) Migrate(ctx context.Context) error {
	dir := "migrations/sqlite"
	dialect := goose.DialectSQLite3
	if s.engine == Postgres {
		dir = "migrations/postgres"
		dialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	// Features number their migrations in their own ranges (accounts 10–19,
	// staff 20–29, publishing 30–49…), so a later-merged lower number must
	// still apply on databases that already have a higher one.
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
	if s.engine == Postgres {
		locker, err := newPostgresLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return s.migrateJobs(ctx)
}

// migrateJobs creates or updates River's tables in the same database, so a
// job can be inserted in the same transaction as the data it is about.
func (s *Store) migrateJobs(ctx context.Context) error {
	logger := slog.New(slog.DiscardHandler)
	var err error
	if s.engine == Postgres {
		var m *rivermigrate.Migrator[*sql.Tx]
		m, err = rivermigrate.New(riverdatabasesql.New(s.db), &rivermigrate.Config{Logger: logger})
		if err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	} else {
		var m *rivermigrate.Migrator[*sql.Tx]
		m, err = rivermigrate.New(riversqlite.New(s.db), &rivermigrate.Config{Logger: logger})
		if err == nil {
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
	}
	if err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	return nil
}

// newPostgresLocker serialises migrations of several processes starting at
// once against the same PostgreSQL database.
func newPostgresLocker() (lock.SessionLocker, error) {
	return lock.NewPostgresSessionLocker()
}
