package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// agenda is a calendar of n weekly events (each repeated `weeks` times)
// whose descriptions are desc.
func agenda(n, weeks int, desc string) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//FR\r\n")
	for i := range n {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:ev-%d@bench.example\r\nDTSTAMP:20260301T100000Z\r\nSUMMARY:Atelier %d\r\n"+
			"DTSTART;TZID=Europe/Paris:20260321T140000\r\nDTEND;TZID=Europe/Paris:20260321T170000\r\n"+
			"RRULE:FREQ=WEEKLY;COUNT=%d\r\nLOCATION:Salle des fêtes\r\nDESCRIPTION:%s\r\nEND:VEVENT\r\n", i, i, weeks, desc)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// BenchmarkAgendaImport measures an agenda import end to end on SQLite
// (docs/PERFORMANCE.md): the hostile file (five descriptions of
// 99,990 nested ">", 500 KB), refused before any transaction, and the
// largest import the limits accept: 2,000 events, 20,000 dates, each
// description 16 nested quotes deep. -benchtime=1x: the first import of a
// fresh organisation (later imports of the same file are "unchanged").
func BenchmarkAgendaImport(b *testing.B) {
	hostile := agenda(5, 1, strings.Repeat(">", 99990)+" x")
	deep := strings.Repeat(strings.Repeat(">", 16)+" Atelier ouvert à tous\\n", 8)
	worst := agenda(2000, 10, deep)
	for _, c := range []struct {
		name    string
		data    []byte
		refused bool
	}{{"hostile_5x99990_quotes", hostile, true}, {"worst_accepted_2000_events", worst, false}} {
		for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
			b.Run(c.name+"/"+string(engine), func(b *testing.B) {
				benchImport(b, engine, c.data, c.refused)
			})
		}
	}
}

func benchImport(b *testing.B, engine store.Engine, data []byte, refused bool) {
	ctx := context.Background()
	ts := testserver.Start(b, testserver.Options{Engine: engine})
	org := ts.Org(b, "bellerive")
	staff := ts.Staff(b, "com@bellerive.test", "bellerive", model.RoleManager)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, err := ts.App.Events.ImportEvents(ctx, staff.ID, org.ID, events.ImportInput{Source: "bench.ics", Data: data})
		if (err != nil) != refused {
			b.Fatalf("import: %v", err)
		}
	}
}
