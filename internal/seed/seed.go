// Package seed generates a large, realistic organisation — topics,
// neighbourhoods and many French publications of every kind — for
// performance measurements (`parvis seed`). Text comes from templates, with
// a fixed random seed so that runs are comparable.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app"
	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/organisations"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Options says how much to generate.
type Options struct {
	Handle         string
	Name           string
	Publications   int
	Topics         int
	Neighbourhoods int
	Events         int // events (events.go), a tenth of them weekly series
	Batch          int // rows per transaction; 0: 2,000
	Progress       func(done int)
}

// Result summarises what was written.
type Result struct {
	OrgID          string
	Publications   int
	Published      int
	Topics         int
	Neighbourhoods int
	Events         int
	Occurrences    int
	Elapsed        time.Duration
}

// Run creates the organisation (it must not exist) and its content.
func Run(ctx context.Context, a *app.App, opt Options) (Result, error) {
	start := time.Now()
	if opt.Batch <= 0 {
		opt.Batch = 2000
	}
	if opt.Name == "" {
		opt.Name = "Ville de " + strings.ToUpper(opt.Handle[:1]) + opt.Handle[1:]
	}
	org, err := a.Organisations.CreateOrganisation(ctx, "", organisations.NewOrganisation{Handle: opt.Handle, Name: opt.Name, Kind: model.KindCommune})
	if err != nil {
		return Result{}, fmt.Errorf("create organisation: %w", err)
	}
	org.Description = "Commune de démonstration générée pour les mesures de performance : " +
		"actualités, alertes, offres d'emploi et pages par milliers."
	org.UpdatedAt = a.Now()
	if err := a.Store.UpdateOrganisationProfile(ctx, org); err != nil {
		return Result{}, err
	}
	res := Result{OrgID: org.ID}
	rng := rand.New(rand.NewPCG(42, uint64(opt.Publications)))
	now := a.Now()
	var topicIDs, nbIDs []string
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		for i := range opt.Topics {
			name := topicNames[i%len(topicNames)]
			if i >= len(topicNames) {
				name = fmt.Sprintf("%s %d", name, i/len(topicNames)+1)
			}
			t := model.Topic{ID: core.NewID(), OrgID: org.ID, Slug: core.Slugify(name), Name: name,
				Description: "Tout ce que la commune publie sur le thème « " + name + " ».", CreatedAt: now}
			if err := tx.CreateTopic(ctx, t); err != nil {
				return err
			}
			topicIDs = append(topicIDs, t.ID)
		}
		for i := range opt.Neighbourhoods {
			name := places[i%len(places)]
			if i >= len(places) {
				name = fmt.Sprintf("%s %d", name, i/len(places)+1)
			}
			n := model.Neighbourhood{ID: core.NewID(), OrgID: org.ID, Slug: core.Slugify(name), Name: name, CreatedAt: now}
			if err := tx.CreateNeighbourhood(ctx, n); err != nil {
				return err
			}
			nbIDs = append(nbIDs, n.ID)
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("taxonomy: %w", err)
	}
	res.Topics, res.Neighbourhoods = len(topicIDs), len(nbIDs)
	// Publications spread over the last ten years, the newest last.
	span := 10 * 365 * 24 * time.Hour
	for done := 0; done < opt.Publications; {
		n := min(opt.Batch, opt.Publications-done)
		batch := make([]model.Publication, 0, n)
		for i := range n {
			k := done + i
			at := now.Add(-span + time.Duration(float64(span)*float64(k+1)/float64(opt.Publications+1))).Truncate(time.Second)
			p := generate(rng, k, at, now, topicIDs, nbIDs)
			p.OrgID = org.ID
			if p.State == model.StatePublished {
				res.Published++
			}
			batch = append(batch, p)
		}
		err := a.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.BulkInsertPublications(ctx, batch); err != nil {
				return err
			}
			return tx.BulkIndexPublications(ctx, batch)
		})
		if err != nil {
			return res, err
		}
		done += n
		res.Publications = done
		if opt.Progress != nil {
			opt.Progress(done)
		}
	}
	if opt.Events > 0 {
		if res.Occurrences, err = runEvents(ctx, a, org.ID, opt.Events, opt.Batch, topicIDs, nbIDs); err != nil {
			return res, err
		}
		res.Events = opt.Events
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// generate makes publication k, published at (or drafted at) at.
func generate(rng *rand.Rand, k int, at, now time.Time, topicIDs, nbIDs []string) model.Publication {
	p := model.Publication{ID: core.NewID(), Revision: 1, CreatedAt: at, UpdatedAt: at, State: model.StatePublished}
	r := rng.IntN(100)
	street, place := pick(rng, streets), pick(rng, places)
	date := at.AddDate(0, 0, 3+rng.IntN(20))
	vars := strings.NewReplacer("{rue}", street, "{lieu}", place, "{date}", frDate(date), "{service}", pick(rng, services),
		"{n}", fmt.Sprint(2+rng.IntN(40)), "{an}", fmt.Sprint(at.Year()))
	switch {
	case r < 80:
		p.Kind = model.KindNews
		p.Title = vars.Replace(pick(rng, newsTitles))
	case r < 88:
		p.Kind = model.KindAlert
		p.Title = vars.Replace(pick(rng, alertTitles))
		p.AlertLevel = pick(rng, []model.AlertLevel{model.AlertInfo, model.AlertInfo, model.AlertVigilance, model.AlertUrgence})
		end := at.Add(time.Duration(6+rng.IntN(72)) * time.Hour)
		p.AlertEndsAt = &end
	case r < 97:
		p.Kind = model.KindJob
		job := pick(rng, jobs)
		p.Title = job.title + " (H/F)"
		closes := at.AddDate(0, 1, 0)
		p.Job = model.JobOffer{Title: job.title, Grade: job.grade, Category: job.cat, Filiere: job.filiere,
			Contract: pick(rng, []string{"permanent", "contract"}), Time: pick(rng, []string{"full", "full", "part"}),
			Place: vars.Replace("{lieu}, {rue}"), ClosesAt: &closes,
			HowToApply: "Lettre de motivation et CV à adresser à Monsieur le Maire, par courriel à recrutement@mairie.example."}
	default:
		p.Kind = model.KindPage
		p.Title = vars.Replace(pick(rng, pageTitles)) + fmt.Sprintf(" (%d)", k)
	}
	p.Summary = vars.Replace(pick(rng, summaries))
	var body strings.Builder
	for range 3 + rng.IntN(4) {
		body.WriteString("<p>")
		for range 2 + rng.IntN(3) {
			body.WriteString(vars.Replace(pick(rng, sentences)))
			body.WriteByte(' ')
		}
		body.WriteString("</p>\n")
	}
	p.BodyHTML = body.String()
	p.BodyMD = strings.NewReplacer("<p>", "", "</p>", "").Replace(p.BodyHTML)
	p.Slug = fmt.Sprintf("%s-%d", core.Slugify(p.Title), k)
	if len(p.Slug) > 90 {
		p.Slug = fmt.Sprintf("%s-%d", strings.Trim(p.Slug[:80], "-"), k)
	}
	// A few drafts and withdrawn items, as in real life.
	switch s := rng.IntN(100); {
	case s < 3:
		p.State = model.StateDraft
	case s < 4:
		p.State = model.StateUnpublished
		p.PublishedAt = &at
		un := at.Add(time.Hour)
		p.UnpublishedAt = &un
	default:
		p.PublishedAt = &at
		if rng.IntN(10) == 0 {
			up := at.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			if up.Before(now) {
				p.RepublishedAt = &up
			}
		}
	}
	if len(topicIDs) > 0 {
		p.TopicIDs = []string{topicIDs[rng.IntN(len(topicIDs))]}
		if rng.IntN(3) == 0 {
			if t := topicIDs[rng.IntN(len(topicIDs))]; t != p.TopicIDs[0] {
				p.TopicIDs = append(p.TopicIDs, t)
			}
		}
	}
	if len(nbIDs) > 0 && rng.IntN(2) == 0 {
		p.NeighbourhoodIDs = []string{nbIDs[rng.IntN(len(nbIDs))]}
	}
	return p
}

func frDate(t time.Time) string { return dates.DayNumber(t.Day()) + " " + dates.MonthFR(t) }
