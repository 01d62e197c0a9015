package mailing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/i18n"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/mail"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// Config tunes mass mail.
type Config struct {
	From         string // From: header
	BounceDomain string // VERP return addresses bounce+token@BounceDomain; "" uses From's address
	Conns        int    // SMTP connections per mailing (default 6)
	Batch        int    // recipients read at a time (default 500)
	// BounceLimit is how many hard bounces suspend an address (default 3).
	BounceLimit int
}

func (c Config) conns() int { return cmpOr(c.Conns, 6) }
func (c Config) batch() int { return cmpOr(c.Batch, 500) }

// BounceLimit returns the configured limit or its default.
func (c Config) bounceLimit() int { return cmpOr(c.BounceLimit, 3) }

func cmpOr(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

// Links returns the subscriber link signer (loaded by New).
func (s *Service) Links() *Links { return s.links }

// ErrLeaseBusy means another live process is sending this mailing.
var ErrLeaseBusy = jobs.ErrLeaseBusy

const leaseLife = 10 * time.Second

// RunMailing sends a mailing's pending recipients until none is left, the
// mailing is paused or cancelled, or ctx ends. Any number of calls may run
// at once on any number of processes: a lease in the database lets one
// send while the others return ErrLeaseBusy.
//
// Pending recipients are read in batches; each message is sent whole
// (mail.BulkConn, pipelined), and once the server accepted it the recipient
// is marked sent, in groups, by a committer that the senders never wait
// for. A crash between the server's acceptance and the mark leaves the
// recipient pending: it is sent again with the same Message-ID. So a crash
// can repeat a message (identically, so that it can be recognised) but
// never skip one; see docs/EMAIL.md.
func (s *Service) RunMailing(ctx context.Context, id string) error {
	if s.MassSender == nil {
		return fmt.Errorf("mass mail: no bulk sender configured")
	}
	owner := core.NewID()
	if s.Instance != "" {
		owner = s.Instance + "/" + owner
	}
	ok, err := s.acquireLease(ctx, id, owner)
	if err != nil || !ok {
		return err
	}
	defer func() { _ = s.Store.ReleaseMailingLease(context.WithoutCancel(ctx), id, owner) }()
	if err := s.Store.RequeueClaims(ctx, id); err != nil {
		return err
	}
	m, err := s.Store.MailingByID(ctx, "", id)
	if err != nil {
		return err
	}
	if m.Bodies, err = s.Store.MailingBodies(ctx, id); err != nil {
		return err
	}
	if !m.Drawing && m.Total >= store.StatsAfter {
		if err := s.Store.RefreshRecipientStats(ctx); err != nil {
			return err
		}
	}
	// The organisation names the sender; one gone meanwhile leaves the
	// instance's From.
	org, err := s.Store.OrganisationByID(ctx, m.OrgID)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	run := &mailingRun{svc: s, m: m, owner: owner, composed: s.composeMailing(org, m),
		work: make(chan model.Recipient, 2*s.Config.batch()), kick: make(chan struct{}, 1)}
	return run.run(ctx)
}

// acquireLease makes owner the sender of mailing id. A live lease of
// another run is ErrLeaseBusy, unless that run's process is known to be
// dead (store.InstanceAlive): then its lease is taken over at once, so a
// process restarted after a crash resumes without waiting for expiry.
// (false, nil) means there is nothing to send.
func (s *Service) acquireLease(ctx context.Context, id, owner string) (bool, error) {
	now := time.Now().UTC()
	ok, err := s.Store.AcquireMailingLease(ctx, id, owner, now, now.Add(leaseLife))
	if err != nil || ok {
		return ok, err
	}
	m, err := s.Store.MailingByID(ctx, "", id)
	if err != nil {
		return false, err
	}
	if m.State != model.MailingSending {
		return false, nil // paused, cancelled or done: nothing to do
	}
	if inst, _, found := strings.Cut(m.LeaseOwner, "/"); found {
		alive, err := s.Store.InstanceAlive(ctx, inst)
		if err != nil {
			return false, err
		}
		if !alive {
			ok, err := s.Store.TakeOverMailingLease(ctx, id, m.LeaseOwner, owner, now.Add(leaseLife))
			if err != nil || ok {
				return ok, err
			}
		}
	}
	return false, ErrLeaseBusy
}

// composeMailing encodes a mailing once for all its recipients, once per
// language it was rendered in. It goes out under the organisation's name,
// with Reply-To its contact address (core.OrgMessage).
func (s *Service) composeMailing(org model.Organisation, m model.Mailing) map[string]*mail.Composed {
	headers := []mail.Header{
		{Name: "List-Id", Value: "<" + m.OrgID + ".lists.parvis>"},
		{Name: "Precedence", Value: "bulk"},
	}
	sender := core.OrgMessage(org, mail.Message{})
	if sender.ReplyTo != "" {
		headers = append(headers, mail.Header{Name: "Reply-To", Value: sender.ReplyTo})
	}
	from := mail.FromAs(s.Config.From, sender.FromName)
	out := map[string]*mail.Composed{i18n.Default: mail.Compose(from, m.Subject, m.Text, m.HTML, headers)}
	for _, b := range m.Bodies {
		out[b.Lang] = mail.Compose(from, b.Subject, b.Text, b.HTML, headers)
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

// MessageID is the Message-ID of a mailing's message to a subscriber: the
// same on every attempt, so that a message repeated after a crash can be
// recognised as the same one by the receiving side.
func MessageID(mailingID, subscriberID string) string {
	return mailingID + "." + subscriberID + "@parvis"
}

type mailingRun struct {
	svc      *Service
	m        model.Mailing
	owner    string
	composed map[string]*mail.Composed // by language
	work     chan model.Recipient
	kick     chan struct{} // wakes the committer
	halted   atomic.Bool   // stop sending what is queued
	// unreachable is set when the mail server cannot be reached: the run
	// stops and the mailing is tried again later, without counting an
	// attempt against any recipient (the outage is not theirs).
	unreachable atomic.Bool

	mu       sync.Mutex
	accepted []string        // accepted by the server, not marked yet
	outs     []store.Outcome // refusals and skips, not recorded yet
	hard     []store.Outcome // refused addresses, counted as bounces
}

// markEvery spaces the committer's transactions so that, at full speed,
// each marks a few dozen messages rather than one. It bounds what a crash
// can repeat to about this long's worth of accepted messages.
const markEvery = 10 * time.Millisecond

func (s *mailingRun) accept(id string) {
	s.mu.Lock()
	s.accepted = append(s.accepted, id)
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *mailingRun) settle(o store.Outcome, hard bool) {
	s.mu.Lock()
	s.outs = append(s.outs, o)
	if hard {
		s.hard = append(s.hard, o)
	}
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// outcome records the server's verdict on a recipient's message.
func (s *mailingRun) outcome(id string, err error) {
	var (
		perm  *mail.PermanentError
		reply *mail.ReplyError
	)
	switch {
	case err == nil:
		s.accept(id)
	case errors.As(err, &perm):
		// A refused address is a hard bounce; a refused content is not
		// the address's fault.
		content := errors.As(err, &reply) && reply.Content
		s.settle(store.Outcome{SubscriberID: id, State: "failed", Error: err.Error()}, !content)
	case mail.IsReply(err):
		s.settle(store.Outcome{SubscriberID: id, State: "pending", Error: err.Error()}, false)
	default:
		// The connection broke: whether the server took the message is
		// unknown, so it is sent again later (same Message-ID).
		s.settle(store.Outcome{SubscriberID: id, State: "pending", Error: err.Error()}, false)
	}
}

// run sends the mailing under its lease: it starts the committer and the
// senders, then, batch after batch, renews the lease and queues the next
// recipients, until the list is exhausted (and drawn) or the run must stop.
func (s *mailingRun) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop, halt := s.startWorkers(ctx)
	tick := s.pacer()
	if tick != nil {
		defer tick.Stop()
	}
	// drawn carries the drawer's news: nil after each chunk, then its
	// final error (or nil) when it stopped; it is closed when it is done.
	var drawn chan error
	if s.m.Drawing {
		drawn = make(chan error, 1)
		go s.drawer(ctx, drawn)
	}
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, halt())
		}
		if s.unreachable.Load() {
			if err := halt(); err != nil {
				return err
			}
			return ErrRetryLater
		}
		batch, ok, err := s.nextBatch(ctx, after)
		if err != nil || !ok {
			// Paused, cancelled, or the lease was lost (or the read
			// failed): stop cleanly.
			return errors.Join(err, halt())
		}
		if len(batch) == 0 {
			if drawn == nil {
				break
			}
			// The list is still being drawn: wait for the next chunk.
			open, err := waitDrawn(ctx, drawn)
			if err != nil {
				return errors.Join(err, halt())
			}
			if !open {
				drawn = nil
			}
			continue
		}
		after = batch[len(batch)-1].SubscriberID
		s.queue(ctx, batch, tick)
	}
	if err := stop(); err != nil {
		return err
	}
	return s.finish(ctx)
}

// startWorkers starts the committer and the senders (as many as the
// configured connections). stop sends what is queued, waits for every
// verdict and records them; halt does the same without sending what is
// queued (pause, cancel, lost lease, error): those recipients stay pending.
func (s *mailingRun) startWorkers(ctx context.Context) (stop, halt func() error) {
	var commitErr error
	quit, committed := make(chan struct{}), make(chan struct{})
	go func() { defer close(committed); commitErr = s.committer(ctx, quit) }()
	var wg sync.WaitGroup
	for i := 0; i < s.svc.Config.conns(); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.sender(ctx) }()
	}
	stop = func() error {
		close(s.work)
		wg.Wait()
		close(quit)
		<-committed
		return commitErr
	}
	halt = func() error {
		s.halted.Store(true)
		return stop()
	}
	return stop, halt
}

// pacer ticks at the mailing's rate limit; it is nil without a limit.
func (s *mailingRun) pacer() *time.Ticker {
	if s.m.RatePerSecond <= 0 {
		return nil
	}
	return time.NewTicker(time.Second / time.Duration(s.m.RatePerSecond))
}

// nextBatch renews the lease, then reads the recipients after the given
// one. ok is false when the lease could not be renewed: the mailing was
// paused or cancelled, or another process holds it.
func (s *mailingRun) nextBatch(ctx context.Context, after string) (batch []model.Recipient, ok bool, err error) {
	svc := s.svc
	now := time.Now().UTC()
	ok, err = svc.Store.AcquireMailingLease(ctx, s.m.ID, s.owner, now, now.Add(leaseLife))
	if err != nil || !ok {
		return nil, ok, err
	}
	// The work queue holds two batches, so this read overlaps the
	// sending of the previous one.
	batch, err = svc.Store.NextRecipients(ctx, s.m, after, svc.Config.batch())
	return batch, err == nil, err
}

// waitDrawn waits for the drawer's next chunk. open is false once the
// drawer is done; err is its error, or the context's when the run is
// cancelled meanwhile.
func waitDrawn(ctx context.Context, drawn <-chan error) (open bool, err error) {
	select {
	case err, ok := <-drawn:
		return ok, err
	case <-ctx.Done():
		return true, ctx.Err()
	}
}

// queue hands a batch to the senders, at the mailing's rate: a recipient who
// unsubscribed since the list was drawn is skipped, not sent to.
func (s *mailingRun) queue(ctx context.Context, batch []model.Recipient, tick *time.Ticker) {
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
}

// finish marks the mailing done, once every verdict is recorded, if its list
// is complete and nothing is left to send; otherwise (a recipient still
// pending after a temporary refusal or a broken connection) the mailing is
// tried again later.
func (s *mailingRun) finish(ctx context.Context) error {
	svc := s.svc
	done, err := svc.Store.FinishMailing(ctx, s.m.ID, svc.Now())
	if err != nil {
		return err
	}
	if done {
		return svc.mailingFinished(ctx, s.m)
	}
	return ErrRetryLater
}

// drawer draws the rest of the list in chunks, each in its own transaction,
// telling run after each one; it closes drawn when the list is complete.
func (s *mailingRun) drawer(ctx context.Context, drawn chan<- error) {
	total := s.m.Total
	for {
		var (
			last bool
			n    int
		)
		err := s.svc.Store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, last, err = tx.DrawMore(ctx, s.m.ID, drawChunk)
			return err
		})
		if err == nil && total < store.StatsAfter && total+n >= store.StatsAfter {
			err = s.svc.Store.RefreshRecipientStats(ctx)
		}
		total += n
		if err != nil {
			select {
			case drawn <- fmt.Errorf("draw the list of mailing %s: %w", s.m.ID, err):
			case <-ctx.Done():
			}
			return
		}
		if last {
			close(drawn)
			return
		}
		select {
		case drawn <- nil:
		default: // run was told already and has not looked yet
		}
	}
}

// ErrRetryLater means recipients refused for the time being (4xx) are left
// pending: the job runs the mailing again later.
var ErrRetryLater = jobs.ErrRetryLater

// committer records verdicts in groups until quit is closed, then records
// the last ones. Whatever arrives while one transaction runs (or during
// markEvery after it) goes into the next, so at full speed a statement
// marks dozens of messages and no sender ever waits for the database.
func (s *mailingRun) committer(ctx context.Context, quit <-chan struct{}) error {
	ctx = context.WithoutCancel(ctx) // verdicts already received must be recorded
	var lastErr error
	for {
		last := false
		select {
		case <-s.kick:
		case <-quit:
			last = true
		}
		started := time.Now()
		lastErr = s.commit(ctx)
		if lastErr != nil {
			s.svc.Logger.Error("mailing: cannot record verdicts", "mailing", s.m.ID, "error", lastErr)
		}
		if last {
			return lastErr
		}
		select {
		case <-time.After(markEvery - time.Since(started)):
		case <-quit:
			lastErr = s.commit(ctx)
			return lastErr
		}
	}
}

// commit records the accepted messages as sent and the refusals, with the
// bounces they are, in one transaction. On failure they are kept for the
// next try; if none succeeds, the rows stay pending and a later run sends
// them again.
func (s *mailingRun) commit(ctx context.Context) error {
	s.mu.Lock()
	ids, outs, hard := s.accepted, s.outs, s.hard
	s.accepted, s.outs, s.hard = nil, nil, nil
	s.mu.Unlock()
	if len(ids)+len(outs) == 0 {
		return nil
	}
	var marked int
	// First: these records bound what a crash would send again.
	err := s.svc.Store.InTxFirst(ctx, func(tx *store.Tx) error {
		var err error
		if marked, err = tx.MarkSent(ctx, s.m.ID, ids, s.svc.Now()); err != nil {
			return err
		}
		if len(outs) > 0 {
			if err := tx.SettleRecipients(ctx, s.m.ID, outs); err != nil {
				return err
			}
		}
		for _, o := range hard {
			if _, err := s.svc.recordBounce(ctx, tx, o.SubscriberID, "hard", bounceStatus(o.Error), o.Error); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.mu.Lock()
		s.accepted, s.outs, s.hard = append(ids, s.accepted...), append(outs, s.outs...), append(hard, s.hard...)
		s.mu.Unlock()
		return err
	}
	if marked < len(ids) {
		// Rows marked by another run: this one's lease was taken over
		// and the new holder sent them too.
		s.svc.Logger.Warn("mailing: accepted messages whose rows were taken over", "mailing", s.m.ID, "count", len(ids)-marked)
	}
	return nil
}

// sender owns one SMTP connection and sends the recipients it is given.
func (s *mailingRun) sender(ctx context.Context) {
	svc := s.svc
	var (
		conn mail.BulkConn
		buf  []byte
	)
	defer func() {
		if conn != nil {
			conn.Close() // reads the last verdict
		}
	}()
	for {
		var (
			r  model.Recipient
			ok bool
		)
		select {
		case r, ok = <-s.work:
		default:
			// Nothing ready: finish the message under way, so that its
			// verdict (and its mark) does not wait for the next one.
			if conn != nil && conn.Flush() != nil {
				conn.Close()
				conn = nil
			}
			r, ok = <-s.work
		}
		if !ok {
			return
		}
		if ctx.Err() != nil || s.halted.Load() {
			continue // left pending for the next run
		}
		if conn == nil {
			var err error
			conn, err = svc.MassSender.OpenBulk(ctx)
			if err != nil {
				if !s.unreachable.Swap(true) {
					svc.Logger.Warn("mailing: cannot connect to the mail server; sending stops and resumes in a minute",
						"mailing", s.m.ID, "error", err)
				}
				s.halted.Store(true) // this recipient and the queued ones stay pending, untouched
				continue
			}
		}
		token := svc.links.Token(r.SubscriberID, s.m.OrgID, svc.Now().Add(PrefsLinkLife))
		unsub := svc.links.UnsubscribeURL(token)
		buf = s.composedFor(r.Lang).Build(buf[:0], r.Email, MessageID(s.m.ID, r.SubscriberID), time.Now(),
			[]mail.Header{{Name: "List-Unsubscribe", Value: "<" + unsub + ">"},
				{Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click"}},
			[]string{svc.links.PrefsURL(token), unsub})
		id := r.SubscriberID
		if err := conn.Send(svc.returnPath(id), r.Email, buf, func(err error) { s.outcome(id, err) }); err != nil {
			conn.Close()
			conn = nil
		}
	}
}

// returnPath is the envelope sender: a VERP address naming the subscriber
// when a bounce domain is configured, so asynchronous bounces say whose
// address failed.
func (s *Service) returnPath(subscriberID string) string {
	if s.Config.BounceDomain == "" {
		return mail.Address(s.Config.From)
	}
	return "bounce+" + s.links.BounceToken(subscriberID) + "@" + s.Config.BounceDomain
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
func (s *Service) mailingFinished(ctx context.Context, m model.Mailing) error {
	if m.Kind != model.MailingNewsletter {
		return nil
	}
	return s.Store.MarkNewsletterSent(ctx, m.RefID, s.Now())
}

// SetMailingState pauses, resumes or cancels a mailing of orgID.
func (s *Service) SetMailingState(ctx context.Context, actorID, orgID, id string, to model.MailingState) error {
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
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := core.Authorize(ctx, tx.Queries, actorID, orgID, policy.NewsletterSend); err != nil {
			return err
		}
		if err := tx.SetMailingState(ctx, orgID, id, from, to, s.Now()); err != nil {
			return err
		}
		if to == model.MailingSending {
			if err := s.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil); err != nil {
				return err
			}
		}
		return s.Audit(ctx, tx, orgID, actorID, "mailing."+string(to), id, "")
	})
}

// ResumeMailings queues a run for every mailing left sending (after a
// restart, or a process that died); leases make extra runs harmless.
func (s *Service) ResumeMailings(ctx context.Context) error {
	ids, err := s.Store.MailingsInState(ctx, model.MailingSending)
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if err := s.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// firstDraw and drawChunk size the chunks in which an alert's list is
// drawn: a small first one in the publishing job's transaction, so that
// sending starts at once, then larger ones while it is sent.
const (
	firstDraw = 1000
	drawChunk = 10000
)

// startMailing creates a mailing, draws its audience and queues its run, in
// tx. It returns the mailing id and the number of recipients; a mailing
// that existed already (a job run twice) is returned with n = -1.
func (s *Service) startMailing(ctx context.Context, tx *store.Tx, m model.Mailing, aud store.Audience, queue bool) (string, int, error) {
	now := s.Now()
	m.State, m.CreatedAt, m.StartedAt = model.MailingSending, now, &now
	id, created, err := s.createMailing(ctx, tx, m)
	if err != nil {
		return "", 0, err
	}
	if !created {
		return id, -1, nil
	}
	var n int
	if aud.Kind == model.MailingAlert || aud.Kind == model.MailingNews {
		// Alerts must leave at once: only a first chunk of the list is
		// drawn here, the run draws the rest while it sends.
		if err := tx.StartDrawing(ctx, id, aud); err != nil {
			return "", 0, err
		}
		n, _, err = tx.DrawMore(ctx, id, firstDraw)
	} else {
		n, err = tx.AddAudience(ctx, id, aud)
	}
	if err != nil {
		return "", 0, err
	}
	if queue && n > 0 {
		if err := s.Jobs.Enqueue(ctx, tx, jobs.RunMailingArgs{MailingID: id}, nil); err != nil {
			return "", 0, err
		}
	}
	return id, n, nil
}
