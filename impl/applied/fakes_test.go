package applied

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// rec is one record of a scripted stream: its sequence and the update the watch delivers
// (whose Version may be unknown, as for an unparseable acknowledgement).
type rec struct {
	seq uint64
	u   kv.Update
}

func put(seq uint64, key, val string) rec {
	return rec{seq, kv.Update{Op: kv.OpPut, Key: key, Value: []byte(val), Version: kv.VersionFromUint64(seq)}}
}

func del(seq uint64, key string) rec {
	return rec{seq, kv.Update{Op: kv.OpDelete, Key: key, Version: kv.VersionFromUint64(seq)}}
}

// scriptWatcher is a deterministic kv.Watcher over a scripted stream. Revisions below first
// are evicted: a resume that needs them returns kv.ErrCursorExpired, and a state-sync watch
// delivers the last record of every key that survives.
type scriptWatcher struct {
	mu     sync.Mutex
	stream []rec
	first  uint64
	hold   bool // after the script, wait for ctx instead of returning
	// history makes a zero-cursor watch deliver the whole stream instead of the last record
	// of each key (a replay from the start, for checks that follow every update).
	history bool
	end     error // returned after the script when not holding
	froms   []kv.Cursor
	// onWatch, if set, runs at the start of every Watch call with the call's from.
	onWatch func(from kv.Cursor)
}

func (w *scriptWatcher) Watch(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update) error {
	w.mu.Lock()
	w.froms = append(w.froms, from)
	stream, first, hold, end, hook := slices.Clone(w.stream), w.first, w.hold, w.end, w.onWatch
	w.mu.Unlock()
	if hook != nil {
		hook(from)
	}
	var send []rec
	if from.IsZero() && w.history {
		send = stream
	} else if from.IsZero() {
		send = lastPerKey(stream, first)
	} else {
		c, _ := from.Uint64()
		if c+1 < first {
			return kv.NewError("watch", "", kv.ErrCursorExpired, nil)
		}
		for _, r := range stream {
			if r.seq > c {
				send = append(send, r)
			}
		}
	}
	for _, r := range send {
		if !inScope(scope, r.u.Key) {
			continue
		}
		select {
		case out <- r.u:
		case <-ctx.Done():
			return nil
		}
	}
	if hold {
		<-ctx.Done()
		return nil
	}
	return end
}

func (w *scriptWatcher) calls() []kv.Cursor {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.froms)
}

// lastPerKey is a state-sync listing: the last surviving record of each key, by sequence.
func lastPerKey(stream []rec, first uint64) []rec {
	last := map[string]rec{}
	for _, r := range stream {
		if r.seq >= first {
			last[r.u.Key] = r
		}
	}
	out := make([]rec, 0, len(last))
	for _, r := range last {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b rec) int { return int(a.seq) - int(b.seq) })
	return out
}

func inScope(scope kv.Scope, key string) bool {
	for _, p := range scope.Prefixes() {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// listReader is a kv.Reader whose Keys filters a fixed live list by prefix.
type listReader struct {
	live []string
	err  error
}

func (r *listReader) Keys(_ context.Context, prefix string) ([]string, error) {
	if r.err != nil {
		return nil, r.err
	}
	var out []string
	for _, k := range r.live {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out, nil
}

func (r *listReader) Get(context.Context, string) (kv.Entry, bool, error) {
	return kv.Entry{}, false, kv.ErrUnsupported
}
func (r *listReader) Entry(context.Context, string) (kv.Entry, bool, error) {
	return kv.Entry{}, false, kv.ErrUnsupported
}
func (r *listReader) Scan(context.Context, string) ([]kv.Entry, error) { return nil, kv.ErrUnsupported }

// flake is one scripted failure: the watch call delivers after updates of what it would
// deliver, then returns err.
type flake struct {
	after int
	err   error
	then  func() // if set, runs just before the call returns err
}

// flakyWatcher runs its script (held open after the stream) but fails its first calls as
// scripted; the calls after them run the script alone.
type flakyWatcher struct {
	script *scriptWatcher
	mu     sync.Mutex
	fails  []flake
	n      int
}

func newFlaky(stream []rec, fails ...flake) *flakyWatcher {
	return &flakyWatcher{script: &scriptWatcher{stream: stream, hold: true}, fails: fails}
}

func (w *flakyWatcher) Watch(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update) error {
	w.mu.Lock()
	i := w.n
	w.n++
	w.mu.Unlock()
	if i >= len(w.fails) {
		return w.script.Watch(ctx, scope, from, out)
	}
	f := w.fails[i]
	inner := make(chan kv.Update)
	ictx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = w.script.Watch(ictx, scope, from, inner) }()
	for range f.after {
		select {
		case u := <-inner:
			select {
			case out <- u:
			case <-ctx.Done():
				return nil
			}
		case <-ctx.Done():
			return nil
		}
	}
	if f.then != nil {
		f.then()
	}
	return f.err
}

// flakyIncWatcher also reports the bucket's incarnation, which a test may change.
type flakyIncWatcher struct {
	*flakyWatcher
	mu   sync.Mutex
	live kv.Incarnation
	err  error
}

func (w *flakyIncWatcher) Incarnation(context.Context) (kv.Incarnation, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.live, w.err
}

// flakyExpiryWatcher's bucket ages keys out with markers.
type flakyExpiryWatcher struct {
	*flakyWatcher
}

func (w *flakyExpiryWatcher) Expiry(context.Context) (kv.Expiry, error) { return guardedExpiry, nil }

// waits records the restart backoff's waits (Config.wait) without waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err() == nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}
