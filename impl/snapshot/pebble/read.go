package pebble

import (
	"errors"
	"fmt"
	"iter"
	"unicode/utf8"

	"github.com/cockroachdb/pebble/v2"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// Get returns the key's live entry, read from the engine; ok is false when the key is absent.
// A stored record that cannot be decoded is snapshot.ErrInvalidFormat.
func (s *Store) Get(key string) (kv.Entry, bool, error) {
	if err := s.enter("get"); err != nil {
		return kv.Entry{}, false, err
	}
	defer s.gate.leave()
	if err := s.poisoned("get"); err != nil {
		return kv.Entry{}, false, err
	}
	raw, closer, err := s.db.Get(appendDataKey(nil, key))
	if errors.Is(err, pebble.ErrNotFound) {
		return kv.Entry{}, false, nil
	}
	if err != nil {
		return kv.Entry{}, false, s.storeErr("get", err)
	}
	defer closer.Close()
	e, err := decodeEntry(key, raw)
	if err != nil {
		return kv.Entry{}, false, s.storeErr("get", err)
	}
	return e, true, nil
}

// decodeEntry builds the entry of key from its stored record, copying the value out of the
// engine's buffer.
func decodeEntry(key string, raw []byte) (kv.Entry, error) {
	v, val, err := decodeRecord(raw)
	if err != nil {
		return kv.Entry{}, fmt.Errorf("key %q: %w", key, err)
	}
	return kv.Entry{Key: key, Value: append([]byte{}, val...), Version: v}, nil
}

// Range yields the live entries whose key starts with prefix, in ascending byte order, from a
// Pebble iterator bounded by the prefix: one entry is held at a time. The iterator is one
// point-in-time view, taken when the loop starts: an Apply made meanwhile (from the loop body
// too) shows in a later Range, never in part in this one. A stored key that is not valid UTF-8,
// or a record that cannot be decoded, ends the sequence with snapshot.ErrInvalidFormat.
func (s *Store) Range(prefix string) iter.Seq2[kv.Entry, error] {
	return func(yield func(kv.Entry, error) bool) {
		for it, err := range s.scan("range", prefix) {
			if err != nil {
				yield(kv.Entry{}, err)
				return
			}
			key, err := userKey(it.Key())
			if err == nil {
				var raw []byte
				if raw, err = it.ValueAndErr(); err == nil {
					var e kv.Entry
					if e, err = decodeEntry(key, raw); err == nil {
						if !yield(e, nil) {
							return
						}
						continue
					}
				}
			}
			yield(kv.Entry{}, s.storeErr("range", err))
			return
		}
	}
}

// Keys yields the live keys under prefix in ascending byte order, as Range does, without
// decoding their values.
func (s *Store) Keys(prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for it, err := range s.scan("keys", prefix) {
			if err != nil {
				yield("", err)
				return
			}
			key, err := userKey(it.Key())
			if err != nil {
				yield("", s.storeErr("keys", err))
				return
			}
			if !yield(key, nil) {
				return
			}
		}
	}
}

// scan positions a Pebble iterator on each data key under prefix in turn. It yields the
// iterator (valid only until the next step) or, as the last pair, an error: the store closed,
// poisoned, or the engine's. The iterator is closed and the gate left when the loop ends.
func (s *Store) scan(op, prefix string) iter.Seq2[*pebble.Iterator, error] {
	return func(yield func(*pebble.Iterator, error) bool) {
		if err := s.enter(op); err != nil {
			yield(nil, err)
			return
		}
		defer s.gate.leave()
		if err := s.poisoned(op); err != nil {
			yield(nil, err)
			return
		}
		lower, upper := prefixBounds(prefix)
		it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
		if err != nil {
			yield(nil, s.storeErr(op, err))
			return
		}
		defer it.Close()
		for ok := it.First(); ok; ok = it.Next() {
			if s.gate.closing.Load() {
				yield(nil, s.storeErr(op, snapshot.ErrClosed))
				return
			}
			if !yield(it, nil) {
				return
			}
		}
		if err := it.Error(); err != nil {
			yield(nil, s.storeErr(op, err))
		}
	}
}

// userKey strips the data prefix from an engine key and checks that the rest is UTF-8.
func userKey(k []byte) (string, error) {
	k = k[1:]
	if !utf8.Valid(k) {
		return "", fmt.Errorf("%w: non-UTF-8 key %q in the pebble store", snapshot.ErrInvalidFormat, k)
	}
	return string(k), nil
}

// Reader is a read-only view of a Store, for goroutines that serve reads while another
// goroutine applies. It sees every Apply that has returned. After the store is closed its
// methods return snapshot.ErrClosed.
type Reader struct{ s *Store }

// Reader returns a read-only handle on s. Take it before handing s to the apply loop.
func (s *Store) Reader() *Reader { return &Reader{s: s} }

// Get is Store.Get.
func (r *Reader) Get(key string) (kv.Entry, bool, error) { return r.s.Get(key) }

// Range is Store.Range.
func (r *Reader) Range(prefix string) iter.Seq2[kv.Entry, error] { return r.s.Range(prefix) }

// Keys is Store.Keys.
func (r *Reader) Keys(prefix string) iter.Seq2[string, error] { return r.s.Keys(prefix) }
