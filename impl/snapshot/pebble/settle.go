package pebble

import "context"

// Settle flushes the memtables and compacts the whole fold into Pebble's bottom level, waiting
// until the compaction is done, so reads after a bulk hydration touch as few files as
// possible. The fold's contents and cursor are unchanged. It needs free disk space about the
// size of the fold while it runs. Call it after hydrating and before serving reads that must be
// fast; Apply may run concurrently.
func (s *Store) Settle() error {
	if err := s.enter("settle"); err != nil {
		return err
	}
	defer s.gate.leave()
	if err := s.poisoned("settle"); err != nil {
		return err
	}
	if err := s.db.Flush(); err != nil {
		return s.storeErr("settle: flush", err)
	}
	if err := s.db.Compact(context.Background(), allLower, allUpper, true); err != nil {
		return s.storeErr("settle: compact", err)
	}
	return nil
}
