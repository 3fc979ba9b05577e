package applied

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// busyWatcher never pauses: it sends updates to 100 keys as fast as the loop takes them, and,
// through WatchCaughtUp, one caught-up proof after its first 50 updates.
type busyWatcher struct {
	listed chan struct{} // closed by the first listing (Revisions)
	once   sync.Once
}

func (w *busyWatcher) Watch(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update) error {
	return w.WatchCaughtUp(ctx, scope, from, out, nil)
}

func (w *busyWatcher) WatchCaughtUp(ctx context.Context, _ kv.Scope, _ kv.Cursor, out chan<- kv.Update, caughtUp func(time.Time)) error {
	for rev := uint64(1); ; rev++ {
		u := kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k.%d", rev%100), Value: []byte("v"), Version: kv.VersionFromUint64(rev)}
		select {
		case out <- u:
		case <-ctx.Done():
			return nil
		}
		if rev == 50 && caughtUp != nil {
			caughtUp(time.Now())
		}
	}
}

// Revisions is the reconciliation listing: it records that a round started and lists nothing
// (the round fails and is counted; what matters here is when it started).
func (w *busyWatcher) Revisions(context.Context, string) (kv.Revisions, error) {
	w.once.Do(func() { close(w.listed) })
	return kv.Revisions{}, kv.ErrUnsupported
}

func (w *busyWatcher) Latest(context.Context, string) (kv.Record, error) { return kv.Record{}, nil }

// A fold whose watch never pauses for initialQuiet starts its first reconciliation on the
// watch's first caught-up proof; the watch is still busy when it does.
func TestFirstReconciliationStartsOnCaughtUpProof(t *testing.T) {
	w := &busyWatcher{listed: make(chan struct{})}
	prog := &Progress{}
	cfg := Config[string]{Watcher: w, Reader: struct {
		kv.Reader
		*busyWatcher
	}{busyWatcher: w}, Store: openFold(t), Progress: prog, ReconcileEvery: time.Hour,
		Parse: func(u kv.Update) (string, bool) { return u.Key, true }}
	ctx, cancel := context.WithCancel(context.Background())
	wait := runAsync(ctx, cfg)
	defer func() {
		cancel()
		if _, err := wait(); err != nil {
			t.Fatal(err)
		}
	}()
	select {
	case <-w.listed:
	case <-time.After(10 * time.Second):
		t.Fatalf("no reconciliation round within 10 s of a caught-up proof (progress %+v)", prog.Stats())
	}
	before := prog.Stats().Received
	eventually(t, "the watch still sending after the round started", func() bool { return prog.Stats().Received > before })
}
