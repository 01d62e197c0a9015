package publishing_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/parvis/parvis/internal/app/publishing"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
	"github.com/parvis/parvis/internal/testkit/testserver"
)

const rounds = 5

// together runs f(0) and f(1) at the same time and returns their errors.
func together(f func(i int) error) [2]error {
	var errs [2]error
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// TestConcurrentSaves has two staff save the same publication, read at
// the same revision, at the same time. Saving has no revision check (the
// last save wins, docs/PUBLISHING.md): both succeed, one after the other
// under the row's lock, so the revision goes up by exactly two, each text
// is kept as a revision, and the row holds one whole save, never a title
// of one with the body of the other.
func TestConcurrentSaves(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		n := newNewsroom(t, engine)
		p := n.draft(t, n.manager, "Budget participatif")
		for round := range rounds {
			base, err := n.ts.Store.PublicationByID(ctx, n.org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			staff := [2]model.Account{n.manager, n.admin}
			errs := together(func(i int) error {
				in := publishing.PubInputOf(base)
				in.Title = fmt.Sprintf("Budget participatif, version %d.%d", round, i)
				in.Body = fmt.Sprintf("Texte %d.%d", round, i)
				_, err := n.pub.SavePublication(ctx, staff[i].ID, n.org.ID, in)
				return err
			})
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
			}
			cur, err := n.ts.Store.PublicationByID(ctx, n.org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cur.Revision != base.Revision+2 {
				t.Fatalf("round %d: revision %d after two saves from %d", round, cur.Revision, base.Revision)
			}
			var i int
			if _, err := fmt.Sscanf(cur.BodyMD, fmt.Sprintf("Texte %d.%%d", round), &i); err != nil || cur.Title != fmt.Sprintf("Budget participatif, version %d.%d", round, i) {
				t.Fatalf("round %d: the row mixes two saves: %q / %q", round, cur.Title, cur.BodyMD)
			}
			revs, err := n.ts.Store.PublicationRevisions(ctx, n.org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(revs) != cur.Revision {
				t.Fatalf("round %d: %d revisions kept for revision %d", round, len(revs), cur.Revision)
			}
		}
	})
}

// TestConcurrentDecisions has two validators approve, then two managers
// publish, the same publication at the same time, several rounds: the
// workflow is a compare-and-set on the state, so exactly one of each pair
// wins, the other gets ErrConflict, and the history records one step each.
func TestConcurrentDecisions(t *testing.T) {
	testserver.Engines(t, func(t *testing.T, engine store.Engine) {
		ctx := context.Background()
		n := newNewsroom(t, engine)
		validators := [2]model.Account{n.validator, n.ts.Staff(t, "valideuse@bellerive.test", n.org.Handle, model.RoleValidator)}
		managers := [2]model.Account{n.manager, n.ts.Staff(t, "cheffe@bellerive.test", n.org.Handle, model.RoleManager)}
		race := func(round int, id string, staff [2]model.Account, act publishing.Action) {
			t.Helper()
			errs := together(func(i int) error {
				_, err := n.pub.Transition(ctx, staff[i].ID, n.org.ID, id, publishing.TransitionInput{Action: act})
				return err
			})
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, model.ErrConflict):
					t.Fatalf("round %d, %s: %v", round, act, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d, %s: %d winners (%v, %v)", round, act, won, errs[0], errs[1])
			}
		}
		for round := range rounds {
			p := n.draft(t, n.editor, fmt.Sprintf("Collecte des encombrants %d", round))
			n.step(t, n.editor, p.ID, publishing.ActSubmit, nil, model.StateSubmitted)
			race(round, p.ID, validators, publishing.ActApprove)
			race(round, p.ID, managers, publishing.ActPublish)
			trs, err := n.ts.Store.PublicationTransitions(ctx, n.org.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(trs) != 3 || trs[1].To != model.StateApproved || trs[2].To != model.StatePublished {
				t.Fatalf("round %d: history %+v", round, trs)
			}
		}
	})
}
