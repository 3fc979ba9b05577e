package natsstore

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

var _ kv.CaughtUpWatcher = (*Store)(nil)
var _ kv.ExpiryReporter = (*Store)(nil)

// probesPerMarkerTTL is how many backstop probes a WatchCaughtUp watch on a bucket with delete
// markers runs per marker TTL, at least. A fold may go without contact for the marker TTL less
// its clock-skew allowance, never less than half the TTL (applied.Run); proofs a quarter of the
// TTL apart leave the other quarter for the probes' round trips.
const probesPerMarkerTTL = 4

// WatchCaughtUp is Watch, and also calls caughtUp(at) from the watch's goroutine whenever the
// live floor guard has proved, since the last call, that every update in scope the stream
// stored before at had been delivered, and every one delivered has been sent to out. at is the
// local time read before the proof's request (the consumer's pending count, or the stream's last
// sequence reached by the guard's frontier). Nothing is sent to out while caughtUp runs.
//
// Cadence: the proofs come from the guard's probes. On a bucket with delete markers (the marker
// TTL as the store last read it: at open, by Expiry or by EnableExpiryMarkers) the watch probes
// every min(Config.FloorGuardInterval, MarkerTTL/4), the first time as soon as it starts; so
// while it is caught up (nothing pending, or everything pending sent within a probe), two
// consecutive proofs are at most about a quarter of the marker TTL apart, plus one probe's round
// trip, and the first comes that long after the start. That is well inside the time a fold may
// go without contact (applied.Run: the marker TTL less a clock-skew allowance, at least half
// the TTL), so a quiet fold never resyncs for want of proofs. Without markers the probes, and
// so the proofs while idle, come once per Config.FloorGuardInterval. kv.CaughtUpWatcher.
func (s *Store) WatchCaughtUp(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update, caughtUp func(at time.Time)) error {
	return s.watch(ctx, scope, from, out, caughtUp)
}

// proveEvery sets the cadence of a guard that reports caught-up proofs on a bucket whose delete
// markers live markerTTL (0: no markers; nothing changes): probes every min(its period,
// markerTTL/probesPerMarkerTTL), the first one due at once, so that the next probe, the first
// that can ask the consumer, comes one period after the start.
func (g *floorGuard) proveEvery(markerTTL time.Duration) {
	if markerTTL <= 0 {
		return
	}
	g.every = min(g.every, max(markerTTL/probesPerMarkerTTL, time.Millisecond))
	g.due = g.now()
}

// knownExpiry is a bucket's expiry configuration as its Store last read or set it: at open, by
// Expiry, by EnableExpiryMarkers. A Store and its LeaderReads views share one.
type knownExpiry struct{ v atomic.Pointer[Expiry] }

// get returns the last expiry set (zero on a nil knownExpiry, the zero Store's).
func (k *knownExpiry) get() Expiry {
	if k == nil {
		return Expiry{}
	}
	if e := k.v.Load(); e != nil {
		return *e
	}
	return Expiry{}
}

// set records e; a nil knownExpiry (the zero Store's) records nothing.
func (k *knownExpiry) set(e Expiry) {
	if k != nil {
		k.v.Store(&e)
	}
}
