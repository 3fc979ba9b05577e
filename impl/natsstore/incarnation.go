package natsstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

var _ kv.IncarnationReporter = (*Store)(nil)

// hintBucketGone is the hint of an incarnation lookup for a bucket that does not exist now.
const hintBucketGone = "the bucket's stream does not exist (deleted?); open the bucket again once it is re-created"

// Incarnation implements kv.IncarnationReporter: the bucket name and the creation time of its
// stream (StreamInfo.Created, to the nanosecond), read fresh from the server. The server keeps
// that time for the stream's whole life, across restarts and leader changes, and a stream
// deleted and created again under the same name gets a new one; nothing else in the stream's
// info tells two lives apart (the configuration may be identical and the sequences restart).
// A stream that does not exist is kv.ErrKeyNotFound; a timeout is kv.ErrTimeout.
func (s *Store) Incarnation(ctx context.Context) (kv.Incarnation, error) {
	const op = "incarnation"
	if err := s.ready(op, ""); err != nil {
		return kv.Incarnation{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	st, err := s.js.Stream(ctx, s.stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return kv.Incarnation{}, kv.NewError(op, s.name, kv.ErrKeyNotFound, err).WithHint(hintBucketGone)
	}
	if err != nil {
		return kv.Incarnation{}, failRead(op, s.name, err)
	}
	inc, err := kv.NewIncarnation(s.name, st.CachedInfo().Created)
	if err != nil {
		return kv.Incarnation{}, kv.NewError(op, s.name, kv.ErrOperationFailed,
			fmt.Errorf("stream %s reports no usable creation time: %w", s.stream, err))
	}
	return inc, nil
}
