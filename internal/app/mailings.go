package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// MailConfig tunes mass mail.
type MailConfig struct {
	From         string // From: header
	BounceDomain string // VERP return addresses bounce+token@BounceDomain; "" uses From's address
	Conns        int    // SMTP connections per mailing (default 6)
	Batch        int    // recipients claimed at a time (default 500)
	// BounceLimit is how many hard bounces suspend an address (default 3).
	BounceLimit int
}

func (c MailConfig) conns() int { return cmpOr(c.Conns, 6) }
func (c MailConfig) batch() int { return cmpOr(c.Batch, 500) }

// BounceLimit returns the configured limit or its default.
func (c MailConfig) bounceLimit() int { return cmpOr(c.BounceLimit, 3) }

func cmpOr(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

// Links returns the subscriber link signer (after InitMailSecrets).
func (a *App) Links() *Links { return a.links }

// ErrLeaseBusy means another live process is sending this mailing.
var ErrLeaseBusy = jobs.ErrLeaseBusy

const leaseLife = 10 * time.Second

// RunMailing sends a mailing's pending recipients until none is left, the
// mailing is paused or cancelled, or ctx ends. Any number of calls may run
// at once on any number of processes: a lease in the database lets one
// send while the others return ErrLeaseBusy.
//
// Each message goes out in two steps (mail.BulkConn): the content is
// transmitted, then the recipient is marked sent in the database (grouped
// with the other connections' marks in one statement), and only then is
// the end of data sent. A crash before the mark leaves an unterminated
// message the server discards, and the recipient pending; a crash after it
// leaves the recipient sent. The one window where a message can be lost is
// between the commit of the mark and the few bytes of the end of data; no
// window sends one twice.
func (a *App) RunMailing(ctx context.Context, id string) error {
	if a.MassSender == nil {
		return fmt.Errorf("mass mail: no bulk sender configured")
	}
	owner := NewID()
	now := time.Now().UTC()
	ok, err := a.Store.AcquireMailingLease(ctx, id, owner, now, now.Add(leaseLife))
	if err != nil {
		return err
	}
	if !ok {
		m, err := a.Store.MailingByID(ctx, "", id)
		if err != nil {
			return err
		}
		if m.State != model.MailingSending {
			return nil // paused, cancelled or done: nothing to do
		}
		return ErrLeaseBusy
	}
	defer func() {
		_ = a.Store.UnclaimAll(context.WithoutCancel(ctx), id, owner)
		_ = a.Store.ReleaseMailingLease(context.WithoutCancel(ctx), id, owner)
	}()
	if err := a.Store.RequeueClaims(ctx, id, owner); err != nil {
		return err
	}
	m, err := a.Store.MailingByID(ctx, "", id)
	if err != nil {
		return err
	}
	if m.Bodies, err = a.Store.MailingBodies(ctx, id); err != nil {
		return err
	}
	s := &mailingRun{app: a, m: m, owner: owner, composed: a.composeMailing(m),
		marks: make(chan markReq, 64), work: make(chan model.Recipient, a.MailConfig.batch())}
	return s.run(ctx)
}

// composeMailing encodes a mailing once for all its recipients, once per
// language it was rendered in.
func (a *App) composeMailing(m model.Mailing) map[string]*mail.Composed {
	headers := []mail.Header{
		{Name: "List-Id", Value: "<" + m.OrgID + ".lists.parvis>"},
		{Name: "Precedence", Value: "bulk"},
	}
	out := map[string]*mail.Composed{i18n.Default: mail.Compose(a.MailConfig.From, m.Subject, m.Text, m.HTML, headers)}
	for _, b := range m.Bodies {
		out[b.Lang] = mail.Compose(a.MailConfig.From, b.Subject, b.Text, b.HTML, headers)
	}
	return out
}

// composedFor is the encoded message in a recipient's language (the main
// one when the mailing was not rendered in it).
func (s *mailingRun) composedFor(lang string) *mail.Composed {
	if c, ok := s.composed[lang]; ok {
		return c
	}
	return s.composed[i18n.Default]
}

type mailingRun struct {
	app      *App
	m        model.Mailing
	owner    string
	composed map[string]*mail.Composed // by language
	marks    chan markReq
	work     chan model.Recipient

	mu   sync.Mutex
	outs []store.Outcome
	hard []store.Outcome // refused addresses, counted as bounces
}

type markReq struct {
	id    string
	conn  mail.BulkConn
	reply chan markReply
}

// markReply tells a sender whether its recipient was recorded and, if so,
// whether the end of data could be written.
type markReply struct {
	ok     bool
	endErr error
}

func (s *mailingRun) settle(o store.Outcome, hard bool) {
	s.mu.Lock()
	s.outs = append(s.outs, o)
	if hard {
		s.hard = append(s.hard, o)
	}
	s.mu.Unlock()
}

func (s *mailingRun) run(ctx context.Context) error {
	a := s.app
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var commitErr error
	committed := make(chan struct{})
	go func() { defer close(committed); commitErr = s.committer(ctx) }()
	var wg sync.WaitGroup
	for i := 0; i < a.MailConfig.conns(); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.sender(ctx) }()
	}
	stop := func() error {
		close(s.work)
		wg.Wait()
		close(s.marks)
		<-committed
		return errors.Join(commitErr, s.flush(context.WithoutCancel(ctx)))
	}
	var tick *time.Ticker
	if s.m.RatePerSecond > 0 {
		tick = time.NewTicker(time.Second / time.Duration(s.m.RatePerSecond))
		defer tick.Stop()
	}
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, stop())
		}
		now := time.Now().UTC()
		ok, err := a.Store.AcquireMailingLease(ctx, s.m.ID, s.owner, now, now.Add(leaseLife))
		if err != nil || !ok {
			// Paused, cancelled, or the lease was lost: stop cleanly.
			return errors.Join(err, stop())
		}
		var batch []model.Recipient
		err = a.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			batch, err = tx.ClaimRecipients(ctx, s.m, s.owner, a.MailConfig.batch())
			return err
		})
		if err != nil {
			return errors.Join(err, stop())
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			if !r.Wanted {
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "skipped", Error: "no longer subscribed"}, false)
				continue
			}
			if tick != nil {
				select {
				case <-tick.C:
				case <-ctx.Done():
				}
			}
			select {
			case s.work <- r:
			case <-ctx.Done():
			}
		}
		// Settle refusals between batches so a paused mailing's counters
		// are right; the batch's sends may still be in flight.
		if err := s.flush(ctx); err != nil {
			return errors.Join(err, stop())
		}
	}
	if err := stop(); err != nil {
		return err
	}
	done, err := a.Store.FinishMailing(ctx, s.m.ID, a.Now())
	if err != nil {
		return err
	}
	if done {
		return a.mailingFinished(ctx, s.m)
	}
	return ErrRetryLater
}

// ErrRetryLater means recipients refused for the time being (4xx) are left
// pending: the job runs the mailing again later.
var ErrRetryLater = jobs.ErrRetryLater

// flush records refusals and skips, and the bounces they are.
func (s *mailingRun) flush(ctx context.Context) error {
	s.mu.Lock()
	outs, hard := s.outs, s.hard
	s.outs, s.hard = nil, nil
	s.mu.Unlock()
	if len(outs) == 0 {
		return nil
	}
	return s.app.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SettleRecipients(ctx, s.m.ID, outs); err != nil {
			return err
		}
		for _, o := range hard {
			if _, err := s.app.recordBounce(ctx, tx, o.SubscriberID, "hard", bounceStatus(o.Error), o.Error); err != nil {
				return err
			}
		}
		return nil
	})
}

// committer marks recipients sent in groups: whatever marks arrive while
// one transaction runs go into the next, so under load each statement
// covers one message per connection, and when idle a mark costs one short
// transaction.
func (s *mailingRun) committer(ctx context.Context) error {
	var firstErr error
	for req := range s.marks {
		reqs := []markReq{req}
	drain:
		for len(reqs) < 64 {
			select {
			case r, ok := <-s.marks:
				if !ok {
					break drain
				}
				reqs = append(reqs, r)
			default:
				break drain
			}
		}
		ids := make([]string, len(reqs))
		for i, r := range reqs {
			ids[i] = r.id
		}
		var done []string
		err := firstErr
		if err == nil {
			err = s.app.Store.InTx(ctx, func(tx *store.Tx) error {
				var err error
				done, err = tx.MarkSent(ctx, s.m.ID, s.owner, ids, s.app.Now())
				return err
			})
		}
		if err != nil && firstErr == nil {
			firstErr = err
			s.app.Logger.Error("mailing: cannot record sends; stopping", "mailing", s.m.ID, "error", err)
		}
		ok := make(map[string]bool, len(done))
		for _, id := range done {
			ok[id] = true
		}
		// End the recorded messages at once, in one tight loop, before
		// waking anybody: the time between the commit above and these few
		// bytes is the only window in which a crash loses a message.
		ends := make([]error, len(reqs))
		for i, r := range reqs {
			if ok[r.id] {
				ends[i] = r.conn.End()
			}
		}
		for i, r := range reqs {
			r.reply <- markReply{ok: ok[r.id], endErr: ends[i]}
		}
	}
	return firstErr
}

// sender owns one SMTP connection and sends the recipients it is given.
func (s *mailingRun) sender(ctx context.Context) {
	a := s.app
	var (
		conn  mail.BulkConn
		buf   []byte
		reply = make(chan markReply, 1)
	)
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for r := range s.work {
		if ctx.Err() != nil {
			continue // left claimed; UnclaimAll returns them to pending
		}
		if conn == nil {
			var err error
			conn, err = a.MassSender.OpenBulk(ctx)
			if err != nil {
				a.Logger.Warn("mailing: cannot connect to the mail server", "error", err)
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "pending", Error: err.Error()}, false)
				sleep(ctx, time.Second)
				continue
			}
		}
		token := a.links.Token(r.SubscriberID, s.m.OrgID, a.Now().Add(PrefsLinkLife))
		unsub := a.links.UnsubscribeURL(token)
		buf = s.composedFor(r.Lang).Build(buf[:0], r.Email, s.m.ID+"."+r.SubscriberID+"@parvis", time.Now(),
			[]mail.Header{{Name: "List-Unsubscribe", Value: "<" + unsub + ">"},
				{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"}},
			[]string{a.links.PrefsURL(token), unsub})
		err := conn.Prepare(a.returnPath(r.SubscriberID), r.Email, buf)
		if err != nil {
			var perm *mail.PermanentError
			switch {
			case errors.As(err, &perm):
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "failed", Error: err.Error()}, true)
			case mail.IsReply(err):
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "pending", Error: err.Error()}, false)
			default: // broken connection: nothing was delivered
				conn.Close()
				conn = nil
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "pending", Error: err.Error()}, false)
			}
			continue
		}
		s.marks <- markReq{id: r.SubscriberID, conn: conn, reply: reply}
		mr := <-reply
		if !mr.ok {
			// Not recorded (lease lost, database error): abandon the
			// message by dropping the connection before its end of data.
			conn.Close()
			conn = nil
			continue
		}
		err = mr.endErr
		if err == nil {
			err = conn.Verdict()
		}
		if err != nil {
			var perm *mail.PermanentError
			switch {
			case errors.As(err, &perm):
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "failed", Error: err.Error(), WasSent: true}, false)
			case mail.IsReply(err):
				s.settle(store.Outcome{SubscriberID: r.SubscriberID, State: "pending", Error: err.Error(), WasSent: true}, false)
			default:
				// The end of data left; whether the server took the message
				// is unknown. It stays "sent": at most once.
				a.Logger.Warn("mailing: connection lost after end of data; counted as sent", "mailing", s.m.ID, "error", err)
				conn.Close()
				conn = nil
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// returnPath is the envelope sender: a VERP address naming the subscriber
// when a bounce domain is configured, so asynchronous bounces say whose
// address failed.
func (a *App) returnPath(subscriberID string) string {
	if a.MailConfig.BounceDomain == "" {
		return mail.Address(a.MailConfig.From)
	}
	return "bounce+" + a.links.BounceToken(subscriberID) + "@" + a.MailConfig.BounceDomain
}

func bounceStatus(errText string) string {
	// "permanent: 550 5.1.1 no such user" → "550"
	s := strings.TrimPrefix(errText, "permanent: ")
	if len(s) >= 3 {
		return s[:3]
	}
	return ""
}

// mailingFinished runs what follows a completed mailing (a newsletter is
// marked sent).
func (a *App) mailingFinished(ctx context.Context, m model.Mailing) error {
	if m.Kind != model.MailingNewsletter {
		return nil
	}
	return a.Store.MarkNewsletterSent(ctx, m.RefID, a.Now())
}

// SetMailingState pauses, resumes or cancels a mailing of orgID.
func (a *App) SetMailingState(ctx context.Context, actorID, orgID, id string, to model.MailingState) error {
	var from []model.MailingState
	switch to {
	case model.MailingPaused:
		from = []model.MailingState{model.MailingSending}
	case model.MailingSending:
		from = []model.MailingState{model.MailingPaused}
	case model.MailingCancelled:
		from = []model.MailingState{model.MailingSending, model.MailingPaused}
	default:
		return model.ErrInvalid
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetMailingState(ctx, orgID, id, from, to, a.Now()); err != nil {
			return err
		}
		if to == model.MailingSending {
			if err := a.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, orgID, actorID, "mailing."+string(to), id, "")
	})
}

// ResumeMailings queues a run for every mailing left sending (after a
// restart, or a process that died); leases make extra runs harmless.
func (a *App) ResumeMailings(ctx context.Context) error {
	ids, err := a.Store.MailingsInState(ctx, model.MailingSending)
	if err != nil || len(ids) == 0 {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if err := a.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// startMailing creates a mailing, draws its audience and queues its run, in
// tx. It returns the mailing id and the number of recipients; a mailing
// that existed already (a job run twice) is returned with n = -1.
func (a *App) startMailing(ctx context.Context, tx *store.Tx, m model.Mailing, aud store.Audience, queue bool) (string, int, error) {
	now := a.Now()
	m.State, m.CreatedAt, m.StartedAt = model.MailingSending, now, &now
	id, created, err := a.createMailing(ctx, tx, m)
	if err != nil {
		return "", 0, err
	}
	if !created {
		return id, -1, nil
	}
	n, err := tx.AddAudience(ctx, id, aud)
	if err != nil {
		return "", 0, err
	}
	if queue && n > 0 {
		if err := a.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil); err != nil {
			return "", 0, err
		}
	}
	return id, n, nil
}
