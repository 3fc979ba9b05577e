package natsstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// dp is the data-plane test fixture: its own embedded server, a Conn, one bucket, and a raw
// nats.go client on the same server for assertions that must not go through the Store.
type dp struct {
	t     *testing.T
	srv   *embedded.Server
	conn  *Conn
	store *Store
	nc    *nats.Conn
	js    jetstream.JetStream
}

// newDP starts a server and opens bucket name with MaxBytes 8 MiB (cfg edits it first).
func newDP(t *testing.T, name string, edit ...func(*kv.StoreConfig)) *dp {
	t.Helper()
	srv := embedded.StartT(t)
	return dpOn(t, srv, Config{URL: srv.URL()}, name, edit...)
}

func dpOn(t *testing.T, srv *embedded.Server, cfg Config, name string, edit ...func(*kv.StoreConfig)) *dp {
	t.Helper()
	ctx := tctx(t)
	conn, err := Connect(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	sc := kv.StoreConfig{Name: name, MaxBytes: 8 << 20}
	for _, e := range edit {
		e(&sc)
	}
	st, err := conn.OpenBucket(ctx, sc)
	if err != nil {
		t.Fatalf("open bucket %s: %v", name, err)
	}
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatalf("raw connect: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return &dp{t: t, srv: srv, conn: conn, store: st, nc: nc, js: js}
}

// tctx is a 30 s context ended with the test.
func tctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (d *dp) put(key, value string) kv.Version {
	d.t.Helper()
	v, err := d.store.Put(tctx(d.t), key, []byte(value))
	if err != nil {
		d.t.Fatalf("put %s: %v", key, err)
	}
	return v
}

func (d *dp) del(key string) {
	d.t.Helper()
	if err := d.store.Delete(tctx(d.t), key); err != nil {
		d.t.Fatalf("delete %s: %v", key, err)
	}
}

func rev(t testing.TB, v kv.Version) uint64 {
	t.Helper()
	r, ok := v.Uint64()
	if !ok {
		t.Fatalf("version %v has no revision", v)
	}
	return r
}

// streamInfo reads the bucket stream's info through the raw client.
func (d *dp) streamInfo() *jetstream.StreamInfo {
	d.t.Helper()
	st, err := d.js.Stream(tctx(d.t), d.store.stream)
	if err != nil {
		d.t.Fatal(err)
	}
	return st.CachedInfo()
}

// outMsgs is the number of messages the Store's connection has sent: a check that a rejected
// call sent nothing.
func (d *dp) outMsgs() uint64 { return d.store.js.Conn().Stats().OutMsgs }

// mustKind fails unless err matches kind.
func mustKind(t testing.TB, err, kind error, what string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v", what, err, kind)
	}
}

// watchRun is a watch running in the background.
type watchRun struct {
	ch     chan kv.Update
	done   chan error
	cancel context.CancelFunc
}

// startWatch runs Store.Watch in a goroutine with a context that has no deadline.
func (d *dp) startWatch(scope kv.Scope, from kv.Cursor) *watchRun {
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

// establish puts sentinel until the watch echoes it (the handshake of the original's tests),
// then drains anything buffered.
func (d *dp) establish(w *watchRun, sentinel string) {
	d.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		d.put(sentinel, "hello")
		timeout := time.After(200 * time.Millisecond)
	wait:
		for {
			select {
			case u := <-w.ch:
				if u.Key == sentinel {
					for {
						select {
						case <-w.ch:
						case <-time.After(100 * time.Millisecond):
							return
						}
					}
				}
			case err := <-w.done:
				d.t.Fatalf("watch ended during handshake: %v", err)
			case <-timeout:
				break wait
			}
		}
	}
	d.t.Fatal("watch never echoed the sentinel")
}

func TestStoreImplementsTheKVInterfaces(t *testing.T) {
	var s any = (*Store)(nil)
	for name, ok := range map[string]bool{
		"Store": isA[kv.Store](s), "Writer": isA[kv.Writer](s), "Purger": isA[kv.Purger](s),
		"TTL": isA[kv.TTL](s), "Watcher": isA[kv.Watcher](s),
	} {
		if !ok {
			t.Errorf("*Store does not implement kv.%s", name)
		}
	}
}

func isA[T any](v any) bool { _, ok := v.(T); return ok }

// Every resume start goes through protocol.ResumeStartSequence (which refuses to wrap at the
// maximum uint64): no file of this package spells "+ 1" on a revision, sequence, cursor or
// frontier (pitfall P7, and the reference's source-text test).
func TestNoNakedRevisionPlusOne(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	naked := regexp.MustCompile(`(?i)[a-z_.()]*(rev|revision|seq|sequence|cursor|frontier|start|first|last)[a-z0-9_.()]*\s*\+\s*1\b`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if c := strings.Index(line, "//"); c >= 0 {
				line = line[:c] // prose may say cursor+1; code may not
			}
			if m := naked.FindString(line); m != "" {
				t.Errorf("%s:%d spells %q; compute resume starts with protocol.ResumeStartSequence", f, i+1, m)
			}
		}
	}
	// The detector itself works.
	for _, bad := range []string{"start := cursor ", "rev", "info.State.LastSeq ", "ack.streamSeq"} {
		bad += "+ 1" // assembled here so this file does not trip its own check
		if !naked.MatchString(bad) {
			t.Errorf("the detector misses %q", bad)
		}
	}
}
