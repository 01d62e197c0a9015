package organisations

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/store"
)

// Retention of personal data and of technical records, applied by the
// hourly cleanup job (docs/EVENTS.md, docs/FEDERATION.md). Every deletion
// the interface promises is performed here or by a named use case
// (docs/ACCOUNTS.md, "What is deleted, and when").
const (
	// RegistrationRetention: registrations are deleted this long after
	// their event's last occurrence ended ("Vos données servent uniquement
	// à cet événement et sont supprimées 30 jours après.").
	RegistrationRetention = 30 * 24 * time.Hour
	// FedSeenRetention: incoming activity ids kept against replays. The
	// signature's date check (federation.MaxSkew, one hour) refuses
	// anything older long before.
	FedSeenRetention = 14 * 24 * time.Hour
	// UnconfirmedSubscriptionRetention: an address whose double opt-in was
	// never confirmed is deleted with its choices (the confirmation link
	// has long expired; keeping it would be mailing-list padding).
	UnconfirmedSubscriptionRetention = 30 * 24 * time.Hour
	// AbandonedAddressRetention: an address that follows nothing any more
	// and has no account is replaced by its SHA-256 this long after its
	// last consent change (the unsubscribe), and the IP addresses of its
	// consent records are cleared; the digest and the dated records remain
	// as proof of consent and of its withdrawal.
	AbandonedAddressRetention = 30 * 24 * time.Hour
	// ClosedRequestRetention: a request sent through the "poser une
	// question" form is deleted, with its console item and history, this
	// long after the item was closed (the CNIL's reference for relations
	// with users: the time of the exchange, then two years).
	ClosedRequestRetention = 2 * 365 * 24 * time.Hour
	// retentionBatch bounds the addresses pseudonymised in one pass.
	retentionBatch = 500
)

// PurgeRetained deletes what is kept no longer than the retention periods.
func (s *Service) PurgeRetained(ctx context.Context) error {
	now := s.Now()
	regs, err := s.Store.DeleteRegistrationsEndedBefore(ctx, now.Add(-RegistrationRetention))
	if err != nil {
		return err
	}
	seen, err := s.Store.PurgeSeen(ctx, now.Add(-FedSeenRetention))
	if err != nil {
		return fmt.Errorf("purge fed_seen: %w", err)
	}
	unconfirmed, err := s.Store.DeleteUnconfirmedSubscribers(ctx, now.Add(-UnconfirmedSubscriptionRetention))
	if err != nil {
		return err
	}
	// Each of these writes several tables: a transaction so that a crash
	// leaves no half-pseudonymised subscriber and no item without its request.
	var abandoned int
	var requests int64
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if abandoned, err = tx.PseudonymiseAbandonedSubscribers(ctx, now.Add(-AbandonedAddressRetention), retentionBatch); err != nil {
			return err
		}
		requests, err = tx.DeleteClosedRequests(ctx, now.Add(-ClosedRequestRetention))
		return err
	})
	if err != nil {
		return err
	}
	s.Logger.Info("retention", "registrations", regs, "fed_seen", seen, "unconfirmed_subscribers", unconfirmed,
		"abandoned_addresses", abandoned, "closed_requests", requests)
	return nil
}
