package appendlog

import "github.com/slipstream-go/slipstream/impl/snapshot"

// compact rewrites the log from the fold in RAM. Readers keep running meanwhile.
func (s *Store) compact() {
	s.mu.RLock()
	err := s.w.replaceWith(putSource{f: s.entries}, s.cursor, s.stamp)
	s.mu.RUnlock()
	if err == nil {
		s.dead = 0
	}
	if err != nil && s.opts.OnCompactError != nil {
		s.opts.OnCompactError(err)
	}
}

// noteCheckpoint counts the checkpoint records an Apply about to be folded makes dead: the
// previous CURSOR record (every Apply writes a new one) and, when the stamp changes, the
// previous STAMP record. The caller holds wmu and has not yet changed s.cursor or s.stamp.
func (s *Store) noteCheckpoint(stamp *snapshot.Stamp) {
	s.dead += uint64(cursorLen(s.cursor))
	if stamp != nil && !s.stamp.IsZero() && !stamp.Equal(s.stamp) {
		s.dead += uint64(len(appendStamp(nil, s.stamp)))
	}
}

// deadDue is the default (adaptive) compaction policy of a Store: a compaction is due once
// the dead records exceed both DefaultCompactThreshold (or the threshold configured) and the
// live ones. The file then stays under about twice the fold plus the threshold; each
// compaction rewrites the live records only after at least as many dead bytes were appended,
// so the total cost of compacting stays linear in the bytes appended; and a log whose records
// are all live (a fold hydrating distinct keys) is never rewritten. The caller holds wmu.
func (s *Store) deadDue() bool {
	size := uint64(max(s.w.size-HeaderLen, 0))
	live := size - min(s.dead, size)
	return s.dead > max(s.w.threshold, live)
}
