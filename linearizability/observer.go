package linearizability

import (
	"slices"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Observer collects the records a watch of the bucket delivers, so that Resolve can settle
// unknown outcomes afterwards. Feed it every kv.Update of a watch of the whole bucket that
// resumes from kv.CursorFromUint64(0), which delivers every record from the stream's first
// (a state-sync watch from the zero Cursor would deliver only each key's current record). It is
// safe for concurrent use.
type Observer struct {
	// Clock, if set, timestamps each record as it arrives (use the run's Recorder.Now), which
	// lets Resolve bound when a write with an unknown outcome took effect.
	Clock func() int64

	mu     sync.Mutex
	writes []Write
}

// Observe records one update. Updates without a NATS revision are ignored (they cannot be
// placed).
func (o *Observer) Observe(u kv.Update) {
	rev, ok := u.Version.Uint64()
	if !ok {
		return
	}
	w := Write{Key: u.Key, Revision: rev, Deleted: u.IsDelete()}
	if o.Clock != nil {
		w.Seen = o.Clock()
	}
	if !w.Deleted {
		w.Value = string(u.Value)
	}
	o.mu.Lock()
	o.writes = append(o.writes, w)
	o.mu.Unlock()
}

// Writes returns a copy of what was observed, in revision order.
func (o *Observer) Writes() []Write {
	o.mu.Lock()
	out := slices.Clone(o.writes)
	o.mu.Unlock()
	slices.SortFunc(out, func(a, b Write) int {
		switch {
		case a.Revision < b.Revision:
			return -1
		case a.Revision > b.Revision:
			return 1
		}
		return 0
	})
	return out
}

// Complete reports whether every revision first..last was observed: the bucket's stream holds
// nothing but the bucket's records, so a gap-free range means no record was missed (pass the
// stream's first and last sequence after the workload stopped). Only then may Resolve be told
// its observation is complete.
func (o *Observer) Complete(first, last uint64) bool {
	if last < first {
		return true
	}
	o.mu.Lock()
	seen := make(map[uint64]bool, len(o.writes))
	for _, w := range o.writes {
		if w.Revision >= first && w.Revision <= last {
			seen[w.Revision] = true
		}
	}
	o.mu.Unlock()
	return uint64(len(seen)) == last-first+1
}
