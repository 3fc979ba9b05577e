package natsstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// watchRun is a watch running in the background.
type watchRun struct {
	ch     chan kv.Update
	done   chan error
	cancel context.CancelFunc
}

// startWatch runs Store.Watch in a goroutine with a context that has no deadline.
func (d *bucketFixture) startWatch(scope kv.Scope, from kv.Cursor) *watchRun {
	ctx, cancel := context.WithCancel(context.Background())
	w := &watchRun{ch: make(chan kv.Update, 64), done: make(chan error, 1), cancel: cancel}
	go func() { w.done <- d.store.Watch(ctx, scope, from, w.ch) }()
	d.t.Cleanup(func() {
		cancel()
		select {
		case <-w.done:
		case <-time.After(10 * time.Second):
		}
	})
	return w
}

// next returns the next update within 5 s, failing the test if the watch ends or stalls.
func (w *watchRun) next(t testing.TB) kv.Update {
	t.Helper()
	select {
	case u := <-w.ch:
		return u
	case err := <-w.done:
		w.done <- err
		t.Fatalf("watch ended early: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no update within 5 s")
	}
	return kv.Update{}
}

// none asserts that nothing arrives for d.
func (w *watchRun) none(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case u := <-w.ch:
		t.Fatalf("unexpected update %v %s", u.Op, u.Key)
	case <-time.After(d):
	}
}

// result waits up to d for the watch to return.
func (w *watchRun) result(t testing.TB, d time.Duration) error {
	t.Helper()
	select {
	case err := <-w.done:
		w.done <- err
		return err
	case <-time.After(d):
		t.Fatalf("watch still running after %v", d)
	}
	return nil
}

// establish puts sentinel (a key in the watch's scope) and reads the watch until it delivers
// it: the watch's consumer then exists, and every update before the sentinel has been read.
func (d *bucketFixture) establish(w *watchRun, sentinel string) {
	d.t.Helper()
	d.put(sentinel, "hello")
	timeout := time.After(10 * time.Second)
	for {
		select {
		case u := <-w.ch:
			if u.Key == sentinel {
				return
			}
		case err := <-w.done:
			d.t.Fatalf("watch ended during handshake: %v", err)
		case <-timeout:
			d.t.Fatal("watch never delivered the sentinel")
		}
	}
}

// signal returns a channel and a hook that closes it the first time the hook runs.
func signal() (chan struct{}, func()) {
	ch := make(chan struct{})
	var once sync.Once
	return ch, func() { once.Do(func() { close(ch) }) }
}

// waitSignal waits for ch to close, failing the test after within.
func waitSignal(t testing.TB, ch <-chan struct{}, within time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(within):
		t.Fatalf("%s: not within %v", what, within)
	}
}
