package natsstore

import (
	"context"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

var _ kv.CaughtUpWatcher = (*Store)(nil)
var _ kv.ExpiryReporter = (*Store)(nil)

// WatchCaughtUp is Watch, and also calls caughtUp(at) from the watch's goroutine whenever the
// live floor guard has proved, since the last call, that every update in scope the stream
// stored before at had been delivered, and every one delivered has been sent to out. at is the
// local time read before the proof's request (the consumer's pending count, or the stream's last
// sequence reached by the guard's frontier). The proof comes from the guard's probes, so while
// the watch is idle caughtUp is called about once per Config.FloorGuardInterval; nothing is sent
// to out while it runs. kv.CaughtUpWatcher.
func (s *Store) WatchCaughtUp(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update, caughtUp func(at time.Time)) error {
	return s.watch(ctx, scope, from, out, caughtUp)
}
