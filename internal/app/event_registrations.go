package app

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
func (a *App) Register(ctx context.Context, orgID, eventID string, in RegisterInput) (RegisterResult, error) {
	var res RegisterResult
	now := a.Now()
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
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		// Only a signed-in person can take a place now, under the event's
		// lock; an address-only registration takes it when confirmed, so
		// a rush of them need not queue on the event's row (issue 15: a
		// thousand queued registrations held every connection).
		readEvent := tx.EventByID
		if in.AccountID != "" {
			readEvent = tx.EventForUpdate
		}
		ev, err := readEvent(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		p, err := tx.PublicationByID(ctx, orgID, eventID)
		if err != nil {
			return err
		}
		end, err := lastEnd(ctx, tx, ev, now)
		if err != nil {
			return err
		}
		if why := registrationOpen(ev, p, now, end); why != "" {
			return &model.FieldError{Field: "registration", Code: why}
		}
		verified := false
		if in.AccountID != "" {
			acct, err := tx.AccountByID(ctx, in.AccountID)
			if err != nil {
				return err
			}
			in.Email, verified = acct.Email, acct.Verified()
			if in.Lang == "" {
				in.Lang = acct.Locale
			}
		}
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
		if err := v.Err(); err != nil {
			return err
		}
		if !verified {
			// A link goes to an address nobody proved: the form's limits
			// keep it from being a mail cannon (docs/EMAIL.md).
			if err := a.CountPublicForm(ctx, tx, "event", in.IP, mail.NormalizeEmail(in.Email)); err != nil {
				return err
			}
		}
		if cur, err := tx.RegistrationByEmail(ctx, eventID, in.Email); err == nil {
			if cur.Status != model.RegCancelled {
				return &model.FieldError{Field: "email", Code: "events.register.error.already"}
			}
			if err := tx.DeleteCancelledRegistration(ctx, eventID, in.Email); err != nil {
				return err
			}
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		r := model.Registration{ID: core.NewID(), EventID: eventID, OrgID: orgID, AccountID: in.AccountID, Email: in.Email,
			Name: in.Name, Seats: seats, Answers: answers, Status: model.RegPending, Lang: in.Lang, CreatedAt: now}
		if r.Lang == "" {
			r.Lang = "fr"
		}
		// A full event is said so now, even to people who will confirm
		// their address later (the place itself is decided then).
		status, err := a.placeFor(ctx, tx, ev, seats, in.Waitlist)
		if err != nil {
			return err
		}
		if verified {
			r.Status, r.ConfirmedAt = status, &now
		}
		secret, hash := core.NewSecret()
		for attempt := 0; ; attempt++ {
			r.Code = newCode()
			err = tx.CreateRegistration(ctx, r, hash)
			if !errors.Is(err, model.ErrConflict) || attempt == 5 {
				break
			}
			// The code (or, under a race, the address) was taken: a
			// repeated address is the person's second click.
			if _, e := tx.RegistrationByEmail(ctx, eventID, in.Email); e == nil {
				return &model.FieldError{Field: "email", Code: "events.register.error.already"}
			}
		}
		if err != nil {
			return err
		}
		res.Registration, res.Pending = r, r.Status == model.RegPending
		o, err := tx.OrganisationByID(ctx, orgID)
		if err != nil {
			return err
		}
		if res.Pending {
			return a.SendMail(ctx, tx, r.Email, r.Lang, "event_confirm_address", a.eventMail(o, p, ev, r, secret, eventMailExtra{}))
		}
		return a.afterPlace(ctx, tx, o, p, ev, r, secret, false)
	})
	return res, err
}

// placeFor decides confirmed or waiting under the event's lock; a full
// event refuses unless the person accepted the waiting list.
func (a *App) placeFor(ctx context.Context, tx *store.Tx, ev model.Event, seats int, waitlist bool) (model.RegStatus, error) {
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
func (a *App) afterPlace(ctx context.Context, tx *store.Tx, o model.Organisation, p model.Publication, ev model.Event,
	r model.Registration, secret string, promoted bool) error {
	if secret == "" {
		// Promotions and re-sends mint a fresh link; the old one stops working.
		var hash string
		secret, hash = core.NewSecret()
		if err := tx.SetRegistrationToken(ctx, r.ID, hash); err != nil {
			return err
		}
	}
	data := a.eventMail(o, p, ev, r, secret, eventMailExtra{})
	if r.Status == model.RegWaiting {
		return a.SendMail(ctx, tx, r.Email, r.Lang, "event_waiting", data)
	}
	name := "event_registered"
	if promoted {
		name = "event_promoted"
	}
	xs, err := tx.EventExceptions(ctx, ev.PublicationID)
	if err != nil {
		return err
	}
	if err := a.sendMailWith(ctx, tx, r.Email, r.Lang, name, data, a.icsAttachment(o, p, ev, xs)); err != nil {
		return err
	}
	return a.scheduleReminder(ctx, tx, ev, r)
}

// scheduleReminder inserts the reminder job for the day before the next
// occurrence (at the same hour), when that is still ahead.
func (a *App) scheduleReminder(ctx context.Context, tx *store.Tx, ev model.Event, r model.Registration) error {
	now := a.Now()
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
		return a.Jobs.Enqueue(ctx, tx, jobs.EventReminderArgs{OrgID: r.OrgID, RegistrationID: r.ID, Start: o.StartsAt},
			&river.InsertOpts{ScheduledAt: at})
	}
	return nil
}

// SendReminder is the reminder job: it e-mails a still-confirmed
// participant of a still-scheduled event once (reminded_at is set in the
// same transaction as the message).
func (a *App) SendReminder(ctx context.Context, orgID, registrationID string, start time.Time) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
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
		occs, err := tx.Occurrences(ctx, ev.PublicationID, a.Now(), 1)
		if err != nil || len(occs) == 0 || !occs[0].StartsAt.Equal(start) {
			return err
		}
		if ok, err := tx.MarkReminded(ctx, r.ID, a.Now()); err != nil || !ok {
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
		data := a.eventMail(o, p, ev, r, secret, eventMailExtra{})
		data.When = dates.EventWhen(r.Lang, occs[0].StartsAt, occs[0].EndsAt, ev.AllDay, a.Now())
		return a.SendMail(ctx, tx, r.Email, r.Lang, "event_reminder", data)
	})
}

// ConfirmRegistration confirms an e-mail-only registration from its link:
// a place, or the waiting list when the event filled up meanwhile.
func (a *App) ConfirmRegistration(ctx context.Context, secret string) (model.Registration, error) {
	var out model.Registration
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
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
		end, err := lastEnd(ctx, tx, ev, a.Now())
		if err != nil {
			return err
		}
		if why := registrationOpen(ev, p, a.Now(), end); why != "" {
			return &model.FieldError{Field: "registration", Code: why}
		}
		status, err := a.placeFor(ctx, tx, ev, r.Seats, true)
		if err != nil {
			return err
		}
		if err := tx.SetRegistrationStatus(ctx, r.ID, model.RegPending, status, a.Now()); err != nil {
			return err
		}
		r.Status = status
		out = r
		o, err := tx.OrganisationByID(ctx, r.OrgID)
		if err != nil {
			return err
		}
		return a.afterPlace(ctx, tx, o, p, ev, r, secret, false)
	})
	return out, err
}

// RegistrationByLink returns the registration a link names, with its event.
func (a *App) RegistrationByLink(ctx context.Context, secret string) (model.Registration, error) {
	return a.Store.RegistrationByToken(ctx, core.HashSecret(secret))
}

// CancelRegistration cancels from the e-mailed link; places freed go to
// the waiting list, in order, and the people promoted are e-mailed.
func (a *App) CancelRegistration(ctx context.Context, secret string) (model.Registration, error) {
	r, err := a.Store.RegistrationByToken(ctx, core.HashSecret(secret))
	if err != nil {
		return r, err
	}
	return a.cancel(ctx, r.OrgID, r.ID)
}

// CancelOwnRegistration cancels a signed-in person's registration.
func (a *App) CancelOwnRegistration(ctx context.Context, accountID, orgID, eventID string) (model.Registration, error) {
	r, err := a.Store.RegistrationByAccount(ctx, eventID, accountID)
	if err != nil {
		return r, err
	}
	if r.OrgID != orgID {
		return r, model.ErrNotFound
	}
	return a.cancel(ctx, orgID, r.ID)
}

func (a *App) cancel(ctx context.Context, orgID, regID string) (model.Registration, error) {
	var out model.Registration
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
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
		if err := tx.SetRegistrationStatus(ctx, r.ID, r.Status, model.RegCancelled, a.Now()); err != nil {
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
		return a.promote(ctx, tx, ev, p)
	})
	return out, err
}

// promote gives freed places to the waiting list in order of arrival,
// while the first in line fits (nobody is skipped for taking fewer seats).
func (a *App) promote(ctx context.Context, tx *store.Tx, ev model.Event, p model.Publication) error {
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
		if err := tx.SetRegistrationStatus(ctx, w.ID, model.RegWaiting, model.RegConfirmed, a.Now()); err != nil {
			return err
		}
		taken += w.Seats
		w.Status = model.RegConfirmed
		if err := a.afterPlace(ctx, tx, o, p, ev, w, "", true); err != nil {
			return err
		}
	}
	return nil
}

// CheckIn marks a confirmed participant as arrived, by registration id or
// by the code of the confirmation e-mail. ErrConflict: already checked in.
func (a *App) CheckIn(ctx context.Context, actorID, orgID, eventID, regID, code string) (model.Registration, error) {
	var out model.Registration
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
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
		now := a.Now()
		if err := tx.CheckIn(ctx, eventID, r.ID, now); err != nil {
			return err
		}
		out.CheckedInAt = &now
		return nil
	})
	return out, err
}

// Participants lists an event's registrations for staff.
func (a *App) Participants(ctx context.Context, actorID, orgID, eventID string, f model.RegistrationFilter) ([]model.Registration, error) {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.EventView); err != nil {
		return nil, err
	}
	if _, err := a.Store.EventByID(ctx, orgID, eventID); err != nil {
		return nil, err
	}
	f.EventID = eventID
	return a.Store.Registrations(ctx, f)
}

// ExportParticipants returns the list for a CSV download and records the
// export in the audit log (personal data leaving the platform).
func (a *App) ExportParticipants(ctx context.Context, actorID, orgID, eventID string) ([]model.Registration, error) {
	var out []model.Registration
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
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
		return a.Audit(ctx, tx, orgID, actorID, "event.participants.export", eventID, fmt.Sprintf("%d", len(out)))
	})
	return out, err
}
