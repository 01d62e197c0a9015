package organisations

import (
	"context"
	"fmt"
	"time"
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
	s.Logger.Info("retention", "registrations", regs, "fed_seen", seen)
	return nil
}
