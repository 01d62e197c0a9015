package events

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/dates"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Registration to events: capacity, waiting list with automatic promotion,
// e-mail-only registrations confirmed by a link, check-in codes, reminders.
// The capacity check and the insert happen in one transaction that holds
// the event row (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions
// begin IMMEDIATE and so are serialised), so places are never oversold.

// RegisterInput is what a resident submits.
type RegisterInput struct {
	AccountID string // "" when registering with an e-mail address only
	Email     string
	Name      string
	Seats     string
	Answers   map[string]string // question id → answer
	Waitlist  bool              // accept the waiting list if full
	Lang      string
	IP        string // the client's address, for the form's limits
}

// RegisterResult tells the page what to say.
type RegisterResult struct {
	Registration model.Registration
	// Pending: a confirmation link was e-mailed (e-mail-only registration).
	Pending bool
}

// codeAlphabet has no 0/O, 1/I/L: codes are read aloud and typed on a phone.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newCode() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:])
}

// NormalizeCode reads a code as typed ("abc 234" → "ABC234").
func NormalizeCode(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s)))
}

// registrationOpen says why an event cannot take registrations now ("" when it can).
func registrationOpen(ev model.Event, p model.Publication, now time.Time, lastEnd time.Time) string {
	switch {
	case p.State != model.StatePublished || !ev.Registers():
		return "events.register.closed"
	case ev.Status == model.EventCancelled:
		return "events.register.cancelled"
	case ev.RegistrationDeadline != nil && now.After(*ev.RegistrationDeadline):
		return "events.register.deadline_passed"
	case !lastEnd.IsZero() && !lastEnd.After(now):
		return "events.register.over"
	}
	return ""
}

// lastEnd is the end of the event's last occurrence still to come.
func lastEnd(ctx context.Context, tx *store.Tx, ev model.Event, now time.Time) (time.Time, error) {
	occs, err := tx.Occurrences(ctx, ev.PublicationID, now, 1)
	if err != nil {
		return time.Time{}, err
	}
	if len(occs) == 0 {
		return ev.EndsAt, nil // all over
	}
	return occs[0].EndsAt.Add(time.Second), nil // at least one still ahead
}

// Register registers a resident for an organisation's published event.
func (s *Service) Register(ctx context.Context, orgID, eventID string, in RegisterInput) (RegisterResult, error) {
	var res RegisterResult
	now := s.Now()
	v := checkRegistrant(&in)
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		ev, p, err := openEvent(ctx, tx, orgID, eventID, in.AccountID != "", now)
		if err != nil {
			return err
		}
		verified, err := registrantAccount(ctx, tx, &in)
		if err != nil {
			return err
		}
		seats, answers := readAnswers(ev, in, v)
		if err := v.Err(); err != nil {
			return err
		}
		if !verified {
			// A link goes to an address nobody proved: the form's limits
			// keep it from being a mail cannon (docs/EMAIL.md).
			if err := s.CountPublicForm(ctx, tx, "event", in.IP, mail.NormalizeEmail(in.Email)); err != nil {
				return err
			}
		}
		if err := freeAddress(ctx, tx, eventID, in.Email); err != nil {
			return err
		}
		r := model.Registration{ID: core.NewID(), EventID: eventID, OrgID: orgID, AccountID: in.AccountID, Email: in.Email,
			Name: in.Name, Seats: seats, Answers: answers, Status: model.RegPending, Lang: in.Lang, CreatedAt: now}
		if r.Lang == "" {
			r.Lang = "fr"
		}
		// A full event is said so now, even to people who will confirm
		// their address later (the place itself is decided then).
		status, err := s.placeFor(ctx, tx, ev, seats, in.Waitlist)
		if err != nil {
			return err
		}
		if verified {
			r.Status, r.ConfirmedAt = status, &now
		}
		secret, err := createRegistration(ctx, tx, &r)
		if err != nil {
			return err
		}
		res.Registration, res.Pending = r, r.Status == model.RegPending
		o, err := tx.OrganisationByID(ctx, orgID)
		if err != nil {
			return err
		}
		if res.Pending {
			return s.SendOrgMail(ctx, tx, o, r.Email, r.Lang, "event_confirm_address", s.eventMail(o, p, ev, r, secret, eventMailExtra{}))
		}
		return s.afterPlace(ctx, tx, o, p, ev, r, secret, false)
	})
	return res, err
}

// checkRegistrant trims and checks the name and address typed (Register),
// returning the form's errors so far.
func checkRegistrant(in *RegisterInput) *model.ValidationError {
	v := &model.ValidationError{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		v.Add("name", "events.register.error.name")
	} else if core.TooLong(in.Name, 100) {
		v.Add("name", "pub.error.field_long")
	}
	in.Email = mail.NormalizeEmail(in.Email)
	if in.AccountID == "" && !mail.ValidEmail(in.Email) {
		v.Add("email", "events.register.error.email")
	}
	return v
}

// openEvent reads event eventID and its publication in tx and checks that
// it takes registrations at now; lock holds the event's row.
func openEvent(ctx context.Context, tx *store.Tx, orgID, eventID string, lock bool, now time.Time) (model.Event, model.Publication, error) {
	// Only a signed-in person can take a place now, under the event's
	// lock; an address-only registration takes it when confirmed, so
	// a rush of them need not queue on the event's row (issue 15: a
	// thousand queued registrations held every connection).
	readEvent := tx.EventByID
	if lock {
		readEvent = tx.EventForUpdate
	}
	ev, err := readEvent(ctx, orgID, eventID)
	if err != nil {
		return ev, model.Publication{}, err
	}
	p, err := tx.PublicationByID(ctx, orgID, eventID)
	if err != nil {
		return ev, p, err
	}
	end, err := lastEnd(ctx, tx, ev, now)
	if err != nil {
		return ev, p, err
	}
	if why := registrationOpen(ev, p, now, end); why != "" {
		return ev, p, &model.FieldError{Field: "registration", Code: why}
	}
	return ev, p, nil
}

// registrantAccount takes a signed-in person's address and language from
// their account into in, and tells whether the address is verified.
func registrantAccount(ctx context.Context, tx *store.Tx, in *RegisterInput) (bool, error) {
	if in.AccountID == "" {
		return false, nil
	}
	acct, err := tx.AccountByID(ctx, in.AccountID)
	if err != nil {
		return false, err
	}
	in.Email = acct.Email
	if in.Lang == "" {
		in.Lang = acct.Locale
	}
	return acct.Verified(), nil
}

// readAnswers reads the seats asked and the answers to ev's questions,
// adding what is wrong to v.
func readAnswers(ev model.Event, in RegisterInput, v *model.ValidationError) (int, map[string]string) {
	seats, answers := 1, map[string]string{}
	for _, q := range ev.Questions {
		ans := strings.TrimSpace(in.Answers[q.ID])
		if q.ID == "seats" {
			n, err := strconv.Atoi(in.Seats)
			if err != nil || n < 1 || n > MaxSeats {
				v.Add("seats", "events.register.error.seats")
			} else if n > ev.Capacity {
				v.Add("seats", "events.register.error.seats_capacity")
			}
			seats = n
			continue
		}
		if core.TooLong(ans, model.MaxField) {
			v.Add("q_"+q.ID, "pub.error.field_long")
		}
		if ans != "" {
			answers[q.ID] = ans
		}
	}
	return seats, answers
}

// freeAddress refuses an address already registered for the event, and
// clears its cancelled registration so that the person may register again.
func freeAddress(ctx context.Context, tx *store.Tx, eventID, email string) error {
	cur, err := tx.RegistrationByEmail(ctx, eventID, email)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur.Status != model.RegCancelled {
		return &model.FieldError{Field: "email", Code: "events.register.error.already"}
	}
	return tx.DeleteCancelledRegistration(ctx, eventID, email)
}

// createRegistration inserts r with a fresh check-in code (drawn again if
// taken) and returns the secret of its link.
func createRegistration(ctx context.Context, tx *store.Tx, r *model.Registration) (string, error) {
	secret, hash := core.NewSecret()
	var err error
	for attempt := 0; ; attempt++ {
		r.Code = newCode()
		err = tx.CreateRegistration(ctx, *r, hash)
		if !errors.Is(err, model.ErrConflict) || attempt == 5 {
			break
		}
		// The code (or, under a race, the address) was taken: a
		// repeated address is the person's second click.
		if _, e := tx.RegistrationByEmail(ctx, r.EventID, r.Email); e == nil {
			return "", &model.FieldError{Field: "email", Code: "events.register.error.already"}
		}
	}
	return secret, err
}

// placeFor decides confirmed or waiting under the event's lock; a full
// event refuses unless the person accepted the waiting list.
func (s *Service) placeFor(ctx context.Context, tx *store.Tx, ev model.Event, seats int, waitlist bool) (model.RegStatus, error) {
	taken, err := tx.TakenSeats(ctx, ev.PublicationID)
	if err != nil {
		return "", err
	}
	if taken+seats <= ev.Capacity {
		waiting, err := tx.HasWaiting(ctx, ev.PublicationID)
		if err != nil {
			return "", err
		}
		if !waiting { // nobody may jump the queue
			return model.RegConfirmed, nil
		}
	}
	if !waitlist {
		return "", &model.FieldError{Field: "registration", Code: "events.register.full"}
	}
	return model.RegWaiting, nil
}

// afterPlace e-mails a confirmed (with the .ics and the check-in code) or
// waiting registration, and schedules the reminder of a confirmed one.
func (s *Service) afterPlace(ctx context.Context, tx *store.Tx, o model.Organisation, p model.Publication, ev model.Event,
	r model.Registration, secret string, promoted bool) error {
	if secret == "" {
		// Promotions and re-sends mint a fresh link; the old one stops working.
		var hash string
		secret, hash = core.NewSecret()
		if err := tx.SetRegistrationToken(ctx, r.ID, hash); err != nil {
			return err
		}
	}
	data := s.eventMail(o, p, ev, r, secret, eventMailExtra{})
	if r.Status == model.RegWaiting {
		return s.SendOrgMail(ctx, tx, o, r.Email, r.Lang, "event_waiting", data)
	}
	name := "event_registered"
	if promoted {
		name = "event_promoted"
	}
	xs, err := tx.EventExceptions(ctx, ev.PublicationID)
	if err != nil {
		return err
	}
	if err := s.sendMailWith(ctx, tx, o, r.Email, r.Lang, name, data, s.icsAttachment(o, p, ev, xs)); err != nil {
		return err
	}
	return s.scheduleReminder(ctx, tx, ev, r)
}

// scheduleReminder inserts the reminder job for the day before the next
// occurrence (at the same hour), when that is still ahead.
func (s *Service) scheduleReminder(ctx context.Context, tx *store.Tx, ev model.Event, r model.Registration) error {
	now := s.Now()
	occs, err := tx.Occurrences(ctx, ev.PublicationID, now, 50)
	if err != nil {
		return err
	}
	for _, o := range occs {
		if o.Cancelled || !o.StartsAt.After(now) {
			continue
		}
		at := o.StartsAt.In(dates.Paris).AddDate(0, 0, -1).UTC()
		if !at.After(now) {
			return nil // less than a day ahead: the confirmation is the reminder
		}
		return s.Jobs.Enqueue(ctx, tx, jobs.EventReminderArgs{OrgID: r.OrgID, RegistrationID: r.ID, Start: o.StartsAt},
			&river.InsertOpts{ScheduledAt: at})
	}
	return nil
}

// SendReminder is the reminder job: it e-mails a still-confirmed
// participant of a still-scheduled event once (reminded_at is set in the
// same transaction as the message).
func (s *Service) SendReminder(ctx context.Context, orgID, registrationID string, start time.Time) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.RegistrationByID(ctx, orgID, registrationID)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ev, err := tx.EventByID(ctx, orgID, r.EventID)
		if errors.Is(err, model.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.Status != model.RegConfirmed || ev.Status != model.EventScheduled {
			return nil // cancelled since: nothing to remind
		}
		p, err := tx.PublicationByID(ctx, orgID, r.EventID)
		if err != nil || p.State != model.StatePublished {
			return err
		}
		// The date may have moved since the job was scheduled: remind for
		// the next occurrence, or leave it to the job scheduled then.
		occs, err := tx.Occurrences(ctx, ev.PublicationID, s.Now(), 1)
		if err != nil || len(occs) == 0 || !occs[0].StartsAt.Equal(start) {
			return err
		}
		if ok, err := tx.MarkReminded(ctx, r.ID, s.Now()); err != nil || !ok {
			return err
		}
		o, err := tx.OrganisationByID(ctx, orgID)
		if err != nil {
			return err
		}
		secret, hash := core.NewSecret()
		if err := tx.SetRegistrationToken(ctx, r.ID, hash); err != nil {
			return err
		}
		data := s.eventMail(o, p, ev, r, secret, eventMailExtra{})
		data.When = dates.EventWhen(r.Lang, occs[0].StartsAt, occs[0].EndsAt, ev.AllDay, s.Now())
		return s.SendOrgMail(ctx, tx, o, r.Email, r.Lang, "event_reminder", data)
	})
}

// ConfirmRegistration confirms an e-mail-only registration from its link:
// a place, or the waiting list when the event filled up meanwhile.
func (s *Service) ConfirmRegistration(ctx context.Context, secret string) (model.Registration, error) {
	var out model.Registration
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.RegistrationByToken(ctx, core.HashSecret(secret))
		if err != nil {
			return err
		}
		ev, err := tx.EventForUpdate(ctx, r.OrgID, r.EventID)
		if err != nil {
			return err
		}
		out = r
		if r.Status != model.RegPending {
			return nil // a second click: show where it stands
		}
		p, err := tx.PublicationByID(ctx, r.OrgID, r.EventID)
		if err != nil {
			return err
		}
		end, err := lastEnd(ctx, tx, ev, s.Now())
		if err != nil {
			return err
		}
		if why := registrationOpen(ev, p, s.Now(), end); why != "" {
			return &model.FieldError{Field: "registration", Code: why}
		}
		status, err := s.placeFor(ctx, tx, ev, r.Seats, true)
		if err != nil {
			return err
		}
		if err := tx.SetRegistrationStatus(ctx, r.ID, model.RegPending, status, s.Now()); err != nil {
			return err
		}
		r.Status = status
		out = r
		o, err := tx.OrganisationByID(ctx, r.OrgID)
		if err != nil {
			return err
		}
		return s.afterPlace(ctx, tx, o, p, ev, r, secret, false)
	})
	return out, err
}

// RegistrationByLink returns the registration a link names, with its event.
func (s *Service) RegistrationByLink(ctx context.Context, secret string) (model.Registration, error) {
	return s.Store.RegistrationByToken(ctx, core.HashSecret(secret))
}

// CancelRegistration cancels from the e-mailed link; places freed go to
// the waiting list, in order, and the people promoted are e-mailed.
func (s *Service) CancelRegistration(ctx context.Context, secret string) (model.Registration, error) {
	r, err := s.Store.RegistrationByToken(ctx, core.HashSecret(secret))
	if err != nil {
		return r, err
	}
	return s.cancel(ctx, r.OrgID, r.ID)
}

// CancelOwnRegistration cancels a signed-in person's registration.
func (s *Service) CancelOwnRegistration(ctx context.Context, accountID, orgID, eventID string) (model.Registration, error) {
	r, err := s.Store.RegistrationByAccount(ctx, eventID, accountID)
	if err != nil {
		return r, err
	}
	if r.OrgID != orgID {
		return r, model.ErrNotFound
	}
	return s.cancel(ctx, orgID, r.ID)
}

func (s *Service) cancel(ctx context.Context, orgID, regID string) (model.Registration, error) {
	var out model.Registration
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.RegistrationByID(ctx, orgID, regID)
		if err != nil {
			return err
		}
		ev, err := tx.EventForUpdate(ctx, orgID, r.EventID)
		if err != nil {
			return err
		}
		// Re-read under the lock: a concurrent cancel or promotion may
		// have changed it.
		if r, err = tx.RegistrationByID(ctx, orgID, regID); err != nil {
			return err
		}
		out = r
		if r.Status == model.RegCancelled {
			return nil // a second click
		}
		if err := tx.SetRegistrationStatus(ctx, r.ID, r.Status, model.RegCancelled, s.Now()); err != nil {
			return err
		}
		out.Status = model.RegCancelled
		if r.Status != model.RegConfirmed {
			return nil
		}
		p, err := tx.PublicationByID(ctx, orgID, r.EventID)
		if err != nil {
			return err
		}
		return s.promote(ctx, tx, ev, p)
	})
	return out, err
}

// promote gives freed places to the waiting list in order of arrival,
// while the first in line fits (nobody is skipped for taking fewer seats).
func (s *Service) promote(ctx context.Context, tx *store.Tx, ev model.Event, p model.Publication) error {
	if ev.Status == model.EventCancelled || !ev.Registers() {
		return nil
	}
	taken, err := tx.TakenSeats(ctx, ev.PublicationID)
	if err != nil {
		return err
	}
	waiting, err := tx.WaitingList(ctx, ev.PublicationID)
	if err != nil || len(waiting) == 0 {
		return err
	}
	o, err := tx.OrganisationByID(ctx, ev.OrgID)
	if err != nil {
		return err
	}
	for _, w := range waiting {
		if taken+w.Seats > ev.Capacity {
			break
		}
		if err := tx.SetRegistrationStatus(ctx, w.ID, model.RegWaiting, model.RegConfirmed, s.Now()); err != nil {
			return err
		}
		taken += w.Seats
		w.Status = model.RegConfirmed
		if err := s.afterPlace(ctx, tx, o, p, ev, w, "", true); err != nil {
			return err
		}
	}
	return nil
}

// CheckIn marks a confirmed participant as arrived, by registration id or
// by the code of the confirmation e-mail. ErrConflict: already checked in.
func (s *Service) CheckIn(ctx context.Context, actorID, orgID, eventID, regID, code string) (model.Registration, error) {
	var out model.Registration
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventCheckin); err != nil {
			return err
		}
		if _, err := tx.EventByID(ctx, orgID, eventID); err != nil {
			return err
		}
		var r model.Registration
		var err error
		if regID != "" {
			r, err = tx.RegistrationByID(ctx, orgID, regID)
			if err == nil && r.EventID != eventID {
				err = model.ErrNotFound
			}
		} else {
			r, err = tx.RegistrationByCode(ctx, eventID, NormalizeCode(code))
		}
		if errors.Is(err, model.ErrNotFound) {
			return &model.FieldError{Field: "code", Code: "events.checkin.unknown"}
		}
		if err != nil {
			return err
		}
		out = r
		if r.Status != model.RegConfirmed {
			return &model.FieldError{Field: "code", Code: "events.checkin.not_confirmed"}
		}
		if r.CheckedInAt != nil {
			return model.ErrConflict
		}
		now := s.Now()
		if err := tx.CheckIn(ctx, eventID, r.ID, now); err != nil {
			return err
		}
		out.CheckedInAt = &now
		return nil
	})
	return out, err
}

// Participants lists an event's registrations for staff.
func (s *Service) Participants(ctx context.Context, actorID, orgID, eventID string, f model.RegistrationFilter) ([]model.Registration, error) {
	if _, err := core.Authorize(ctx, s.Store.Queries, actorID, orgID, policy.EventView); err != nil {
		return nil, err
	}
	if _, err := s.Store.EventByID(ctx, orgID, eventID); err != nil {
		return nil, err
	}
	f.EventID = eventID
	return s.Store.Registrations(ctx, f)
}

// ExportParticipants returns the list for a CSV download and records the
// export in the audit log (personal data leaving the platform).
func (s *Service) ExportParticipants(ctx context.Context, actorID, orgID, eventID string) ([]model.Registration, error) {
	var out []model.Registration
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.EventParticipantsExport); err != nil {
			return err
		}
		if _, err := tx.EventByID(ctx, orgID, eventID); err != nil {
			return err
		}
		var err error
		if out, err = tx.Registrations(ctx, model.RegistrationFilter{EventID: eventID}); err != nil {
			return err
		}
		return s.Audit(ctx, tx, orgID, actorID, "event.participants.export", eventID, fmt.Sprintf("%d", len(out)))
	})
	return out, err
}
