package fediverse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/federation"
	"github.com/parvis/parvis/internal/jobs"
	"github.com/parvis/parvis/internal/model"
	"github.com/parvis/parvis/internal/store"
)

// ---- Outgoing activities -----------------------------------------------

// FederatePublication queues, in tx, what tells the Fediverse about a
// publication's change: kind is Create (it went out), Update (its content
// changed while out) or Delete (it was withdrawn). Topic actors boost
// (Announce) a new publication to their own followers. Nothing is queued
// when nobody can be following (no actor was ever fetched).
func (s *Service) FederatePublication(ctx context.Context, tx *store.Tx, orgID, pubID, kind string) error {
	return s.Federate(ctx, tx, orgID, pubID, kind, nil)
}

// FederateOccurrence queues, in tx, the Update of event ev that opens
// with the change to one of its dates: x cancels or moves it, or (restored)
// was just removed and the date is back on (OccurrenceNotice).
func (s *Service) FederateOccurrence(ctx context.Context, tx *store.Tx, orgID string, ev model.Event, x model.EventException,
	restored bool) error {
	return s.Federate(ctx, tx, orgID, ev.PublicationID, "Update", []EventNotice{s.OccurrenceNotice(ev, x, restored, s.Now())})
}

// Federate is FederatePublication with notices opening the object's
// summary and content: news that its state alone does not tell (a date
// of a series back on schedule).
func (s *Service) Federate(ctx context.Context, tx *store.Tx, orgID, pubID, kind string, lead []EventNotice) error {
	orgActor, err := tx.FedActorOf(ctx, model.ActorOrg, orgID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	org, err := tx.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	p, err := tx.PublicationByID(ctx, orgID, pubID)
	if err != nil {
		return err
	}
	now := s.Now()
	actorURI := s.OrgActorURI(org.Handle)
	objURI := s.PublicationURI(org.Handle, p.Slug)
	audience := []string{orgActor.ID}
	var topicActors []model.FedActor
	topics, err := tx.TopicsOf(ctx, orgID)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if !slices.Contains(p.TopicIDs, t.ID) {
			continue
		}
		ta, err := tx.FedActorOf(ctx, model.ActorTopic, t.ID)
		if errors.Is(err, model.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		topicActors = append(topicActors, ta)
		if kind != "Create" {
			audience = append(audience, ta.ID)
		}
	}
	id := core.NewID()
	act := federation.OutActivity{ID: actorURI + "#" + strings.ToLower(kind) + "-" + id, Type: kind, Actor: actorURI,
		Published: federation.Stamp(now), To: []string{federation.Public}, Cc: []string{collectionURI(actorURI, "followers")}}
	switch kind {
	case "Delete":
		act.Object = &federation.Note{ID: objURI, Type: "Tombstone", Deleted: federation.Stamp(now)}
	default:
		n, err := s.publicationObject(ctx, tx.Queries, org, p, lead)
		if err != nil {
			return err
		}
		if kind == "Update" {
			n.Updated = federation.Stamp(now) // Mastodon applies an edit only if newer
		}
		act.Object = &n
	}
	if err := s.queueActivity(ctx, tx, orgActor.ID, kind, objURI, p.ID, audience, nil, act, now); err != nil {
		return err
	}
	if kind != "Create" {
		return nil
	}
	for i, ta := range topicActors {
		var slug string
		for _, t := range topics {
			if t.ID == ta.TopicID {
				slug = t.Slug
			}
		}
		turi := s.TopicActorURI(org.Handle, slug)
		ann := federation.OutActivity{ID: fmt.Sprintf("%s#announce-%s-%d", turi, id, i), Type: "Announce", Actor: turi,
			Published: federation.Stamp(now), To: []string{federation.Public},
			Cc: []string{collectionURI(turi, "followers"), actorURI}, Object: objURI}
		if err := s.queueActivity(ctx, tx, ta.ID, "Announce", objURI, p.ID, []string{ta.ID}, nil, ann, now); err != nil {
			return err
		}
	}
	return nil
}

// queueActivity stores an outgoing activity and its fan-out job in tx.
func (s *Service) queueActivity(ctx context.Context, tx *store.Tx, actorID, kind, objectID, pubID string, audience, inboxes []string,
	act federation.OutActivity, now time.Time) error {
	body, err := federation.Marshal(federation.Wrap(act))
	if err != nil {
		return err
	}
	o := model.OutboxItem{ID: core.NewID(), ActorID: actorID, Kind: kind, ObjectID: objectID, PublicationID: pubID,
		Audience: audience, Inboxes: inboxes, Body: string(body), CreatedAt: now}
	if err := tx.CreateOutbox(ctx, o); err != nil {
		return err
	}
	return s.Jobs.Enqueue(ctx, tx, jobs.FedFanOutArgs{OutboxID: o.ID}, nil)
}

// FedFanOut turns an outgoing activity into one delivery job per inbox: its
// audience's followers, one shared inbox per server, plus its direct
// recipients, minus blocked domains. Running it twice queues nothing more.
func (s *Service) FedFanOut(ctx context.Context, outboxID string) error {
	o, blocks, err := s.outboxItem(ctx, outboxID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // deleted with its actor
	} else if err != nil {
		return err
	}
	recipients, err := s.Store.FollowerInboxes(ctx, o.Audience)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var params []river.InsertManyParams
	add := func(inbox, host string) {
		if seen[inbox] || blocked(blocks, host) {
			return
		}
		seen[inbox] = true
		params = append(params, river.InsertManyParams{Args: jobs.FedDeliverArgs{OutboxID: o.ID, Inbox: inbox}})
	}
	for _, r := range recipients {
		add(r.Inbox, r.Host)
	}
	for _, in := range o.Inboxes {
		add(in, federation.Host(in))
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.MarkFannedOut(ctx, o.ID, s.Now())
		if err != nil || !first {
			return err
		}
		for len(params) > 0 {
			n := min(len(params), 1000)
			if err := s.Jobs.EnqueueMany(ctx, tx, params[:n]); err != nil {
				return err
			}
			params = params[n:]
		}
		return nil
	})
}

// outboxItem loads an outgoing activity and the domains its actor's
// organisation (and the operator) block.
func (s *Service) outboxItem(ctx context.Context, id string) (model.OutboxItem, []string, error) {
	o, err := s.Store.OutboxByID(ctx, id)
	if err != nil {
		return o, nil, err
	}
	orgID, err := s.actorOrg(ctx, o.ActorID)
	if err != nil {
		return o, nil, err
	}
	blocks, err := s.blockedDomains(ctx, orgID)
	return o, blocks, err
}

// actorOrg is the organisation a local actor speaks for ("" for persons
// and the instance).
func (s *Service) actorOrg(ctx context.Context, actorID string) (string, error) {
	act, err := s.Store.FedActorByID(ctx, actorID)
	if err != nil {
		return "", err
	}
	if act.Kind == model.ActorTopic {
		t, _, err := s.Store.TopicWithOrg(ctx, act.TopicID)
		return t.OrgID, err
	}
	return act.OrgID, nil
}

// ErrHostDown is a delivery skipped because its host has failed for
// HostDeadAfter; it is not retried.
var ErrHostDown = errors.New("host unreachable for days: skipped")

// FedDeliver sends an outgoing activity to one inbox, signed by its actor. A
// refusal (4xx) is final; network errors and 5xx are retried by the job.
func (s *Service) FedDeliver(ctx context.Context, outboxID, inbox string) error {
	if s.Fed.Client == nil {
		return errors.New("federation client not configured")
	}
	host := federation.Host(inbox)
	o, blocks, err := s.outboxItem(ctx, outboxID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if blocked(blocks, host) {
		return nil // blocked since the fan-out
	}
	st, err := s.Store.HostStatus(ctx, host)
	if err != nil {
		return err
	}
	now := s.Now()
	if st.FailingSince != nil && now.Sub(*st.FailingSince) > HostDeadAfter && st.LastAttemptAt != nil &&
		now.Sub(*st.LastAttemptAt) < hostProbe {
		s.Logger.Info("federation: delivery skipped, host down", "host", host, "since", st.FailingSince, "activity", o.Kind)
		return nil
	}
	act, err := s.Store.FedActorByID(ctx, o.ActorID)
	if err != nil {
		return err
	}
	uri, err := s.actorURIOf(ctx, s.Store.Queries, act)
	if err != nil {
		return err
	}
	sg, err := s.signer(act, uri)
	if err != nil {
		return err
	}
	release := s.hostSlot(ctx, host)
	if release == nil {
		return ctx.Err()
	}
	err = s.Fed.Client.Post(ctx, inbox, []byte(o.Body), sg)
	release()
	var se *federation.StatusError
	switch {
	case err == nil:
		return s.Store.HostAnswered(ctx, host, now)
	case errors.As(err, &se) && se.Permanent():
		// The server is up and refused this activity: retrying won't help.
		s.Logger.Info("federation: delivery refused", "inbox", inbox, "status", se.Status, "activity", o.Kind)
		return s.Store.HostAnswered(ctx, host, now)
	}
	if herr := s.Store.HostResult(ctx, host, false, now); herr != nil {
		s.Logger.Warn("federation: host status", "host", host, "error", herr)
	}
	return fmt.Errorf("deliver %s to %s: %w", o.Kind, inbox, err)
}

// hostSlot waits for one of the host's delivery slots; nil if ctx ended.
func (s *Service) hostSlot(ctx context.Context, host string) func() {
	n := s.Fed.HostConcurrency
	if n <= 0 {
		n = 4
	}
	s.fed.mu.Lock()
	if s.fed.hosts == nil {
		s.fed.hosts = map[string]chan struct{}{}
	}
	sem, ok := s.fed.hosts[host]
	if !ok {
		sem = make(chan struct{}, n)
		s.fed.hosts[host] = sem
	}
	s.fed.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }
	case <-ctx.Done():
		return nil
	}
}

// ---- Blocks and sanctions ----------------------------------------------

// blockedDomains lists the operator's blocks and the organisation's.
func (s *Service) blockedDomains(ctx context.Context, orgID string) ([]string, error) {
	stored, ok := s.fed.blocks.get(orgID)
	if !ok {
		var err error
		if stored, err = s.Store.BlockedDomains(ctx, orgID); err != nil {
			return nil, err
		}
		s.fed.blocks.put(orgID, stored)
	}
	return append(slices.Clone(s.Fed.OperatorBlocks), stored...), nil
}

// blocked reports whether host (with or without port) is, or is under, one
// of the domains.
func blocked(domains []string, host string) bool {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d != "" && (h == d || strings.HasSuffix(h, "."+d)) {
			return true
		}
	}
	return false
}

// OperatorBlocked reports whether the instance refuses any of hosts.
func (s *Service) OperatorBlocked(ctx context.Context, hosts ...string) (bool, error) {
	bs, err := s.blockedDomains(ctx, "")
	for _, h := range hosts {
		if blocked(bs, h) {
			return true, err
		}
	}
	return false, err
}

// NormalizeDomain checks a domain typed by staff ("mastodon.example",
// "https://spam.example/" → "spam.example").
func NormalizeDomain(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimPrefix(s, "@")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(strings.SplitN(s, "/", 2)[0], ".")
	if s == "" || len(s) > 253 || !strings.Contains(s, ".") && !strings.Contains(s, ":") && s != "localhost" {
		return "", false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == ':') {
			return "", false
		}
	}
	return s, true
}

// fedLog is the logger for refused or ignored federation input: one line,
// never the content.
func (s *Service) fedLog() *slog.Logger { return s.Logger.With("component", "federation") }
