package natsstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// createAttempts bounds how often Create re-reads a deleted key whose delete marker keeps being
// replaced by other writers' deletes before it gives up with kv.ErrWriteInFlight.
const createAttempts = 4

// Create writes value only if the key is absent or its last record is a delete or purge marker;
// otherwise kv.ErrAlreadyExists. A key whose last record is an empty value (the tombstone older
// writers leave with a compare-and-swap of an empty value) counts as existing. On a replicated
// bucket a concurrent write to the same key can make the server answer 10164, reported as
// kv.ErrWriteInFlight (nothing was decided).
//
// Create never answers kv.ErrAlreadyExists for a deleted key. It writes expecting no record;
// when the key has one, it reads the last record through the stream leader, markers included,
// and writes again expecting that marker's revision. A concurrent delete that replaces the
// marker in between makes that write fail too, so Create reads again, up to createAttempts
// times. (nats.go's Create answers "exists" in that race, and reads the marker with a direct
// get, which a lagging replica may answer.)
func (s *Store) Create(ctx context.Context, key string, value []byte) (kv.Version, error) {
	return s.create(ctx, "create", key, value, 0)
}

// create is Create with an optional per-message TTL (0 for none).
func (s *Store) create(ctx context.Context, op, key string, value []byte, ttl time.Duration) (kv.Version, error) {
	if err := s.prepareWrite(op, key, value); err != nil {
		return kv.Version{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	expected := uint64(0) // no record of the key at all
	for attempt := 1; ; attempt++ {
		rev, err := s.publishExpecting(ctx, key, value, expected, ttl)
		if err == nil {
			return kv.VersionFromUint64(rev), nil
		}
		switch casKind(err) {
		case kv.ErrWriteInFlight:
			return kv.Version{}, kv.NewError(op, key, kv.ErrWriteInFlight, err).WithHint(hintWriteInFlight)
		case kv.ErrRevisionMismatch:
		default:
			return kv.Version{}, failWrite(op, key, err)
		}
		last, found, rerr := s.leaderLast(ctx, op, key)
		if rerr != nil {
			return kv.Version{}, rerr
		}
		if found && last.op == kv.OpPut {
			return kv.Version{}, kv.NewError(op, key, kv.ErrAlreadyExists, err)
		}
		if attempt == createAttempts {
			return kv.Version{}, kv.NewError(op, key, kv.ErrWriteInFlight,
				fmt.Errorf("the key's delete marker was replaced %d times while creating it", createAttempts)).WithHint(hintWriteInFlight)
		}
		expected = 0
		if found {
			expected = last.seq
		}
		if h := s.hooks.createRetry; h != nil {
			h(attempt + 1)
		}
	}
}

// publishExpecting writes value under key only if the key's last record is at sequence
// expected (0: the stream holds no record of the key), with a per-message TTL when ttl > 0.
// The header is set by hand: nats.go's helpers treat a last revision of 0 as "no guard".
func (s *Store) publishExpecting(ctx context.Context, key string, value []byte, expected uint64, ttl time.Duration) (uint64, error) {
	m := nats.NewMsg(s.subjectPrefix + key)
	m.Data = value
	m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(expected, 10))
	if ttl > 0 {
		m.Header.Set(jetstream.MsgTTLHeader, ttl.String())
	}
	ack, err := s.js.PublishMsg(ctx, m)
	if err != nil {
		return 0, err
	}
	return ack.Sequence, nil
}
