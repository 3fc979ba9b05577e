package natsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// drainWait bounds the wait for a message already buffered by the client, when a watch gathers
// the entries one probe of the floor guard is to admit.
const drainWait = 50 * time.Microsecond

// held is a received entry not yet forwarded.
type held struct {
	u       kv.Update
	rev     uint64
	tracked bool // rev is known (the ACK subject parsed), so the guard follows it
}

// pump forwards the messages of it to out until ctx ends (nil) or the stream fails. The guard
// is consulted before each forward and on its backstop period: an entry that skips revisions
// is held until a probe read after it was received admits it, and the entries buffered behind
// it are gathered first, so that one probe admits them all. It stops it on return.
func (s *Store) pump(ctx context.Context, it jetstream.MessagesContext, out chan<- kv.Update, guard *floorGuard) error {
	defer it.Stop()
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	var deliveries deliveryCounter
	batch := make([]held, 0, 16)
	// One deadline per backstop period, not one timer per message: a message waiting in the
	// client's buffer is taken without arming anything.
	var due deadline
	defer due.stop()
	for {
		due.renew(guard.due)
		msg, err := it.Next(jetstream.NextContext(due.ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, context.DeadlineExceeded) {
				if err := guard.backstop(ctx); err != nil {
					return err
				}
				guard.reportCaughtUp()
				continue
			}
			return watchFail(fmt.Errorf("watch stream ended: %w", err))
		}
		batch = batch[:0]
		h, ok, err := s.receive(msg, &deliveries, guard)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		batch = append(batch, h)
		if h.tracked && guard.needsProbe(h.rev) {
			if batch, err = s.gather(ctx, it, batch, &deliveries, guard); err != nil || ctx.Err() != nil {
				return err
			}
			// A batch of more than one entry means a backlog: asking the consumer whether it is
			// caught up would cost a round trip for a certain no.
			if err := guard.check(ctx, len(batch) == 1); err != nil {
				return err
			}
		}
		for _, h := range batch {
			if s.hooks.beforeSend != nil {
				s.hooks.beforeSend()
			}
			select {
			case out <- h.u:
			case <-ctx.Done():
				return nil
			}
			if h.tracked {
				guard.delivered(h.rev)
			}
		}
		if err := guard.backstop(ctx); err != nil {
			return err
		}
		guard.reportCaughtUp() // everything received has been forwarded
	}
}

// gather appends to batch the entries the client has already received, up to a pull batch.
func (s *Store) gather(ctx context.Context, it jetstream.MessagesContext, batch []held, deliveries *deliveryCounter, guard *floorGuard) ([]held, error) {
	for len(batch) < watchBatch {
		msg, err := it.Next(jetstream.NextMaxWait(drainWait))
		if err != nil {
			if errors.Is(err, nats.ErrTimeout) || ctx.Err() != nil {
				return batch, nil
			}
			return batch, watchFail(fmt.Errorf("watch stream ended: %w", err))
		}
		h, ok, err := s.receive(msg, deliveries, guard)
		if err != nil {
			return batch, err
		}
		if ok {
			batch = append(batch, h)
		}
	}
	return batch, nil
}

// receive decodes one delivered message, checks the delivery sequence and records it with the
// guard; ok is false for a message that carries no update.
func (s *Store) receive(msg jetstream.Msg, deliveries *deliveryCounter, guard *floorGuard) (held, bool, error) {
	u, ack, ackOK, ok := s.decodeMsg(msg.Subject(), msg.Reply(), msg.Headers(), msg.Data())
	if ackOK {
		if err := deliveries.next(ack.consumerSeq); err != nil {
			return held{}, false, kv.NewError("watch", "", kv.ErrWatch, err).WithHint(hintResume)
		}
		guard.received = ack.consumerSeq
	}
	guard.stall.arrived(ack.streamSeq, ackOK)
	return held{u: u, rev: ack.streamSeq, tracked: ackOK}, ok, nil
}

// deadline is a context that ends at a given time, renewed only when the time changes.
type deadline struct {
	ctx    context.Context
	at     time.Time
	cancel context.CancelFunc
}

// renew makes the context end at at, unless it already does.
func (d *deadline) renew(at time.Time) {
	if d.ctx != nil && d.at.Equal(at) {
		return
	}
	d.stop()
	d.at = at
	d.ctx, d.cancel = context.WithDeadline(context.Background(), at)
}

// stop releases the context's timer.
func (d *deadline) stop() {
	if d.cancel != nil {
		d.cancel()
	}
}
