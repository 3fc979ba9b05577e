package natsstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

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
	keys := liveSet[string]{keyOf: func(k string) string { return k }}
	err := s.list(ctx, "keys", prefix, true, func(e kv.Entry, live bool) { keys.record(e.Key, live) })
	if err != nil {
		return nil, err
	}
	return keys.result(), nil
}

// Scan returns the current entry of every live key below prefix (see Keys for the prefix rule),
// in revision order, hiding tombstones exactly as Get does. Each entry's version is its stream
// sequence, read from the delivery's ACK subject, or the unknown version if that subject cannot
// be parsed (never 0). Like Keys it uses one ephemeral consumer, deletes it on every path, and
// never returns a partial result with a nil error.
func (s *Store) Scan(ctx context.Context, prefix string) ([]kv.Entry, error) {
	entries := liveSet[kv.Entry]{keyOf: func(e kv.Entry) string { return e.Key }}
	err := s.list(ctx, "scan", prefix, false, func(e kv.Entry, live bool) { entries.record(e, live) })
	if err != nil {
		return nil, err
	}
	return entries.result(), nil
}

// list drains the last record of every key below prefix through one ephemeral pull consumer
// and hands each record to visit, in revision order, saying whether it is live (a tombstone is
// visited too: it ends the key's earlier record when the key was written during the listing).
// Nothing is sized from the server's pending count: the caller's buffers grow with what arrives.
func (s *Store) list(ctx context.Context, op, prefix string, headersOnly bool, visit func(e kv.Entry, live bool)) error {
	if err := s.ready(op, prefix); err != nil {
		return err
	}
	norm, err := kv.NormalizePrefix(prefix)
	if err != nil {
		return err
	}
	cfg := s.consumerConfig("slipstream "+op, []string{norm})
	cfg.HeadersOnly = headersOnly
	cons, err := s.createConsumer(ctx, op, cfg)
	if err != nil {
		return failRead(op, prefix, fmt.Errorf("create listing consumer on %s: %w", s.stream, err))
	}
	info := cons.CachedInfo()
	defer s.deleteConsumer(ctx, op, info.Name)
	pending := info.NumPending
	if pending == 0 {
		return nil
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(int(min(pending, scanBatch))))
	if err != nil {
		return failRead(op, prefix, fmt.Errorf("start listing: %w", err))
	}
	defer it.Stop()
	stop := context.AfterFunc(ctx, it.Stop) // a cancelled ctx ends Next at once
	defer stop()
	// The per-message bound, and the end of a listing whose remaining records were purged.
	timeout := s.conn.timeout()
	dog := startDrainWatch(cons, it.Stop, timeout)
	defer dog.end()

	var deliveries deliveryCounter
	for got := uint64(0); got < pending; got++ {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return failRead(op, prefix, ctx.Err())
			}
			if dog.drained.Load() {
				return nil // the rest was purged during the listing
			}
			if dog.stalled.Load() || errors.Is(err, nats.ErrTimeout) {
				return kv.NewError(op, prefix, kv.ErrTimeout, err).WithHint(fmt.Sprintf(
					"no message for %v after %d of %d; %s", timeout, got, pending, hintListingRetry))
			}
			return failRead(op, prefix, fmt.Errorf("listing ended after %d of %d messages: %w", got, pending, err))
		}
		u, ack, ackOK, ok := s.decodeMsg(msg.Subject(), msg.Reply(), msg.Headers(), msg.Data())
		if ackOK {
			if err := deliveries.next(ack.consumerSeq); err != nil {
				return kv.NewError(op, prefix, kv.ErrOperationFailed, err).WithHint(hintListingRetry)
			}
		}
		dog.arrived(ack.consumerSeq, ackOK)
		if !ok {
			continue
		}
		isLive := u.Op == kv.OpPut
		if headersOnly {
			isLive = isLive && msg.Headers().Get(hdrMsgSize) != "0"
		} else {
			isLive = isLive && len(u.Value) > 0
		}
		visit(kv.Entry{Key: u.Key, Value: u.Value, Version: u.Version}, isLive)
	}
	return nil
}

// liveSet collects the live records of a listing in arrival (revision) order. A key written
// during the listing can arrive twice: the later record supersedes the earlier one, whose slot
// is zeroed at once (releasing its value) and skipped by result; a tombstone only removes.
type liveSet[T any] struct {
	keyOf func(T) string
	items []T
	index map[string]int // key → position in items of its live record
	gone  map[int]bool   // positions of superseded records (rare: only writes during a listing)
}

func (l *liveSet[T]) record(item T, live bool) {
	key := l.keyOf(item)
	if l.index == nil {
		l.index = make(map[string]int)
	}
	if i, dup := l.index[key]; dup {
		var zero T
		l.items[i] = zero
		if l.gone == nil {
			l.gone = make(map[int]bool)
		}
		l.gone[i] = true
		delete(l.index, key)
	}
	if live {
		l.index[key] = len(l.items)
		l.items = append(l.items, item)
	}
}

// result returns the live records in order, compacted in place.
func (l *liveSet[T]) result() []T {
	if l.items == nil {
		return []T{} // an empty listing is an empty slice, not nil
	}
	if len(l.gone) == 0 {
		return l.items
	}
	out := l.items[:0]
	for i, item := range l.items {
		if !l.gone[i] {
			out = append(out, item)
		}
	}
	clear(l.items[len(out):])
	return out
}
