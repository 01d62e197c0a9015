package app

import (
	"context"

	"github.com/parvis/parvis/internal/app/core"
	"github.com/parvis/parvis/internal/app/policy"
	"github.com/parvis/parvis/internal/store"
)

// ModerationQueue lists the comments waiting for a moderator's decision in
// the organisation, oldest first, for whom the policy allows
// moderation.decide.
func (a *App) ModerationQueue(ctx context.Context, actorID, orgID string, limit int) ([]store.QueueItem, error) {
	if _, err := core.Authorize(ctx, a.Store.Queries, actorID, orgID, policy.ModerationDecide); err != nil {
		return nil, err
	}
	return a.Store.NeedsDecision(ctx, orgID, limit)
}
