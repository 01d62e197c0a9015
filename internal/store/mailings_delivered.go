package store

import (
	"context"
	"fmt"
	"time"
)

// RecordDelivered marks every recipient of a mailing still waiting as sent
// and the mailing done, without sending anything: for a mailing that was
// delivered elsewhere (the demo's letters of past months). It goes through
// none of the sending machinery, so it stays independent of it.
func (q *Queries) RecordDelivered(ctx context.Context, mailingID string, at time.Time) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE mailing_recipients SET state='sent', sent_at=$2
		WHERE mailing_id=$1 AND state IN ('pending','claimed')`, mailingID, at); err != nil {
		return fmt.Errorf("record delivered: %w", translate(err))
	}
	_, err := q.q.ExecContext(ctx, `UPDATE mailings SET state='done', finished_at=$2, lease_owner='', lease_until=NULL,
		sent=(SELECT COUNT(*) FROM mailing_recipients WHERE mailing_id=$1 AND state='sent') WHERE id=$1`, mailingID, at)
	if err != nil {
		return fmt.Errorf("record delivered: %w", translate(err))
	}
	return nil
}
