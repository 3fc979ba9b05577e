package applied

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
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

// memDisk is the durable state of a memStore: what survives a simulated crash.
type memDisk struct {
	data   map[string]kv.Entry
	cursor kv.Cursor
}

func newDisk() *memDisk { return &memDisk{data: map[string]kv.Entry{}} }

func (d *memDisk) fold(u kv.Update) {
	if u.IsDelete() {
		delete(d.data, u.Key)
		return
	}
	d.data[u.Key] = kv.Entry{Key: u.Key, Value: slices.Clone(u.Value), Version: u.Version}
}

// memStore is a fault-injecting in-memory snapshot.Store whose every Apply writes through to
// its memDisk. fail, if set, decides each Apply: a nil error applies it; an error with torn < 0
// leaves the disk untouched (a clean failure); torn >= 0 writes the first torn updates but not
// the cursor, as a crash in the middle of a write would.
type memStore struct {
	mu        sync.Mutex
	disk      *memDisk
	fail      func(call int, batch []kv.Update) (torn int, err error)
	calls     int
	exportErr error
	exported  []string
}

var errInjected = errors.New("injected store failure")

func openMem(d *memDisk) *memStore { return &memStore{disk: d} }

func (s *memStore) Cursor() kv.Cursor {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.disk.cursor
}

func (s *memStore) Apply(batch []kv.Update, cursor kv.Cursor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		if torn, err := s.fail(s.calls, batch); err != nil {
			for _, u := range batch[:max(0, min(torn, len(batch)))] {
				s.disk.fold(u)
			}
			return err
		}
	}
	for _, u := range batch {
		s.disk.fold(u)
	}
	s.disk.cursor = cursor
	return nil
}

func (s *memStore) applyCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *memStore) Get(key string) (kv.Entry, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.disk.data[key]
	return e, ok, nil
}

func (s *memStore) sorted(prefix string) []kv.Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []kv.Entry
	for k, e := range s.disk.data {
		if strings.HasPrefix(k, prefix) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b kv.Entry) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func (s *memStore) Range(prefix string) iter.Seq2[kv.Entry, error] {
	return func(yield func(kv.Entry, error) bool) {
		for _, e := range s.sorted(prefix) {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (s *memStore) Keys(prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, e := range s.sorted(prefix) {
			if !yield(e.Key, nil) {
				return
			}
		}
	}
}

func (s *memStore) Close() error { return nil }

// Export records the directory and returns the cursor (or exportErr).
func (s *memStore) Export(dir string) (kv.Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exportErr != nil {
		return kv.Cursor{}, s.exportErr
	}
	s.exported = append(s.exported, dir)
	return s.disk.cursor, nil
}

// dump renders the fold as "k=v@rev ..." in key order.
func (s *memStore) dump() string {
	var b strings.Builder
	for _, e := range s.sorted("") {
		r, _ := e.Version.Uint64()
		fmt.Fprintf(&b, "%s=%s@%d ", e.Key, e.Value, r)
	}
	return strings.TrimSpace(b.String())
}

var _ snapshot.Store = (*memStore)(nil)
var _ Exporter = (*memStore)(nil)

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func rev(t *testing.T, c kv.Cursor) uint64 {
	t.Helper()
	if c.IsZero() {
		return 0
	}
	r, ok := c.Uint64()
	if !ok {
		t.Fatalf("cursor %v has no revision", c)
	}
	return r
}

// recorder collects what the callbacks saw.
type recorder struct {
	mu      sync.Mutex
	batches [][]string
	cursors []uint64
}

func (r *recorder) parse(u kv.Update) (string, bool) {
	if u.IsDelete() {
		return "del:" + u.Key, true
	}
	return u.Key + "=" + string(u.Value), true
}

func (r *recorder) apply(b []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, slices.Clone(b))
	return nil
}

func (r *recorder) onApplied(c kv.Cursor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rv, _ := c.Uint64()
	r.cursors = append(r.cursors, rv)
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Concat(r.batches...)
}

func (r *recorder) snapshot() ([][]string, []uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.batches), slices.Clone(r.cursors)
}

// cfgFor wires a recorder into a Config.
func cfgFor(w kv.Watcher, r *recorder) Config[string] {
	return Config[string]{Watcher: w, Parse: r.parse, Apply: r.apply, OnApplied: r.onApplied}
}
