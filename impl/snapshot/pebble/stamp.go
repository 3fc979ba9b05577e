package pebble

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// loadStamp reads the stored stamp; none stored is the zero Stamp. A stamp that does not
// decode is snapshot.ErrInvalidFormat.
func (s *Store) loadStamp() (snapshot.Stamp, error) {
	raw, closer, err := s.db.Get(stampKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return snapshot.Stamp{}, nil
	}
	if err != nil {
		return snapshot.Stamp{}, s.storeErr("open: read stamp", err)
	}
	defer closer.Close()
	st, err := snapshot.DecodeStamp(raw)
	if err != nil {
		return snapshot.Stamp{}, s.storeErr("open", fmt.Errorf("stored stamp: %w", err))
	}
	return st, nil
}

// Stamp returns the stamp of the last successful ApplyStamped, or the stamp recovered at Open.
func (s *Store) Stamp() snapshot.Stamp { return *s.stamp.Load() }

// ApplyStamped is Apply that also writes stamp, in the same Pebble batch as the cursor.
func (s *Store) ApplyStamped(batch []kv.Update, cursor kv.Cursor, stamp snapshot.Stamp) error {
	return s.apply(batch, cursor, &stamp)
}
