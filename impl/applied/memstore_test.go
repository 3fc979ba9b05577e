package applied

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// memDisk is the durable state of a memStore: what survives a simulated crash.
type memDisk struct {
	data   map[string]kv.Entry
	cursor kv.Cursor
	stamp  snapshot.Stamp
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

func (s *memStore) Stamp() snapshot.Stamp {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.disk.stamp
}

func (s *memStore) Apply(batch []kv.Update, cursor kv.Cursor) error {
	return s.apply(batch, cursor, nil)
}

func (s *memStore) ApplyStamped(batch []kv.Update, cursor kv.Cursor, st snapshot.Stamp) error {
	return s.apply(batch, cursor, &st)
}

func (s *memStore) apply(batch []kv.Update, cursor kv.Cursor, st *snapshot.Stamp) error {
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
	if st != nil {
		s.disk.stamp = *st
	}
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
