package store

import (
	"context"
	"fmt"
	"time"
)

// ChainBreak is the first link that does not hold, and why.
type ChainBreak struct {
	Seq    int64  `json:"seq"`
	Kind   string `json:"kind"`
	RowID  string `json:"row_id"`
	Reason string `json:"reason"` // changed, missing, gap, head, unchained
}

// ChainReport is what a verification found.
type ChainReport struct {
	Links int64       // links checked
	Head  ChainHead   // the head as stored
	Break *ChainBreak // nil when the whole chain holds
}

// chainPage is how many links a verification reads at a time.
const chainPage = 500

type chainLink struct {
	seq       int64
	kind, id  string
	hash      string
	createdAt time.Time
}

// VerifyChain recomputes the organisation's chain from the rows themselves
// and returns the first link that does not hold: a row changed since it was
// linked, a row removed, a link missing or out of place, a head that is not
// the last link, or a row that was never linked (inserted behind the
// application's back, or older than the chain and not backfilled yet).
func (q *Queries) VerifyChain(ctx context.Context, orgID string) (ChainReport, error) {
	var rep ChainReport
	head, err := q.ChainHeadOf(ctx, orgID)
	if err != nil {
		return rep, err
	}
	rep.Head = head
	prev, last := "", int64(0)
	for {
		links, err := q.chainLinks(ctx, orgID, last)
		if err != nil {
			return rep, err
		}
		for _, l := range links {
			if b, err := q.checkLink(ctx, l, last, prev); err != nil || b != nil {
				rep.Break = b
				return rep, err
			}
			rep.Links++
			prev, last = l.hash, l.seq
		}
		if len(links) < chainPage {
			break
		}
	}
	if head.Seq != last || head.Hash != prev {
		rep.Break = &ChainBreak{Seq: head.Seq, Reason: "head"}
		return rep, nil
	}
	for _, kind := range ChainKinds {
		ids, err := q.UnchainedRows(ctx, orgID, kind, 1)
		if err != nil {
			return rep, err
		}
		if len(ids) > 0 {
			rep.Break = &ChainBreak{Kind: kind, RowID: ids[0], Reason: "unchained"}
			return rep, nil
		}
	}
	return rep, nil
}

// checkLink recomputes one link after the one at lastSeq whose hash is prev.
func (q *Queries) checkLink(ctx context.Context, l chainLink, lastSeq int64, prev string) (*ChainBreak, error) {
	brk := func(reason string) *ChainBreak {
		return &ChainBreak{Seq: l.seq, Kind: l.kind, RowID: l.id, Reason: reason}
	}
	if l.seq != lastSeq+1 {
		return brk("gap"), nil
	}
	_, row, found, err := q.canonicalRow(ctx, l.kind, l.id)
	if err != nil {
		return nil, err
	}
	if !found {
		return brk("missing"), nil
	}
	if LinkHash(prev, l.seq, l.kind, l.id, row) != l.hash {
		return brk("changed"), nil
	}
	return nil, nil
}

func (q *Queries) chainLinks(ctx context.Context, orgID string, after int64) ([]chainLink, error) {
	return queryAll(ctx, q, func(r scanner) (chainLink, error) {
		var l chainLink
		return l, r.Scan(&l.seq, &l.kind, &l.id, &l.hash, &l.createdAt)
	}, `SELECT seq, kind, row_id, hash, created_at FROM archive_chain WHERE org_id = $1 AND seq > $2
		ORDER BY seq LIMIT `+fmt.Sprint(chainPage), orgID, after)
}

// UnchainedRows lists up to limit rows of kind in the organisation that
// have no link, oldest first: rows stored before the chain existed, which
// ChainBackfill links, or rows inserted without the application.
func (q *Queries) UnchainedRows(ctx context.Context, orgID, kind string, limit int) ([]string, error) {
	k, ok := chainKinds[kind]
	if !ok {
		return nil, fmt.Errorf("chain: unknown kind %q", kind)
	}
	return queryAll(ctx, q, func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, `SELECT x.id FROM `+k.from+` WHERE `+k.org+` = $1
		AND NOT EXISTS (SELECT 1 FROM archive_chain l WHERE l.kind = $2 AND l.row_id = x.id)
		ORDER BY `+k.at+`, x.id LIMIT `+fmt.Sprint(limit), orgID, kind)
}

// ChainBackfill links up to limit of the organisation's unchained rows,
// oldest first within each kind, and returns how many it linked. Run it in
// a transaction, and again until it returns 0.
func (q *Queries) ChainBackfill(ctx context.Context, orgID string, limit int, at time.Time) (int, error) {
	n := 0
	for _, kind := range ChainKinds {
		ids, err := q.UnchainedRows(ctx, orgID, kind, limit-n)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			if err := q.ChainAppend(ctx, kind, id, at); err != nil {
				return n, err
			}
			n++
		}
		if n >= limit {
			break
		}
	}
	return n, nil
}
