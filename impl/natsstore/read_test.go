package natsstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// A server that goes away mid-operation: every call with a short request timeout returns
// kv.ErrTimeout or kv.ErrNotConnected within its deadline, never hangs.
func TestServerGoneCallsFailWithinTheDeadline(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	const timeout = 500 * time.Millisecond
	d := openTestBucket(t, srv, Config{URL: srv.URL(), RequestTimeout: timeout}, "gone")
	v := d.put("k", "v")
	srv.Stop()
	ctx := context.Background()
	calls := map[string]func() error{
		"get":         func() error { _, _, err := d.store.Get(ctx, "k"); return err },
		"leader get":  func() error { _, _, err := d.store.LeaderReads().Get(ctx, "k"); return err },
		"put":         func() error { _, err := d.store.Put(ctx, "k", []byte("x")); return err },
		"update":      func() error { _, err := d.store.Update(ctx, "k", []byte("x"), v); return err },
		"create":      func() error { _, err := d.store.Create(ctx, "n", []byte("x")); return err },
		"delete":      func() error { return d.store.Delete(ctx, "k") },
		"guarded del": func() error { return d.store.DeleteWithVersion(ctx, "k", v) },
		"purge":       func() error { return d.store.Purge(ctx, "k") },
		"scan":        func() error { _, err := d.store.Scan(ctx, ""); return err },
		"keys":        func() error { _, err := d.store.Keys(ctx, ""); return err },
		"watch": func() error {
			return d.store.Watch(ctx, kv.All(), kv.CursorFromVersion(v), make(chan kv.Update))
		},
	}
	for name, call := range calls {
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- call() }()
		select {
		case err := <-done:
			if !errors.Is(err, kv.ErrTimeout) && !errors.Is(err, kv.ErrNotConnected) {
				t.Errorf("%s with the server gone: %v, want ErrTimeout or ErrNotConnected", name, err)
			}
			t.Logf("%-11s %v: %v", name, time.Since(start).Round(time.Millisecond), err)
			// Scan bounds creation and the consumer delete separately; a few timeouts at most.
			if el := time.Since(start); el > 4*timeout {
				t.Errorf("%s took %v with a %v request timeout", name, el, timeout)
			}
		case <-time.After(10 * timeout):
			t.Fatalf("%s hung with the server gone", name)
		}
	}
}

// A watch whose server dies keeps waiting while the client reconnects (there is nothing else it
// can do, and the context still ends it with nil); once the server is back without the watch's
// consumer (consumers are in memory), two missed heartbeats end it with kv.ErrWatch so the
// caller resumes from its cursor — through the resume checks — instead of waiting forever.
func TestWatchAcrossServerRestart(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	d := openTestBucket(t, srv, Config{URL: srv.URL(), RequestTimeout: 2 * time.Second}, "restart")
	w := d.startWatch(kv.All(), kv.Cursor{})
	d.establish(w, "s")

	srv.Stop()
	select {
	case err := <-w.done:
		t.Fatalf("the watch ended while the server was down: %v", err)
	case <-time.After(2 * time.Second):
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	err := w.result(t, 3*watchHeartbeat+5*time.Second)
	mustKind(t, err, kv.ErrWatch, "watch after its consumer vanished")

	// Cancelling a watch during an outage returns nil promptly.
	w2 := d.startWatch(kv.All(), kv.Cursor{})
	d.establish(w2, fmt.Sprintf("s%d", 2))
	srv.Stop()
	eventually(t, 15*time.Second, "the Store's connection sees the outage", func() bool { return !d.conn.Healthy() })
	w2.cancel()
	if err := w2.result(t, 5*time.Second); err != nil {
		t.Fatalf("a watch cancelled during an outage returned %v", err)
	}
}
