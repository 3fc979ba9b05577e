package natsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/protocol"
)

// consumerInactiveThreshold is how long the server keeps a consumer this package created after
// its client stops pulling: a safety net that reaps a consumer whose explicit delete failed (the
// client lost its connection at the wrong moment), so orphans do not pile up against the
// stream's consumer limit.
const consumerInactiveThreshold = 5 * time.Minute

// consumerConfig is the ephemeral consumer every watch and listing of this package uses: last
// record per key first, no acknowledgements (so a bucket larger than any ack window is read
// whole), in memory, one replica, reaped by the server if its client goes away. One filter is
// sent as FilterSubject and several as FilterSubjects, so a multi-prefix scope is one consumer.
func (s *Store) consumerConfig(description string, normPrefixes []string) jetstream.ConsumerConfig {
	cfg := jetstream.ConsumerConfig{
		Description:       description,
		DeliverPolicy:     jetstream.DeliverLastPerSubjectPolicy,
		AckPolicy:         jetstream.AckNonePolicy,
		InactiveThreshold: consumerInactiveThreshold,
		MemoryStorage:     true,
		Replicas:          1,
	}
	if len(normPrefixes) == 1 {
		cfg.FilterSubject = s.filterFor(normPrefixes[0])
		return cfg
	}
	for _, p := range normPrefixes {
		cfg.FilterSubjects = append(cfg.FilterSubjects, s.filterFor(p))
	}
	return cfg
}

// createConsumer creates cfg on the bucket's stream, bounded by the request timeout, and runs
// the consumerCreated test hook.
func (s *Store) createConsumer(ctx context.Context, op string, cfg jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	setup, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	cons, err := s.js.CreateConsumer(setup, s.stream, cfg)
	if err != nil {
		return nil, err
	}
	if h := s.hooks.consumerCreated; h != nil {
		h(op)
	}
	return cons, nil
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

// streamState returns the bucket stream's first and last sequence, read fresh from the server
// and bounded by the request timeout.
func (s *Store) streamState(ctx context.Context) (first, last uint64, err error) {
	first, last, _, err = s.streamProbe(ctx)
	return first, last, err
}

// streamProbe is streamState plus limits: whether the stream's configuration, in the same
// reply, has a setting that can remove a key's latest record (protocol.FloorGuardRequired).
func (s *Store) streamProbe(ctx context.Context) (first, last uint64, limits bool, err error) {
	first, last, r, err := s.streamRetention(ctx)
	return first, last, protocol.FloorGuardRequired(r), err
}

// streamRetention is streamState plus the stream's retention (retentionOf its configuration),
// both from one STREAM.INFO reply.
func (s *Store) streamRetention(ctx context.Context) (first, last uint64, r protocol.StreamRetention, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	st, err := s.js.Stream(ctx, s.stream)
	if err != nil {
		return 0, 0, protocol.StreamRetention{}, err
	}
	info := st.CachedInfo()
	return info.State.FirstSeq, info.State.LastSeq, retentionOf(info.Config), nil
}

// errDeliveryGap is the cause of every failure that deliveryCounter reports.
var errDeliveryGap = errors.New("delivery gap")

// deliveryCounter checks that a consumer's deliveries arrive without a hole. A consumer numbers
// its deliveries 1, 2, 3, … (the consumer sequence of the ACK subject); a missing number means
// the client dropped messages (a slow-consumer overflow), which would otherwise lose updates
// without an error.
type deliveryCounter struct {
	delivered uint64 // the last consumer sequence seen
}

// next records consumer sequence cseq and returns an error wrapping errDeliveryGap unless it is
// the one after the last.
func (d *deliveryCounter) next(cseq uint64) error {
	if cseq != d.delivered+1 {
		return fmt.Errorf("%w: delivery %d arrived after %d (the client dropped messages)", errDeliveryGap, cseq, d.delivered)
	}
	d.delivered = cseq
	return nil
}
