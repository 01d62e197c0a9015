package store

import (
	"context"
	"fmt"
	"time"
)

// CreateReplyToken records the hash of a reply address's token for an item.
func (q *Queries) CreateReplyToken(ctx context.Context, hash, orgID, itemID string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_reply_tokens (token_hash, org_id, item_id, created_at) VALUES ($1,$2,$3,$4)`,
		hash, orgID, itemID, at)
	if err != nil {
		return fmt.Errorf("reply token: %w", translate(err))
	}
	return nil
}

// ReplyTokenItem returns the organisation and item a token's hash stands
// for, or model.ErrNotFound.
func (q *Queries) ReplyTokenItem(ctx context.Context, hash string) (orgID, itemID string, err error) {
	err = q.q.QueryRowContext(ctx, `SELECT org_id, item_id FROM inbox_reply_tokens WHERE token_hash=$1`, hash).Scan(&orgID, &itemID)
	if err != nil {
		return "", "", fmt.Errorf("reply token: %w", translate(err))
	}
	return orgID, itemID, nil
}

// RecordInboundMail notes that a message was received for an item and what
// became of it; the same Message-ID for the same item again is
// model.ErrConflict, so a redelivered message is handled once.
func (q *Queries) RecordInboundMail(ctx context.Context, orgID, itemID, messageID, outcome string, at time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO inbox_inbound_mail (item_id, message_id, org_id, outcome, received_at) VALUES ($1,$2,$3,$4,$5)`,
		itemID, messageID, orgID, outcome, at)
	if err != nil {
		return fmt.Errorf("inbound mail: %w", translate(err))
	}
	return nil
}
