package debate

import (
	"context"
	"slices"
	"time"

	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/store"
)

// TransparencyReport is an organisation's yearly figures.
type TransparencyReport struct {
	Year int
	store.Transparency
	MedianWait time.Duration
	Decided    int // human decisions with a queue time
}

// Transparency counts an organisation's debate for a calendar year (Europe/Paris).
func (s *Service) Transparency(ctx context.Context, orgID string, year int) (TransparencyReport, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, dates.Paris).UTC()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, dates.Paris).UTC()
	t, err := s.Store.TransparencyOf(ctx, orgID, from, to)
	if err != nil {
		return TransparencyReport{}, err
	}
	r := TransparencyReport{Year: year, Transparency: t, Decided: len(t.Waits)}
	if len(t.Waits) > 0 {
		w := slices.Clone(t.Waits)
		slices.Sort(w)
		if len(w)%2 == 1 {
			r.MedianWait = w[len(w)/2]
		} else {
			r.MedianWait = (w[len(w)/2-1] + w[len(w)/2]) / 2
		}
	}
	return r, nil
}
