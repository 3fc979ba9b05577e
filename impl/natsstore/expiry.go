package natsstore

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// ErrExpiryInvisible is kv.ErrExpiryInvisible, wrapped (with kv.ErrUnsupported as its kind) by
// RequireExpiry when the bucket removes keys by age without subject delete markers: no watch can
// see those removals, so a fold built from a watch would keep every aged-out key.
var ErrExpiryInvisible = kv.ErrExpiryInvisible

// Expiry is what a bucket removes by age, read from its stream configuration, so it describes
// buckets created by any tool (kv.Expiry: MaxAge, PerKeyTTL, and MarkerTTL, the lifetime of the
// subject delete marker the server writes in place of a key removed by age).
type Expiry = kv.Expiry

// ExpiryPolicy is protocol.ExpiryAdmit for a bucket's expiry: none, guarded (keep a contact time
// and check it against MarkerTTL), refused, or unguarded when acceptDivergence is set.
func ExpiryPolicy(e Expiry, acceptDivergence bool) protocol.ExpiryPolicy {
	return protocol.ExpiryAdmit(e.AgesOut(), e.MarkerTTL > 0, acceptDivergence)
}

// RequireExpiry returns nil unless ExpiryPolicy(e, acceptDivergence) refuses the bucket; then
// e.InvisibleError(bucket): kind kv.ErrUnsupported wrapping ErrExpiryInvisible, with a hint
// saying how to turn markers on.
func RequireExpiry(bucket string, e Expiry, acceptDivergence bool) error {
	if ExpiryPolicy(e, acceptDivergence) != protocol.ExpiryRefused {
		return nil
	}
	return e.InvisibleError(bucket)
}

func expiryOf(c jetstream.StreamConfig) Expiry {
	return Expiry{MaxAge: c.MaxAge, PerKeyTTL: c.AllowMsgTTL, MarkerTTL: c.SubjectDeleteMarkerTTL}
}

// Expiry reads the bucket's stream configuration now (one request) and reports what it removes by
// age and whether watches see it. The store keeps what it read: Capabilities and the cadence of
// later WatchCaughtUp proofs follow it. Errors are those of a read (kv.ErrTimeout, kv.ErrNotConnected,
// kv.ErrOperationFailed).
func (s *Store) Expiry(ctx context.Context) (Expiry, error) {
	const op = "expiry"
	if err := s.ready(op, ""); err != nil {
		return Expiry{}, err
	}
	cfg, err := s.streamConfig(ctx)
	if err != nil {
		return Expiry{}, failRead(op, "", err)
	}
	return s.keepExpiry(cfg), nil
}

// keepExpiry records the expiry of the stream configuration cfg, just read or set, as the
// store's own (Capabilities and the cadence of later WatchCaughtUp proofs follow it) and
// returns it.
func (s *Store) keepExpiry(cfg jetstream.StreamConfig) Expiry {
	e := expiryOf(cfg)
	s.expiry.set(e)
	return e
}

// streamConfig reads the bucket stream's configuration fresh from the server, bounded by the
// request timeout.
func (s *Store) streamConfig(ctx context.Context) (jetstream.StreamConfig, error) {
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	st, err := s.js.Stream(ctx, s.stream)
	if err != nil {
		return jetstream.StreamConfig{}, err
	}
	return st.CachedInfo().Config, nil
}

// EnableExpiryMarkers turns subject delete markers on for an existing bucket, kept for markerTTL
// (0 means the Conn's Config.MarkerTTL, or DefaultMarkerTTL; the server requires at least one
// second), by a stream configuration update that also allows per-message TTLs and roll-ups, as
// markers need. Markers already on keep their TTL unless markerTTL is set. It returns the
// bucket's expiry after the update, which the store keeps (Capabilities and the cadence of later
// WatchCaughtUp proofs follow it). Only removals after the update get markers: a fold that may
// have missed earlier ones must resync (or be reconciled) once. Markers cannot be turned off
// again here: the server would then drop keys by age unseen.
func (s *Store) EnableExpiryMarkers(ctx context.Context, markerTTL time.Duration) (Expiry, error) {
	const op = "enable expiry markers"
	if err := s.ready(op, ""); err != nil {
		return Expiry{}, err
	}
	if markerTTL < 0 || (markerTTL > 0 && markerTTL < time.Second) {
		return Expiry{}, &kv.Error{Op: op, Key: s.name, Kind: kv.ErrInvalidConfig,
			Hint: fmt.Sprintf("marker TTL %v: the server needs at least one second (0 for the default)", markerTTL)}
	}
	cfg, err := s.streamConfig(ctx)
	if err != nil {
		return Expiry{}, failRead(op, "", err)
	}
	switch {
	case markerTTL > 0:
		cfg.SubjectDeleteMarkerTTL = markerTTL
	case cfg.SubjectDeleteMarkerTTL > 0:
		return s.keepExpiry(cfg), nil
	default:
		cfg.SubjectDeleteMarkerTTL = s.conn.cfg.markerTTL()
	}
	cfg.AllowMsgTTL, cfg.AllowRollup, cfg.DenyPurge = true, true, false
	uctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	updated, err := s.js.UpdateStream(uctx, cfg)
	if err != nil {
		return Expiry{}, failWrite(op, "", err)
	}
	return s.keepExpiry(updated.CachedInfo().Config), nil
}
