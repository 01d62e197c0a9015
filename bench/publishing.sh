#!/bin/sh
# Publishing (public side) performance: builds parvis, seeds 100,000
# publications, serves them on loopback and measures with wrk, on SQLite and
# then on PostgreSQL (a fresh database parvis_bench on 127.0.0.1:5432).
# Needs wrk (apt-get install wrk) and psql. About 2 minutes per engine plus
# seeding. Usage: bench/publishing.sh [sqlite|postgres|both] (default both)
set -eu
cd "$(dirname "$0")/.."
which=${1:-both}
go build -o /tmp/parvis-bench ./cmd/parvis
if [ "$which" != postgres ]; then
	go run ./bench/publishing --parvis /tmp/parvis-bench
fi
if [ "$which" != sqlite ]; then
	PG=${PARVIS_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
	psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS parvis_bench' -c 'CREATE DATABASE parvis_bench'
	go run ./bench/publishing --parvis /tmp/parvis-bench --database "$PG/parvis_bench?sslmode=disable"
	psql "$PG/postgres" -qc 'DROP DATABASE parvis_bench'
fi
