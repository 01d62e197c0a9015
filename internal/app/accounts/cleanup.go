package accounts

import (
	"context"
	"fmt"
	"time"
)

// CleanupExpired deletes expired sessions, links expired for a day and
// login counters quiet for a day, then has the retention periods applied
// (Deps.Retention). The cleanup job runs it hourly.
func (s *Service) CleanupExpired(ctx context.Context) error {
	now := s.Now()
	sessions, err := s.Store.DeleteExpiredSessions(ctx, now)
	if err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	tokens, err := s.Store.DeleteStaleTokens(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("delete stale tokens: %w", err)
	}
	throttles, err := s.Store.DeleteStaleThrottles(ctx, now.Add(-24*time.Hour), now)
	if err != nil {
		return err
	}
	// Unanswered invitations are kept a week past expiry so that the staff
	// page can still say "expired" to someone who clicks late.
	invitations, err := s.Store.DeleteStaleInvitations(ctx, now.Add(-7*24*time.Hour))
	if err != nil {
		return fmt.Errorf("delete stale invitations: %w", err)
	}
	warned, deleted, err := s.purgeInactive(ctx, now)
	if err != nil {
		return fmt.Errorf("inactive accounts: %w", err)
	}
	s.Logger.Info("cleanup", "sessions", sessions, "tokens", tokens, "throttles", throttles, "invitations", invitations,
		"inactive_warned", warned, "inactive_deleted", deleted)
	return s.Retention.PurgeRetained(ctx)
}
