package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/events"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

var eventTitles = []string{"Marché de producteurs {lieu}", "Conseil de quartier {lieu}", "Concert de l'école de musique",
	"Atelier compostage {lieu}", "Lecture à la médiathèque", "Vide-greniers {rue}", "Balade nature des {lieu}",
	"Permanence des élus", "Tournoi de pétanque", "Exposition de peinture", "Bal populaire", "Repas des aînés",
	"Réunion publique : travaux {rue}", "Ciné plein air", "Atelier numérique", "Nettoyage citoyen {lieu}"}

// runEvents adds n events (a tenth of them weekly series of 4 to 52 dates)
// spread from a month ago to a year ahead, published, with their
// occurrences, in batches of batch events per transaction.
func runEvents(ctx context.Context, a *app.App, orgID string, n, batch int, topicIDs, nbIDs []string) (occurrences int, err error) {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	now := a.Now()
	for done := 0; done < n; {
		m := min(batch, n-done)
		var (
			pubs []model.Publication
			evs  []model.Event
		)
		for i := range m {
			k := done + i
			day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, dates.Paris).AddDate(0, 0, -30+rng.IntN(395))
			start := day.Add(time.Duration(8+rng.IntN(12))*time.Hour + time.Duration(rng.IntN(4)*15)*time.Minute)
			title := strings.NewReplacer("{rue}", pick(rng, streets), "{lieu}", pick(rng, places)).Replace(pick(rng, eventTitles))
			created := now.Add(-time.Duration(1+rng.IntN(60)) * 24 * time.Hour)
			p := model.Publication{ID: core.NewID(), OrgID: orgID, Kind: model.KindEvent, Revision: 1, State: model.StatePublished,
				Title: title, Slug: fmt.Sprintf("%s-e%d", core.Slugify(title), k), Summary: "Rendez-vous proposé par la commune : entrée libre.",
				BodyMD: "Venez nombreux.", BodyHTML: "<p>Venez nombreux.</p>", CreatedAt: created, UpdatedAt: created, PublishedAt: &created}
			if len(topicIDs) > 0 {
				p.TopicIDs = []string{topicIDs[rng.IntN(len(topicIDs))]}
			}
			if len(nbIDs) > 0 && rng.IntN(2) == 0 {
				p.NeighbourhoodIDs = []string{nbIDs[rng.IntN(len(nbIDs))]}
			}
			e := model.Event{PublicationID: p.ID, OrgID: orgID, StartsAt: start.UTC(), EndsAt: start.Add(time.Duration(1+rng.IntN(4)) * time.Hour).UTC(),
				PlaceName: pick(rng, places), PlaceAddress: pick(rng, streets), Attendance: model.AttendInPerson, Free: true,
				OrganiserKind: model.OrganiserOrg, JoinMode: model.JoinFree, Status: model.EventScheduled, CreatedAt: created, UpdatedAt: created}
			if rng.IntN(10) == 0 {
				e.Recurrence = model.Recurrence{Freq: "weekly", Weekdays: []time.Weekday{start.Weekday()}, Count: 4 + rng.IntN(49)}
			}
			if rng.IntN(5) == 0 {
				e.JoinMode, e.Capacity = model.JoinRestricted, 10+rng.IntN(200)
			}
			pubs, evs = append(pubs, p), append(evs, e)
		}
		err := a.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.BulkInsertPublications(ctx, pubs); err != nil {
				return err
			}
			var occs []model.Occurrence
			for _, e := range evs {
				if err := tx.PutEvent(ctx, e); err != nil {
					return err
				}
				o, _ := events.ExpandEvent(e, nil)
				occs = append(occs, o...)
			}
			occurrences += len(occs)
			return tx.InsertOccurrences(ctx, occs)
		})
		if err != nil {
			return occurrences, fmt.Errorf("events: %w", err)
		}
		done += m
	}
	return occurrences, nil
}
