package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Instances: a running process can say "I am alive" in a way that ends by
// itself when the process dies, even by SIGKILL, so that another process
// can take over its leases at once instead of waiting for them to expire.
//
//   - PostgreSQL: the process holds a session-level advisory lock on a
//     dedicated connection; the server drops it when the connection closes.
//   - SQLite: the process holds an flock on a file beside the database; the
//     kernel drops it when the process dies.
//
// Liveness is only ever used to shorten a wait: a process wrongly thought
// dead (a PostgreSQL connection lost while the process lives) makes its
// lease be taken over early, which can repeat messages, never lose them.

// instance is what keeps this process's liveness mark.
type instance struct {
	id   string
	conn *sql.Conn // PostgreSQL
	file *os.File  // SQLite
}

// RegisterInstance marks this process alive under id until the store is
// closed or the process dies.
func (s *Store) RegisterInstance(ctx context.Context, id string) error {
	if s.inst != nil {
		return fmt.Errorf("instance already registered")
	}
	inst := &instance{id: id}
	if s.engine == Postgres {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("instance connection: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, instanceKey(id)); err != nil {
			conn.Close()
			return fmt.Errorf("instance lock: %w", err)
		}
		inst.conn = conn
	} else {
		dir := s.instanceDir()
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("instance dir: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(dir, id), os.O_CREATE|os.O_RDWR, 0o640)
		if err != nil {
			return fmt.Errorf("instance file: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			return fmt.Errorf("instance lock: %w", err)
		}
		inst.file = f
	}
	s.inst = inst
	return nil
}

// InstanceAlive reports whether the process registered as id is still
// running. An id never registered on this database counts as dead.
func (s *Store) InstanceAlive(ctx context.Context, id string) (bool, error) {
	if id == "" || strings.ContainsAny(id, "/\\") {
		return false, nil
	}
	if s.inst != nil && s.inst.id == id {
		return true, nil
	}
	if s.engine == Postgres {
		// A bigint advisory key shows in pg_locks as classid (high half)
		// and objid (low half) with objsubid 1.
		k := uint64(instanceKey(id))
		var held bool
		err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
			AND classid = $1 AND objid = $2 AND objsubid = 1 AND granted)`, int64(k>>32), int64(k&0xffffffff)).Scan(&held)
		if err != nil {
			return false, fmt.Errorf("instance alive: %w", err)
		}
		return held, nil
	}
	f, err := os.OpenFile(filepath.Join(s.instanceDir(), id), os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("instance alive: %w", err)
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("instance alive: %w", err)
	}
	// Nobody holds it: the process is gone; its file can go too.
	_ = os.Remove(f.Name())
	return false, nil
}

func (s *Store) closeInstance() {
	if s.inst == nil {
		return
	}
	if s.inst.conn != nil {
		s.inst.conn.Close()
	}
	if s.inst.file != nil {
		_ = os.Remove(s.inst.file.Name())
		s.inst.file.Close()
	}
	s.inst = nil
}

// instanceDir holds the SQLite liveness files, beside the database.
func (s *Store) instanceDir() string {
	path := s.dsn
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path + "-instances"
}

func instanceKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("parvis-instance:" + id))
	return int64(h.Sum64())
}
