package events_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

// TestRushForLastPlaces has twelve residents register at the same time for
// the last three places of an event of five, several rounds: exactly three
// get a place, the others wait, and the places taken never exceed the
// capacity (the event's row is held while a place is decided).
func TestRushForLastPlaces(t *testing.T) {
	const capacity, early, rush = 5, 2, 12
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		v := newVenue(t, engine)
		for round := range 3 {
			p := v.publishedEvent(t, capacity)
			register := func(i int) (model.Registration, error) {
				a := v.ts.Account(t, fmt.Sprintf("habitant%d@exemple.fr", i))
				res, err := v.ev.Register(ctx, v.org.ID, p.ID, events.RegisterInput{AccountID: a.ID, Name: a.DisplayName, Waitlist: true})
				return res.Registration, err
			}
			for i := range early {
				if _, err := register(i); err != nil {
					t.Fatal(err)
				}
			}
			for i := early; i < early+rush; i++ {
				v.ts.Account(t, fmt.Sprintf("habitant%d@exemple.fr", i)) // created before the rush
			}

			var wg sync.WaitGroup
			start := make(chan struct{})
			got := make([]model.Registration, rush)
			errs := make([]error, rush)
			for i := range rush {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got[i], errs[i] = register(early + i)
				}()
			}
			close(start)
			wg.Wait()

			confirmed, waiting := 0, 0
			for i, r := range got {
				if errs[i] != nil {
					t.Fatalf("round %d, resident %d: %v", round, early+i, errs[i])
				}
				switch r.Status {
				case model.RegConfirmed:
					confirmed++
				case model.RegWaiting:
					waiting++
				default:
					t.Fatalf("round %d, resident %d: status %s", round, early+i, r.Status)
				}
			}
			if confirmed != capacity-early || waiting != rush-(capacity-early) {
				t.Fatalf("round %d: %d confirmed and %d waiting in the rush, want %d and %d",
					round, confirmed, waiting, capacity-early, rush-(capacity-early))
			}
			n := v.counts(t, p.ID)
			taken, err := v.ts.Store.TakenSeats(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n[model.RegConfirmed] != capacity || taken != capacity || n[model.RegWaiting] != waiting {
				t.Fatalf("round %d: counts %v, %d seats taken, capacity %d", round, n, taken, capacity)
			}
		}
	})
}
