package publishing

import (
	"strings"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/model"
)

// The editor's input: its text as typed, read into a publication's content
// fields.

// PubInputOf fills an editor form from a publication.
func PubInputOf(p model.Publication) model.PubInput {
	in := model.PubInput{ID: p.ID, Kind: p.Kind, Title: p.Title, Summary: p.Summary, Body: p.BodyMD,
		AlertLevel: string(p.AlertLevel), JobTitle: p.Job.Title, JobGrade: p.Job.Grade, JobCategory: p.Job.Category,
		JobFiliere: p.Job.Filiere, JobContract: p.Job.Contract, JobTime: p.Job.Time, JobPlace: p.Job.Place,
		JobApply: p.Job.HowToApply, TopicIDs: p.TopicIDs, NeighbourhoodIDs: p.NeighbourhoodIDs, ImageID: p.ImageID}
	if p.AlertEndsAt != nil {
		in.AlertEndsAt = p.AlertEndsAt.In(dates.Paris).Format(dates.LocalDateTime)
	}
	if p.Job.ClosesAt != nil {
		in.JobClosesAt = p.Job.ClosesAt.In(dates.Paris).Format(dates.LocalDate)
	}
	return in
}

// parseInput checks formats (dates, choices, lengths) and builds the content
// fields of a publication. Completeness is checked only when the
// publication is to go out (ready), so that a draft can always be saved.
func parseInput(in model.PubInput) (model.Publication, *model.ValidationError) {
	v := &model.ValidationError{}
	trim := strings.TrimSpace
	p := model.Publication{Kind: in.Kind, Title: trim(in.Title), Summary: trim(in.Summary),
		BodyMD: strings.ReplaceAll(in.Body, "\r\n", "\n"), ImageID: trim(in.ImageID)}
	if p.Title == "" {
		v.Add("title", "pub.error.title")
	} else if core.TooLong(p.Title, model.MaxTitle) {
		v.Add("title", "pub.error.title_long")
	}
	maxSummary := model.MaxSummary
	if p.Kind == model.KindAlert {
		maxSummary = model.MaxAlertSummary
	}
	if core.TooLong(p.Summary, maxSummary) {
		v.Add("summary", "pub.error.summary_long."+string(kindOrNews(p.Kind)))
	}
	if core.TooLong(p.BodyMD, model.MaxBody) {
		v.Add("body", "pub.error.body_long")
	}
	switch p.Kind {
	case model.KindAlert:
		p.AlertLevel = model.AlertLevel(trim(in.AlertLevel))
		if p.AlertLevel != "" && !p.AlertLevel.Valid() {
			v.Add("alert_level", "pub.error.alert_level")
		}
		if s := trim(in.AlertEndsAt); s != "" {
			if t, ok := dates.ParseLocal(s); ok {
				p.AlertEndsAt = &t
			} else {
				v.Add("alert_ends_at", "pub.error.datetime")
			}
		}
	case model.KindJob:
		p.Job = model.JobOffer{Title: trim(in.JobTitle), Grade: trim(in.JobGrade), Category: trim(in.JobCategory),
			Filiere: trim(in.JobFiliere), Contract: trim(in.JobContract), Time: trim(in.JobTime), Place: trim(in.JobPlace),
			HowToApply: trim(in.JobApply)}
		for field, val := range map[string]string{"job_title": p.Job.Title, "job_grade": p.Job.Grade,
			"job_filiere": p.Job.Filiere, "job_place": p.Job.Place} {
			if core.TooLong(val, model.MaxField) {
				v.Add(field, "pub.error.field_long")
			}
		}
		if core.TooLong(p.Job.HowToApply, model.MaxApply) {
			v.Add("job_apply", "pub.error.field_long")
		}
		if c := p.Job.Category; c != "" && c != "A" && c != "B" && c != "C" {
			v.Add("job_category", "pub.error.job_category")
		}
		if c := p.Job.Contract; c != "" && c != "permanent" && c != "contract" {
			v.Add("job_contract", "pub.error.job_contract")
		}
		if c := p.Job.Time; c != "" && c != "full" && c != "part" {
			v.Add("job_time", "pub.error.job_time")
		}
		if s := trim(in.JobClosesAt); s != "" {
			d, err := time.ParseInLocation(dates.LocalDate, s, dates.Paris)
			if err != nil {
				v.Add("job_closes_at", "pub.error.date")
			} else {
				// Applications close at the end of that day, Paris time.
				end := d.AddDate(0, 0, 1).Add(-time.Minute).UTC()
				p.Job.ClosesAt = &end
			}
		}
	}
	return p, v
}

func kindOrNews(k model.PubKind) model.PubKind {
	if k == model.KindAlert {
		return k
	}
	return model.KindNews
}

// ParseInput is parseInput for the events feature, which checks an imported
// event's text before it writes anything.
func (s *Service) ParseInput(in model.PubInput) (model.Publication, *model.ValidationError) {
	return parseInput(in)
}
