package appendlog

import (
	"iter"
	"slices"
	"strings"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Get implements snapshot.Store.
func (s *Store) Get(key string) (kv.Entry, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return kv.Entry{}, false, s.errClosed()
	}
	p, ok := s.index.get(s.entries, key)
	if !ok {
		return kv.Entry{}, false, nil
	}
	e := &s.entries[p]
	return kv.Entry{Key: key, Value: slices.Clone(e.value()), Version: e.ver()}, true, nil
}

// Range implements snapshot.Store. It lists the matching keys under the read lock and sorts
// them (values are not copied), then looks each entry up as it is yielded: an entry reflects
// the latest Apply at the time it is yielded, and a key deleted meanwhile is skipped.
func (s *Store) Range(prefix string) iter.Seq2[kv.Entry, error] {
	return func(yield func(kv.Entry, error) bool) {
		for k, err := range s.Keys(prefix) {
			if err != nil {
				yield(kv.Entry{}, err)
				return
			}
			e, ok, err := s.Get(k)
			if err != nil {
				yield(kv.Entry{}, err)
				return
			}
			if ok && !yield(e, nil) {
				return
			}
		}
	}
}

// Keys implements snapshot.Store, with Range's view of concurrent Applies.
func (s *Store) Keys(prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		s.mu.RLock()
		if s.closed {
			s.mu.RUnlock()
			yield("", s.errClosed())
			return
		}
		var keys []string
		if prefix == "" {
			keys = make([]string, 0, len(s.entries))
		}
		for i := range s.entries {
			if k := s.entries[i].key(); strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		s.mu.RUnlock()
		slices.Sort(keys)
		for _, k := range keys {
			s.mu.RLock()
			_, ok := s.index.get(s.entries, k)
			closed := s.closed
			s.mu.RUnlock()
			if closed {
				yield("", s.errClosed())
				return
			}
			if ok && !yield(k, nil) {
				return
			}
		}
	}
}
