package natsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// ErrExpiryInvisible is wrapped (with kv.ErrUnsupported as its kind) by Expiry.Require when the
// bucket removes keys by age without subject delete markers: no watch can see those removals, so
// a fold built from a watch would keep every aged-out key.
var ErrExpiryInvisible = errors.New("the bucket removes keys by age without delete markers, so watches never see those keys go")

// hintEnableMarkers says how to make expiries visible; written once, used by Expiry.Require.
const hintEnableMarkers = "turn markers on with Store.EnableExpiryMarkers (or `nats stream edit KV_<bucket> --subject-delete-marker-ttl 1h`), or accept that the fold keeps aged-out keys until a reconciliation round removes them"

// Expiry is what a bucket removes by age, read from its stream configuration, so it describes
// buckets created by any tool.
type Expiry struct {
	// MaxAge is the stream's MaxAge: every record older than it is removed; 0 = none.
	MaxAge time.Duration
	// PerKeyTTL: the stream allows per-message TTLs (AllowMsgTTL), so single keys may expire.
	PerKeyTTL bool
	// MarkerTTL is how long the subject delete marker the server writes in place of a key removed
	// by age lives (SubjectDeleteMarkerTTL); 0 = the server writes no markers.
	MarkerTTL time.Duration
}

// AgesOut reports whether keys can be removed by age: MaxAge or per-key TTLs.
func (e Expiry) AgesOut() bool { return e.MaxAge > 0 || e.PerKeyTTL }

// Visible reports whether every removal by age reaches a watch (as a purge, kv.OpPurge): true
// when nothing ages out or the server writes markers. A watch that is down or lags longer than
// MarkerTTL can still miss a marker; a fold detects that with protocol.ExpiryContactLost.
func (e Expiry) Visible() bool { return !e.AgesOut() || e.MarkerTTL > 0 }

// Policy is protocol.ExpiryAdmit for this bucket: none, guarded (keep a contact time and check it
// against MarkerTTL), refused, or unguarded when acceptDivergence is set.
func (e Expiry) Policy(acceptDivergence bool) protocol.ExpiryPolicy {
	return protocol.ExpiryAdmit(e.AgesOut(), e.MarkerTTL > 0, acceptDivergence)
}

// Require returns nil unless Policy(acceptDivergence) refuses the bucket; then a *kv.Error of
// kind kv.ErrUnsupported wrapping ErrExpiryInvisible, whose hint says how to turn markers on.
func (e Expiry) Require(bucket string, acceptDivergence bool) error {
	if e.Policy(acceptDivergence) != protocol.ExpiryRefused {
		return nil
	}
	return kv.NewError("expiry", bucket, kv.ErrUnsupported,
		fmt.Errorf("%w (MaxAge %v, per-key TTLs %v)", ErrExpiryInvisible, e.MaxAge, e.PerKeyTTL)).WithHint(hintEnableMarkers)
}

func expiryOf(c jetstream.StreamConfig) Expiry {
	return Expiry{MaxAge: c.MaxAge, PerKeyTTL: c.AllowMsgTTL, MarkerTTL: c.SubjectDeleteMarkerTTL}
}

// Expiry reads the bucket's stream configuration now (one request) and reports what it removes by
// age and whether watches see it. Errors are those of a read (kv.ErrTimeout, kv.ErrNotConnected,
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
	return expiryOf(cfg), nil
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
// bucket's expiry after the update. Only removals after the update get markers: a fold that may
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
		return expiryOf(cfg), nil
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
	return expiryOf(updated.CachedInfo().Config), nil
}
