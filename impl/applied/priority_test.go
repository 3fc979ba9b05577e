package applied

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// endless delivers puts with increasing revisions as fast as the loop takes them, until ctx
// ends.
type endless struct{}

func (endless) Watch(ctx context.Context, _ kv.Scope, _ kv.Cursor, out chan<- kv.Update) error {
	for i := uint64(1); ; i++ {
		u := kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k%d", i%100), Value: []byte("v"), Version: kv.VersionFromUint64(i)}
		select {
		case out <- u:
		case <-ctx.Done():
			return nil
		}
	}
}

// A firehose on the watch never starves an export request, and shutdown stays prompt.
func TestExportsAndShutdownNotStarvedByFirehose(t *testing.T) {
	st := openMem(newDisk())
	req := make(chan ExportRequest)
	p := &Progress{}
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, Config[string]{Watcher: endless{}, Store: st, Exports: req, Progress: p})
	eventually(t, "the firehose flowing", func() bool { return p.Stats().Received > 10_000 })
	for range 3 {
		reply := make(chan ExportResult, 1)
		select {
		case req <- ExportRequest{Dir: "d", Reply: reply}:
		case <-time.After(10 * time.Second):
			t.Fatal("the export request was not taken while updates kept coming")
		}
		res := <-reply
		if res.Err != nil || rev(t, res.Cursor) == 0 || rev(t, res.Cursor) > rev(t, p.Stats().Stored) {
			t.Fatalf("export %+v; stored %v", res, p.Stats().Stored)
		}
	}
	cancel()
	c, err := wait()
	if err != nil || rev(t, c) < 10_000 || st.Cursor() != c {
		t.Fatalf("Run = %v, %v; store at %v (a shutdown flush leaves them equal)", c, err, st.Cursor())
	}
}

// A panicking Apply propagates out of Run after the watch was stopped.
func TestApplyPanicPropagates(t *testing.T) {
	stopped := make(chan struct{})
	w := &scriptWatcher{stream: []rec{put(1, "a", "1")}, hold: true}
	defer func() {
		if r := recover(); r != "apply exploded" {
			t.Fatalf("recovered %v", r)
		}
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("the watch was not stopped")
		}
	}()
	_, _ = Run(bg(), Config[string]{Watcher: watchDone{w, stopped}, Batch: BatchConfig{Max: 1},
		Parse: func(u kv.Update) (string, bool) { return u.Key, true },
		Apply: func([]string) error { panic("apply exploded") }})
}

// watchDone closes done when the wrapped watch returns.
type watchDone struct {
	w    kv.Watcher
	done chan struct{}
}

func (w watchDone) Watch(ctx context.Context, s kv.Scope, from kv.Cursor, out chan<- kv.Update) error {
	defer close(w.done)
	return w.w.Watch(ctx, s, from, out)
}
