package natsstore

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// drainProbe is how long a listing waits for its next message before it asks the server
// whether the consumer has anything left to deliver.
const drainProbe = time.Second

// drainWatch ends a listing whose messages stop arriving. A listing expects the count its
// consumer reported at creation, but records purged meanwhile (nats.go's PurgeDeletes, an
// operator's subject purge) are never delivered. So when no message has arrived for a probe
// period, it asks for the consumer's state: nothing pending, and every delivery received,
// means the listing is complete. Otherwise, once nothing has arrived for the request timeout,
// the listing has stalled. One timer serves the whole drain; receiving a message only stores.
type drainWatch struct {
	cons     jetstream.Consumer
	stop     func() // ends the listing's iterator
	timeout  time.Duration
	probe    time.Duration
	received atomic.Uint64 // the last consumer sequence received
	lastAt   atomic.Int64  // when it was received (or the drain began), in unix ns
	stalled  atomic.Bool
	drained  atomic.Bool
	timer    *time.Timer
}

func startDrainWatch(cons jetstream.Consumer, stop func(), timeout time.Duration) *drainWatch {
	w := &drainWatch{cons: cons, stop: stop, timeout: timeout, probe: min(drainProbe, timeout)}
	w.lastAt.Store(time.Now().UnixNano())
	w.timer = time.AfterFunc(w.probe, w.check)
	return w
}

// arrived records that a message arrived; cseq is its consumer sequence, when known (a message
// whose sequence cannot be read leaves the listing unable to prove it complete early).
func (w *drainWatch) arrived(cseq uint64, known bool) {
	if known {
		w.received.Store(cseq)
	}
	w.lastAt.Store(time.Now().UnixNano())
}

// end stops the watch; the listing is over.
func (w *drainWatch) end() { w.timer.Stop() }

func (w *drainWatch) check() {
	idle := time.Since(time.Unix(0, w.lastAt.Load()))
	if idle >= w.probe {
		ctx, cancel := context.WithTimeout(context.Background(), w.probe)
		info, err := w.cons.Info(ctx)
		cancel()
		if err == nil && info.NumPending == 0 && info.Delivered.Consumer == w.received.Load() {
			w.drained.Store(true)
			w.stop()
			return
		}
		if idle >= w.timeout {
			w.stalled.Store(true)
			w.stop()
			return
		}
	}
	w.timer.Reset(w.probe)
}
