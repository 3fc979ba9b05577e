package natsstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// consumerInactiveThreshold is how long the server keeps a consumer this package created after
// its client stops pulling: a safety net that reaps consumers whose explicit delete failed
// (pitfall P18), so orphans do not pile up against the stream's consumer limit.
const consumerInactiveThreshold = 5 * time.Minute

// listConsumerCreated, when set by a test, runs after a listing's consumer is created.
var listConsumerCreated func()

// scanBatch is the largest pull request a listing sends (messages in flight at once).
const scanBatch = 1000

// Keys lists the live keys below prefix ("" for every key; "node" and "node." both select the
// subtree node.>), in revision order. Tombstones are hidden exactly as Get hides them: delete
// and purge markers, and empty values (seen through the Nats-Msg-Size: 0 header of a
// headers-only delivery, so no value is transferred).
//
// It reads a point-in-time snapshot through one ephemeral consumer (last record per key, no
// acknowledgements, so buckets larger than any ack window are listed whole) and deletes that
// consumer on every path. It never returns a partial list with a nil error: a stream that ends
// early or stalls for longer than the request timeout between two messages is an error
// (kv.ErrTimeout for a stall). An invalid prefix gives kv.ErrInvalidScope before any request.
func (s *Store) Keys(ctx context.Context, prefix string) ([]string, error) {
	recs, err := s.list(ctx, "keys", prefix, true)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		if r.live {
			out = append(out, r.key)
		}
	}
	return out, nil
}

// Scan returns the current entry of every live key below prefix (see Keys for the prefix rule),
// in revision order, hiding tombstones exactly as Get does. Each entry's version is its stream
// sequence, read from the delivery's ACK subject, or the unknown version if that subject cannot
// be parsed (never 0). Like Keys it uses one ephemeral consumer, deletes it on every path, and
// never returns a partial result with a nil error.
func (s *Store) Scan(ctx context.Context, prefix string) ([]kv.Entry, error) {
	recs, err := s.list(ctx, "scan", prefix, false)
	if err != nil {
		return nil, err
	}
	out := make([]kv.Entry, 0, len(recs))
	for _, r := range recs {
		if r.live {
			out = append(out, kv.Entry{Key: r.key, Value: r.value, Version: r.version})
		}
	}
	return out, nil
}

// listed is one record of a listing; live is false for tombstones and superseded records.
type listed struct {
	key     string
	value   []byte
	version kv.Version
	live    bool
}

// list drains the last record of every key below prefix through one ephemeral pull consumer.
func (s *Store) list(ctx context.Context, op, prefix string, headersOnly bool) ([]listed, error) {
	if s.conn.isClosed() {
		return nil, notConnected(op, prefix)
	}
	norm, err := kv.NormalizePrefix(prefix)
	if err != nil {
		return nil, err
	}
	timeout := s.conn.timeout()
	setup, cancel := context.WithTimeout(ctx, timeout)
	cons, err := s.js.CreateConsumer(setup, s.stream, jetstream.ConsumerConfig{
		Description:       "slipstream " + op,
		DeliverPolicy:     jetstream.DeliverLastPerSubjectPolicy,
		AckPolicy:         jetstream.AckNonePolicy,
		FilterSubject:     s.filterFor(norm),
		HeadersOnly:       headersOnly,
		InactiveThreshold: consumerInactiveThreshold,
		MemoryStorage:     true,
		Replicas:          1,
	})
	cancel()
	if err != nil {
		return nil, fail(op, prefix, fmt.Errorf("create listing consumer on %s: %w", s.stream, err))
	}
	info := cons.CachedInfo()
	defer s.deleteConsumer(ctx, op, info.Name)
	if listConsumerCreated != nil {
		listConsumerCreated()
	}
	pending := info.NumPending
	if pending == 0 {
		return nil, nil
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(int(min(pending, scanBatch))))
	if err != nil {
		return nil, fail(op, prefix, fmt.Errorf("start listing: %w", err))
	}
	defer it.Stop()
	stop := context.AfterFunc(ctx, it.Stop) // a cancelled ctx ends Next at once
	defer stop()
	// The per-message bound: a watchdog re-armed after every message stops the iterator when
	// none arrives within the timeout (one timer for the whole drain, not one per message).
	var stalled atomic.Bool
	dog := time.AfterFunc(timeout, func() { stalled.Store(true); it.Stop() })
	defer dog.Stop()

	recs := make([]listed, 0, pending)
	seen := make(map[string]int, pending)
	for got := uint64(0); got < pending; got++ {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fail(op, prefix, ctx.Err())
			}
			if stalled.Load() || errors.Is(err, nats.ErrTimeout) {
				return nil, kv.NewError(op, prefix, kv.ErrTimeout, err).WithHint(fmt.Sprintf(
					"no message for %v after %d of %d; nothing partial is returned — retry", timeout, got, pending))
			}
			return nil, fail(op, prefix, fmt.Errorf("listing ended after %d of %d messages: %w", got, pending, err))
		}
		dog.Reset(timeout)
		u, ack, ackOK, ok := s.decodeMsg(msg.Subject(), msg.Reply(), msg.Headers(), msg.Data())
		if ackOK && ack.consumerSeq != got+1 {
			return nil, kv.NewError(op, prefix, kv.ErrOperationFailed, nil).WithHint(fmt.Sprintf(
				"delivery gap: message %d arrived as delivery %d (the client dropped messages); retry", got+1, ack.consumerSeq))
		}
		if !ok {
			continue
		}
		live := u.Op == kv.OpPut
		if headersOnly {
			live = live && msg.Headers().Get(hdrMsgSize) != "0"
		} else {
			live = live && len(u.Value) > 0
		}
		// A key written during the listing can arrive twice; the later record supersedes.
		if i, dup := seen[u.Key]; dup {
			recs[i].live = false
		}
		seen[u.Key] = len(recs)
		recs = append(recs, listed{key: u.Key, value: u.Value, version: u.Version, live: live})
	}
	return recs, nil
}

// deleteConsumer deletes a consumer this package created, bounded by the request timeout even
// when ctx is already cancelled. Failure is logged at warn (the inactive threshold reaps it).
func (s *Store) deleteConsumer(ctx context.Context, op, name string) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.conn.timeout())
	defer cancel()
	if err := s.js.DeleteConsumer(dctx, s.stream, name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		s.conn.logger().Warn("natsstore: delete consumer failed; the server reaps it after the inactive threshold",
			"op", op, "stream", s.stream, "consumer", name, "threshold", consumerInactiveThreshold, "err", err)
	}
}
