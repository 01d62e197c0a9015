package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// FederationQueue works ActivityPub fan-outs and deliveries, apart from mail
// so that a slow remote server never delays an e-mail.
const FederationQueue = "federation"

// DeliveryAttempts and DeliveryBackoff spread a delivery's retries over
// about three and a half days: 30 s, 1 min, 2 min… doubling up to 12 h.
const (
	DeliveryAttempts = 16
	deliveryBase     = 30 * time.Second
	deliveryCap      = 12 * time.Hour
)

// DeliveryBackoff is the wait before retry number attempt (1-based).
func DeliveryBackoff(attempt int) time.Duration {
	d := deliveryBase
	for i := 1; i < attempt && d < deliveryCap; i++ {
		d *= 2
	}
	return min(d, deliveryCap)
}

// FedFanOutArgs turns one outgoing activity into one delivery job per inbox.
type FedFanOutArgs struct {
	OutboxID string `json:"outbox_id"`
}

// Kind identifies the job type.
func (FedFanOutArgs) Kind() string { return "fed_fanout" }

// InsertOpts puts the job on the federation queue.
func (FedFanOutArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: FederationQueue, MaxAttempts: 10}
}

// FedDeliverArgs sends one outgoing activity to one inbox.
type FedDeliverArgs struct {
	OutboxID string `json:"outbox_id"`
	Inbox    string `json:"inbox"`
}

// Kind identifies the job type.
func (FedDeliverArgs) Kind() string { return "fed_deliver" }

// InsertOpts puts the job on the federation queue with the long retry plan.
func (FedDeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: FederationQueue, MaxAttempts: DeliveryAttempts}
}

// Federator is what the federation workers need of the use cases.
type Federator interface {
	FedFanOut(ctx context.Context, outboxID string) error
	FedDeliver(ctx context.Context, outboxID, inbox string) error
}

// FedFanOutWorker runs fan-outs; the use case is idempotent (it marks the
// activity fanned out in the transaction that queues the deliveries).
type FedFanOutWorker struct {
	river.WorkerDefaults[FedFanOutArgs]
	Federator Federator
}

// Work fans one activity out.
func (w *FedFanOutWorker) Work(ctx context.Context, job *river.Job[FedFanOutArgs]) error {
	return w.Federator.FedFanOut(ctx, job.Args.OutboxID)
}

// FedDeliverWorker delivers; a failed delivery is retried with DeliveryBackoff.
type FedDeliverWorker struct {
	river.WorkerDefaults[FedDeliverArgs]
	Federator Federator
}

// Work delivers one activity to one inbox.
func (w *FedDeliverWorker) Work(ctx context.Context, job *river.Job[FedDeliverArgs]) error {
	return w.Federator.FedDeliver(ctx, job.Args.OutboxID, job.Args.Inbox)
}

// NextRetry spreads retries over days (River's default gives up within hours).
func (w *FedDeliverWorker) NextRetry(job *river.Job[FedDeliverArgs]) time.Time {
	from := time.Now()
	if job.AttemptedAt != nil {
		from = *job.AttemptedAt // River's clock (a test clock in tests)
	}
	return from.Add(DeliveryBackoff(job.Attempt))
}

// Timeout bounds one delivery attempt (the HTTP client has its own limits).
func (w *FedDeliverWorker) Timeout(*river.Job[FedDeliverArgs]) time.Duration { return 30 * time.Second }
