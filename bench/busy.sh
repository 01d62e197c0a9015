#!/bin/sh
# Busy Saturday (issue 15) against real `parvis serve` processes: 200
# residents comment on one publication while 1,000 register for 500 places
# and a newsletter goes out to 2,000 subscribers. Runs one process on
# SQLite, one on PostgreSQL, then three processes on one PostgreSQL behind
# bench/rrproxy with one of them SIGKILLed mid-run. Each run prints its
# p50/p99 and its checks (no 5xx, /healthz always 200, every comment once,
# exactly 500 confirmed, the newsletter to everyone) and fails if one does
# not hold. Needs psql for the PostgreSQL database parvis_busy.
# Usage: bench/busy.sh [sqlite|postgres|three|all] (default all)
set -eu
cd "$(dirname "$0")/.."
which=${1:-all}
go build -o /tmp/parvis-bench ./cmd/parvis
go build -o /tmp/rrproxy-bench ./bench/rrproxy
PG=${PARVIS_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
fresh() { psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS parvis_busy' -c 'CREATE DATABASE parvis_busy'; }
if [ "$which" = sqlite ] || [ "$which" = all ]; then
	go run ./bench/busy
fi
if [ "$which" = postgres ] || [ "$which" = all ]; then
	fresh
	go run ./bench/busy --database "$PG/parvis_busy?sslmode=disable"
fi
if [ "$which" = three ] || [ "$which" = all ]; then
	fresh
	# 10 connections each: 3 × (10 + listener) stays far below max_connections
	# even on a PostgreSQL shared with other work (docs/OPERATIONS.md).
	go run ./bench/busy --database "$PG/parvis_busy?sslmode=disable" --procs 3 --kill --db-max-conns 10
fi
psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS parvis_busy' || true
