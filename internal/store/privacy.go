package store

import (
	"context"
	"fmt"
	"time"

	"github.com/parvis/parvis/internal/model"
)

// PrivacyFacts reads what an organisation's record of processing depends on.
func (q *Queries) PrivacyFacts(ctx context.Context, orgID string) (model.PrivacyFacts, error) {
	var f model.PrivacyFacts
	var mode string
	var clicks int
	err := q.q.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT dpo_contact FROM privacy_settings WHERE org_id=$1), ''),
		COALESCE((SELECT mode FROM moderation_settings WHERE org_id=$1), 'post'),
		EXISTS (SELECT 1 FROM events WHERE org_id=$1 AND join_mode = 'restricted'),
		COALESCE((SELECT click_counts FROM mail_settings WHERE org_id=$1), 0)`, orgID).
		Scan(&f.DPOContact, &mode, &f.Registrations, &clicks)
	if err != nil {
		return f, fmt.Errorf("privacy facts: %w", translate(err))
	}
	f.CommentMode, f.ClickCounts = model.ModerationMode(mode), clicks != 0
	return f, nil
}

// SetDPOContact saves the contact of the organisation's data protection officer.
func (q *Queries) SetDPOContact(ctx context.Context, orgID, contact string, now time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO privacy_settings (org_id, dpo_contact, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET dpo_contact = excluded.dpo_contact, updated_at = excluded.updated_at`, orgID, contact, now)
	if err != nil {
		return fmt.Errorf("set dpo contact: %w", translate(err))
	}
	return nil
}
