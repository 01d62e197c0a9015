#!/bin/sh
# Events performance: seeds 1,000 publications and 10,000 events (a tenth of
# them weekly series), serves them on loopback and measures the agenda, an
# event page, the month view and the calendar feed with wrk (50
# connections), on SQLite. The registration rush (1,000 registrations for
# 500 places, both engines) is TestEventRegistrationRush in internal/e2e.
# Needs wrk. Usage: bench/events.sh
set -eu
cd "$(dirname "$0")/.."
go build -o /tmp/parvis-bench ./cmd/parvis
go run ./bench/publishing --parvis /tmp/parvis-bench --publications 1000 --events 10000 --only-events --duration 10s
