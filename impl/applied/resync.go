package applied

import (
	"fmt"
	"slices"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// resyncRequest carries the bucket's live keys from the watch goroutine to the loop; the loop
// closes ack once the synthetic deletes are folded.
type resyncRequest struct {
	live []string
	ack  chan struct{}
}

// onResync folds a delete (with the unknown version, so the cursor stays) for every key the
// store holds in scope that the bucket no longer has, then acknowledges. The pending batch is
// flushed first; the store's keys are streamed, never loaded whole.
func (l *loop[U]) onResync(req resyncRequest) error {
	if err := l.flush(); err != nil {
		return err
	}
	live := make(map[string]struct{}, len(req.live))
	for _, k := range req.live {
		live[k] = struct{}{}
	}
	var stale []string
	for _, p := range l.cfg.Scope.Prefixes() {
		for key, err := range l.cfg.Store.Keys(p) {
			if err != nil {
				return l.fatal(fmt.Errorf("%w listing the fold's keys under %q (restart to retry): %w", ErrResyncFailed, p, err))
			}
			if _, ok := live[key]; !ok {
				stale = append(stale, key)
			}
		}
	}
	slices.Sort(stale)
	stale = slices.Compact(stale)
	l.prog.resyncs.Add(1)
	if len(stale) > 0 {
		l.log.Warn("applied: resync deletes keys removed while the cursor was expired", "keys", len(stale))
	}
	for _, key := range stale {
		l.note(kv.Update{Op: kv.OpDelete, Key: key})
	}
	l.prog.syntheticDeletes.Add(uint64(len(stale)))
	if err := l.flush(); err != nil {
		return err
	}
	close(req.ack)
	return nil
}
