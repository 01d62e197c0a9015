package publishing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/markdown"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Preview renders the body as the public page will show it, and lists
// what would stop publication (images without alt text, external images).
// A body over the Markdown limits is a *model.FieldError on "body".
func Preview(body string) (markdown.Result, error) {
	return core.RenderBody(strings.ReplaceAll(body, "\r\n", "\n"), nil)
}

// Prerender renders in's body before the write transaction, with the
// images' sizes read outside it, so that the transaction only writes (it
// is given to SaveInTx).
func (s *Service) Prerender(ctx context.Context, orgID string, in model.PubInput) (*markdown.Rendered, error) {
	p, _ := parseInput(in)
	r, err := core.RenderBody(p.BodyMD, s.imageSizes(ctx, s.Store.Queries, orgID))
	if err != nil {
		return nil, err
	}
	return &markdown.Rendered{Src: p.BodyMD, Result: r}, nil
}

// imageSizes looks our images up for the renderer, through q (the pool, or
// a transaction).
func (s *Service) imageSizes(ctx context.Context, q *store.Queries, orgID string) markdown.ImageSizes {
	return func(src string) (markdown.ImageSize, bool) {
		m, err := q.MediaByPath(ctx, strings.TrimPrefix(src, markdown.MediaPrefix))
		if err != nil || m.OrgID != orgID || m.Kind != "image" {
			return markdown.ImageSize{}, false // shown without size: not worth failing the save
		}
		return markdown.ImageSize{Width: m.Width, Height: m.Height, Srcset: m.Srcset()}, true
	}
}

// readiness checks that p can go out at now: the fields its kind requires,
// text alternatives, dates still ahead. The body must have been rendered.
func readiness(p model.Publication, r markdown.Result, now time.Time) *model.ValidationError {
	v := &model.ValidationError{}
	if p.Title == "" {
		v.Add("title", "pub.error.title")
	}
	switch p.Kind {
	case model.KindNews, model.KindPage:
		if strings.TrimSpace(p.BodyMD) == "" {
			v.Add("body", "pub.error.body")
		}
	case model.KindAlert:
		if p.Summary == "" {
			v.Add("summary", "pub.error.alert_summary")
		}
		if !p.AlertLevel.Valid() {
			v.Add("alert_level", "pub.error.alert_level")
		}
		if p.AlertEndsAt != nil && !p.AlertEndsAt.After(now) {
			v.Add("alert_ends_at", "pub.error.alert_ends_past")
		}
	case model.KindJob:
		req := map[string]string{"job_title": p.Job.Title, "job_category": p.Job.Category, "job_filiere": p.Job.Filiere,
			"job_contract": p.Job.Contract, "job_time": p.Job.Time, "job_place": p.Job.Place, "job_apply": p.Job.HowToApply}
		for _, f := range []string{"job_title", "job_category", "job_filiere", "job_contract", "job_time", "job_place", "job_apply"} {
			if req[f] == "" {
				v.Add(f, "pub.error.required")
			}
		}
		if p.Job.ClosesAt == nil {
			v.Add("job_closes_at", "pub.error.required")
		} else if !p.Job.ClosesAt.After(now) {
			v.Add("job_closes_at", "pub.error.job_closed")
		}
	}
	if len(r.Problems()) > 0 {
		// The editor lists each image by name (markdown.Result.Problems).
		v.Add("body", "pub.error.body_images")
	}
	return v
}

// pubSlug is the URL segment of a new publication (Slugify, or a
// fallback for titles with no letter or digit).
func pubSlug(title string) string {
	if s := core.Slugify(title); s != "" {
		return s
	}
	return "publication"
}

// freeSlug finds an unused slug in the organisation from base.
func freeSlug(ctx context.Context, tx *store.Tx, orgID, base string) (string, error) {
	slug := base
	for i := 2; ; i++ {
		taken, err := tx.SlugTaken(ctx, orgID, slug)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
		slug = fmt.Sprintf("%s-%d", base, i)
	}
}

// CanEdit tells whether m may change p's content.
func CanEdit(m model.Membership, p model.Publication) bool {
	switch {
	case policy.RoleMay(m.Role, policy.PublicationPublish):
		return true
	case policy.RoleMay(m.Role, policy.PublicationEdit):
		return p.AuthorID == m.AccountID && (p.State == model.StateDraft || p.State == model.StateUnpublished)
	}
	return false
}

// SavePublication creates or updates a publication's content as actorID. New
// publications start as drafts. Saving unchanged content (autosave) writes
// nothing. Content that is out (published) or about to be (scheduled) must
// stay publishable, so it is checked like a publication.
func (s *Service) SavePublication(ctx context.Context, actorID, orgID string, in model.PubInput) (model.SaveResult, error) {
	var res model.SaveResult
	pre, err := s.Prerender(ctx, orgID, in)
	if err != nil {
		return res, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = s.SaveInTx(ctx, tx, actorID, orgID, in, pre, false)
		return err
	})
	return res, err
}

// SaveInTx is SavePublication inside tx, with in's body rendered by
// Prerender (nil: rendered here). Events are saved by the events feature's
// SaveEvent (app/events), which passes event=true with its own checks.
func (s *Service) SaveInTx(ctx context.Context, tx *store.Tx, actorID, orgID string, in model.PubInput, pre *markdown.Rendered,
	event bool) (model.SaveResult, error) {
	now := s.Now()
	m, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.PublicationEdit)
	if err != nil {
		return model.SaveResult{}, err
	}
	var cur model.Publication
	exists := false
	if in.ID != "" {
		cur, err = tx.PublicationForUpdate(ctx, orgID, in.ID)
		switch {
		case err == nil:
			exists = true
			in.Kind = cur.Kind // a publication never changes kind
		case !errors.Is(err, model.ErrNotFound):
			return model.SaveResult{}, err
		}
	}
	if !in.Kind.Valid() || (in.Kind == model.KindEvent) != event {
		return model.SaveResult{}, model.ErrInvalid
	}
	p, v := parseInput(in)
	if err := s.checkRefs(ctx, tx, orgID, p.ImageID, v); err != nil {
		return model.SaveResult{}, err
	}
	if err := v.Err(); err != nil {
		return model.SaveResult{}, err
	}
	var r markdown.Result
	if pre != nil && pre.Src == p.BodyMD {
		r = pre.Result
	} else if r, err = core.RenderBody(p.BodyMD, s.imageSizes(ctx, tx.Queries, orgID)); err != nil {
		return model.SaveResult{}, err
	}
	p.BodyHTML = r.HTML
	if !exists {
		return s.create(ctx, tx, actorID, orgID, p, in, now)
	}
	if !CanEdit(m, cur) {
		return model.SaveResult{}, model.ErrForbidden
	}
	return s.update(ctx, tx, actorID, cur, p, r, in, now)
}

// create saves p, read from in, as a new draft of actorID (SaveInTx).
func (s *Service) create(ctx context.Context, tx *store.Tx, actorID, orgID string, p model.Publication, in model.PubInput,
	now time.Time) (model.SaveResult, error) {
	var res model.SaveResult
	var err error
	p.ID, p.OrgID, p.State, p.AuthorID, p.CreatedAt, p.UpdatedAt = in.ID, orgID, model.StateDraft, actorID, now, now
	if p.ID == "" {
		p.ID = core.NewID()
	} else if _, err := uuid.Parse(p.ID); err != nil {
		return res, model.ErrInvalid
	}
	if p.Slug, err = freeSlug(ctx, tx, orgID, pubSlug(p.Title)); err != nil {
		return res, err
	}
	if err := tx.CreatePublication(ctx, p, core.NewID()); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return res, model.ErrNotFound // that id is another organisation's publication
		}
		return res, err
	}
	if err := s.setTags(ctx, tx, orgID, p.ID, in); err != nil {
		return res, err
	}
	res.Created, res.Changed = true, true
	if err := s.Audit(ctx, tx, orgID, actorID, "publication.create", p.ID, p.Title); err != nil {
		return res, err
	}
	res.Publication, err = tx.PublicationByID(ctx, orgID, p.ID)
	return res, err
}

// update saves p, read from in with its body rendered as r, over cur
// (SaveInTx): a new revision unless nothing changed, federated when
// live, and back to review when a change voids an approval.
func (s *Service) update(ctx context.Context, tx *store.Tx, actorID string, cur, p model.Publication, r markdown.Result,
	in model.PubInput, now time.Time) (model.SaveResult, error) {
	var res model.SaveResult
	var err error
	orgID := cur.OrgID
	if cur.State == model.StatePublished || cur.State == model.StateScheduled {
		if v := readiness(p, r, now); v.Err() != nil {
			return res, v
		}
	}
	p.ID, p.OrgID, p.UpdatedAt = cur.ID, orgID, now
	tagsChanged := !sameSet(cur.TopicIDs, in.TopicIDs) || !sameSet(cur.NeighbourhoodIDs, in.NeighbourhoodIDs)
	if tagsChanged {
		if err := s.setTags(ctx, tx, orgID, p.ID, in); err != nil {
			return res, err
		}
	}
	if sameContent(cur, p) {
		res.Publication, err = tx.PublicationByID(ctx, orgID, p.ID)
		return res, err
	}
	if _, err := tx.UpdatePublicationContent(ctx, p, core.NewID(), actorID); err != nil {
		return res, err
	}
	if err := tx.IndexPublication(ctx, p.ID); err != nil {
		return res, err
	}
	res.Changed = true
	action := "publication.update"
	if cur.State == model.StatePublished {
		action = "publication.update_live"
		// An event's Update goes out from SaveEvent, once its details
		// are saved too.
		if cur.Kind != model.KindEvent {
			if err := s.Fediverse.FederatePublication(ctx, tx, orgID, p.ID, "Update"); err != nil {
				return res, err
			}
		}
	}
	if err := s.Audit(ctx, tx, orgID, actorID, action, p.ID, p.Title); err != nil {
		return res, err
	}
	// A change after approval voids the approval when validation is required.
	if cur.State == model.StateApproved || cur.State == model.StateScheduled {
		required, err := tx.ValidationRequired(ctx, orgID, cur.Kind)
		if err != nil {
			return res, err
		}
		if required {
			if err := s.Move(ctx, tx, actorID, cur, model.StateSubmitted, "", nil); err != nil {
				return res, err
			}
			// Submitted again: the validators are told, as for a submission.
			cur.Title = p.Title
			if err := s.notifyStep(ctx, tx, actorID, cur, ActSubmit, "", true); err != nil {
				return res, err
			}
			res.BackToReview = true
		}
	}
	res.Publication, err = tx.PublicationByID(ctx, orgID, p.ID)
	return res, err
}

// checkRefs refuses an illustration that is not one of the organisation's images.
func (s *Service) checkRefs(ctx context.Context, tx *store.Tx, orgID, imageID string, v *model.ValidationError) error {
	if imageID == "" {
		return nil
	}
	m, err := tx.MediaByID(ctx, orgID, imageID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && m.Kind != "image") {
		v.Add("image_id", "pub.error.image_unknown")
		return nil
	}
	return err
}

func (s *Service) setTags(ctx context.Context, tx *store.Tx, orgID, pubID string, in model.PubInput) error {
	if err := tx.SetPublicationTopics(ctx, orgID, pubID, in.TopicIDs); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return &model.FieldError{Field: "topics", Code: "pub.error.topic_unknown"}
		}
		return err
	}
	if err := tx.SetPublicationNeighbourhoods(ctx, orgID, pubID, in.NeighbourhoodIDs); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return &model.FieldError{Field: "neighbourhoods", Code: "pub.error.neighbourhood_unknown"}
		}
		return err
	}
	return nil
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// sameContent reports whether saving p over cur would change nothing.
func sameContent(cur, p model.Publication) bool {
	cj, pj := cur.Job, p.Job
	cj.ClosesAt, pj.ClosesAt = nil, nil
	return cur.Title == p.Title && cur.Summary == p.Summary && cur.BodyMD == p.BodyMD && cur.ImageID == p.ImageID &&
		cur.AlertLevel == p.AlertLevel && sameTime(cur.AlertEndsAt, p.AlertEndsAt) && cj == pj &&
		sameTime(cur.Job.ClosesAt, p.Job.ClosesAt)
}

// Move records a transition of p to state `to` inside tx, with the audit
// entry (events' imports publish with it too).
func (s *Service) Move(ctx context.Context, tx *store.Tx, actorID string, p model.Publication, to model.PubState, comment string, at *time.Time) error {
	err := tx.SetPublicationState(ctx, store.StateChange{PubTransition: model.PubTransition{ID: core.NewID(),
		PublicationID: p.ID, OrgID: p.OrgID, From: p.State, To: to, ActorID: actorID, Comment: comment,
		CreatedAt: s.Now()}, ScheduledAt: at})
	if err != nil {
		return err
	}
	// Search follows publication: indexed when published, removed otherwise.
	if err := tx.IndexPublication(ctx, p.ID); err != nil {
		return err
	}
	// Subscribers who want it at once are e-mailed (once per publication).
	if to == model.StatePublished {
		if err := s.Mailing.NotifyPublished(ctx, tx, p.OrgID, p.ID); err != nil {
			return err
		}
	}
	detail := string(p.State) + " → " + string(to)
	if comment != "" {
		detail += " : " + comment
	}
	if err := s.Audit(ctx, tx, p.OrgID, actorID, "publication."+string(to), p.ID, detail); err != nil {
		return err
	}
	// Followers on the Fediverse hear of it in the same transaction.
	switch {
	case to == model.StatePublished && p.State != model.StatePublished:
		return s.Fediverse.FederatePublication(ctx, tx, p.OrgID, p.ID, "Create")
	case p.State == model.StatePublished && to != model.StatePublished:
		return s.Fediverse.FederatePublication(ctx, tx, p.OrgID, p.ID, "Delete")
	}
	return nil
}

// Action is a workflow step a person asks for.
type Action string

const (
	ActSubmit     Action = "submit"
	ActWithdraw   Action = "withdraw"
	ActApprove    Action = "approve"
	ActSendBack   Action = "send_back"
	ActPublish    Action = "publish"
	ActSchedule   Action = "schedule"
	ActUnschedule Action = "unschedule"
	ActUnpublish  Action = "unpublish"
)

// Actions lists, in display order, what m may do with p now.
func (s *Service) Actions(ctx context.Context, m model.Membership, p model.Publication) ([]Action, error) {
	required, err := s.Store.ValidationRequired(ctx, p.OrgID, p.Kind)
	if err != nil {
		return nil, err
	}
	var out []Action
	for _, act := range []Action{ActSubmit, ActWithdraw, ActApprove, ActSendBack, ActPublish, ActSchedule, ActUnschedule, ActUnpublish} {
		if _, err := allowed(act, m, p, required); err == nil {
			out = append(out, act)
		}
	}
	return out, nil
}

// allowed decides whether m may take act on p, and to which state it leads.
// ErrConflict: not from this state; ErrForbidden: not for this person.
func allowed(act Action, m model.Membership, p model.Publication, required bool) (model.PubState, error) {
	// Who may is the policy's (docs/ARCHITECTURE.md); which state a
	// publication may leave and where it goes is the workflow's, here.
	may := func(act policy.Action) bool { return policy.RoleMay(m.Role, act) }
	from := func(states ...model.PubState) bool { return slices.Contains(states, p.State) }
	own := p.AuthorID == m.AccountID
	switch act {
	case ActSubmit:
		if !from(model.StateDraft, model.StateUnpublished) {
			return "", model.ErrConflict
		}
		if !may(policy.PublicationPublish) && !(may(policy.PublicationEdit) && own) {
			return "", model.ErrForbidden
		}
		return model.StateSubmitted, nil
	case ActWithdraw:
		if !from(model.StateSubmitted) {
			return "", model.ErrConflict
		}
		if !may(policy.PublicationPublish) && !(may(policy.PublicationEdit) && own) {
			return "", model.ErrForbidden
		}
		return model.StateDraft, nil
	case ActApprove:
		if !from(model.StateSubmitted) {
			return "", model.ErrConflict
		}
		// Four eyes: under required validation, nobody approves their own text.
		if !may(policy.PublicationValidate) || (required && own) {
			return "", model.ErrForbidden
		}
		return model.StateApproved, nil
	case ActSendBack:
		if !from(model.StateSubmitted, model.StateApproved) {
			return "", model.ErrConflict
		}
		if !may(policy.PublicationReview) {
			return "", model.ErrForbidden
		}
		return model.StateDraft, nil
	case ActPublish, ActSchedule:
		direct := []model.PubState{model.StateApproved, model.StateScheduled}
		if !required {
			direct = append(direct, model.StateDraft, model.StateSubmitted, model.StateUnpublished)
		}
		if !from(direct...) {
			if from(model.StateDraft, model.StateSubmitted, model.StateUnpublished) {
				return "", model.ErrForbidden // needs approval first
			}
			return "", model.ErrConflict
		}
		if !may(policy.PublicationPublish) {
			return "", model.ErrForbidden
		}
		if act == ActPublish {
			return model.StatePublished, nil
		}
		return model.StateScheduled, nil
	case ActUnschedule:
		if !from(model.StateScheduled) {
			return "", model.ErrConflict
		}
		if !may(policy.PublicationPublish) {
			return "", model.ErrForbidden
		}
		return model.StateApproved, nil
	case ActUnpublish:
		if !from(model.StatePublished) {
			return "", model.ErrConflict
		}
		if !may(policy.PublicationPublish) {
			return "", model.ErrForbidden
		}
		return model.StateUnpublished, nil
	}
	return "", model.ErrInvalid
}

// TransitionInput is a workflow request.
type TransitionInput struct {
	Action  Action
	Comment string
	When    string // dates.LocalDateTime, for ActSchedule
}

// Transition applies a workflow step to an organisation's publication as
// actorID. A repeated request (the publication already moved) is
// model.ErrConflict and changes nothing.
func (s *Service) Transition(ctx context.Context, actorID, orgID, pubID string, in TransitionInput) (model.Publication, error) {
	var out model.Publication
	now := s.Now()
	in.Comment = strings.TrimSpace(in.Comment)
	// The body is rendered (for the readiness checks) before the write
	// transaction, and again inside only if it changed in between.
	var pre *markdown.Rendered
	if cur, err := s.Store.PublicationByID(ctx, orgID, pubID); err == nil {
		if r, err := core.RenderBody(cur.BodyMD, nil); err == nil {
			pre = &markdown.Rendered{Src: cur.BodyMD, Result: r}
		}
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.transitionInTx(ctx, tx, actorID, orgID, pubID, in, pre, now)
		return err
	})
	return out, err
}

// transitionInTx is Transition inside tx, with the body rendered by pre
// (nil, or another source: rendered here).
func (s *Service) transitionInTx(ctx context.Context, tx *store.Tx, actorID, orgID, pubID string, in TransitionInput,
	pre *markdown.Rendered, now time.Time) (model.Publication, error) {
	// Which transition each role may make is allowed's, below.
	m, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.PublicationView)
	if err != nil {
		return model.Publication{}, err
	}
	p, err := tx.PublicationForUpdate(ctx, orgID, pubID)
	if err != nil {
		return model.Publication{}, err
	}
	required, err := tx.ValidationRequired(ctx, orgID, p.Kind)
	if err != nil {
		return model.Publication{}, err
	}
	to, err := allowed(in.Action, m, p, required)
	if err != nil {
		return model.Publication{}, err
	}
	at, err := checkTransition(in, now)
	if err != nil {
		return model.Publication{}, err
	}
	switch to {
	case model.StateSubmitted, model.StateApproved, model.StatePublished, model.StateScheduled:
		r := markdown.Result{}
		if pre != nil && pre.Src == p.BodyMD {
			r = pre.Result
		} else if r, err = core.RenderBody(p.BodyMD, nil); err != nil {
			return model.Publication{}, err
		}
		check := now
		if at != nil {
			check = *at // an alert or offer must still be current when it goes out
		}
		if v := readiness(p, r, check); v.Err() != nil {
			return model.Publication{}, &NotReadyError{Fields: v}
		}
	}
	if err := s.Move(ctx, tx, actorID, p, to, in.Comment, at); err != nil {
		return model.Publication{}, err
	}
	if to == model.StateScheduled {
		// Committed with the state change, so it survives a restart; the
		// worker checks the time still matches (rescheduling is harmless).
		err := s.Jobs.Enqueue(ctx, tx, jobs.PublishScheduledArgs{OrgID: orgID, PublicationID: p.ID, At: *at},
			&river.InsertOpts{ScheduledAt: *at})
		if err != nil {
			return model.Publication{}, err
		}
	}
	// Whoever takes the next step hears of it in the same transaction.
	if err := s.notifyStep(ctx, tx, actorID, p, in.Action, in.Comment, required); err != nil {
		return model.Publication{}, err
	}
	return tx.PublicationByID(ctx, orgID, pubID)
}

// checkTransition checks a request's comment and, for ActSchedule, its
// time (returned).
func checkTransition(in TransitionInput, now time.Time) (*time.Time, error) {
	v := &model.ValidationError{}
	if core.TooLong(in.Comment, model.MaxComment) {
		v.Add("comment", "pub.error.comment_long")
	}
	if in.Action == ActSendBack && in.Comment == "" {
		v.Add("comment", "pub.error.comment_required")
	}
	var at *time.Time
	if in.Action == ActSchedule {
		when, ok := dates.ParseLocal(in.When)
		switch {
		case strings.TrimSpace(in.When) == "":
			v.Add("when", "pub.error.when_required")
		case !ok:
			v.Add("when", "pub.error.datetime")
		case !when.After(now):
			v.Add("when", "pub.error.when_past")
		default:
			at = &when
		}
	}
	return at, v.Err()
}

// SaveAndPublish is the editor's "Publier maintenant": it saves in and
// publishes it in one transaction, for whom the policy lets publish alone
// (publication.publish) and when the kind needs no approval first (or the
// publication is approved). Refused, nothing is saved. Events are saved
// by their own use case and are not published this way.
func (s *Service) SaveAndPublish(ctx context.Context, actorID, orgID string, in model.PubInput) (model.SaveResult, error) {
	var res model.SaveResult
	pre, err := s.Prerender(ctx, orgID, in)
	if err != nil {
		return res, err
	}
	now := s.Now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// Refused before anything is written.
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.PublicationPublish); err != nil {
			return err
		}
		var err error
		if res, err = s.SaveInTx(ctx, tx, actorID, orgID, in, pre, false); err != nil {
			return err
		}
		res.Publication, err = s.transitionInTx(ctx, tx, actorID, orgID, res.Publication.ID, TransitionInput{Action: ActPublish}, pre, now)
		return err
	})
	return res, err
}

// NotReadyError says a publication cannot go out as it stands; Fields says
// which fields to fix in the editor.
type NotReadyError struct{ Fields *model.ValidationError }

func (e *NotReadyError) Error() string { return "publication not ready: " + e.Fields.Error() }

// Unwrap lets callers test errors.Is(err, model.ErrInvalid).
func (e *NotReadyError) Unwrap() error { return model.ErrInvalid }

// PublishScheduled is the scheduled job's use case: publish the publication
// if it is still scheduled for at; otherwise do nothing (it was rescheduled,
// unscheduled or already published).
func (s *Service) PublishScheduled(ctx context.Context, orgID, pubID string, at time.Time) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.PublicationForUpdate(ctx, orgID, pubID)
		if errors.Is(err, model.ErrNotFound) {
			return nil // deleted with its organisation
		}
		if err != nil {
			return err
		}
		if p.State != model.StateScheduled || p.ScheduledAt == nil || !p.ScheduledAt.Equal(at.UTC()) {
			return nil
		}
		return s.Move(ctx, tx, "", p, model.StatePublished, "", nil)
	})
}

// PublishDue publishes every scheduled publication whose time has passed: a
// safety net run at start-up for jobs that could not run (e.g. a database
// restored from a backup taken before they were inserted).
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	due, err := s.Store.DueScheduled(ctx, s.Now(), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range due {
		if err := s.PublishScheduled(ctx, p.OrgID, p.ID, *p.ScheduledAt); err != nil {
			return n, fmt.Errorf("publish %s: %w", p.ID, err)
		}
		n++
	}
	return n, nil
}

// SetValidationRequired changes, for one kind, whether publication needs a
// validator's approval (administrators only).
func (s *Service) SetValidationRequired(ctx context.Context, actorID, orgID string, settings map[model.PubKind]bool) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.PublishingSettings); err != nil {
			return err
		}
		for _, k := range model.PubKinds {
			if err := tx.SetValidationRequired(ctx, orgID, k, settings[k], s.Now()); err != nil {
				return err
			}
		}
		var on []string
		for _, k := range model.PubKinds {
			if settings[k] {
				on = append(on, string(k))
			}
		}
		return s.Audit(ctx, tx, orgID, actorID, "publication.settings", orgID, "validation: "+strings.Join(on, ","))
	})
}
