package appendlog

import (
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

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

// compactDue reports whether more than the threshold was appended since the base, the
// threshold being raised to the compacted log's size when it is adaptive.
func (w *Writer) compactDue() bool {
	limit := w.threshold
	if live := uint64(max(w.compacted-HeaderLen, 0)); w.adaptive && live > limit {
		limit = live
	}
	return uint64(w.size-w.base) > limit
}

// markCompact records that the file, as it is now, is compact (Load has just replayed and,
// if needed, rewritten it): only what is appended from here counts toward compaction.
func (w *Writer) markCompact() {
	w.base, w.compacted = w.size, w.size
}

// Compact writes everything buffered, replays the whole file and replaces it with its
// compacted form (see Load). A replay error leaves the file and the writer as they were.
func (w *Writer) Compact() error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	data, err := w.fs.ReadFile(w.path)
	if err != nil {
		return ioErr("read", w.path, err)
	}
	r, err := replay(data)
	if err != nil {
		return fmt.Errorf("compact %s: %w", w.path, err)
	}
	return w.replaceWith(inKeyOrder(r.entries), r.cursor, r.stamp)
}

// replaceWith replaces the file with the compacted (entries, cursor, stamp), which must hold
// every record written so far, in any order. Once the rename has happened the old handle
// names an orphaned file, so it is closed and the path reopened whatever else failed; a failed
// reopen poisons the writer.
func (w *Writer) replaceWith(entries putSource, cursor kv.Cursor, stamp snapshot.Stamp) error {
	renamed, err := compactToFile(w.fs, w.path, entries, cursor, stamp)
	if !renamed {
		return err // the old file is intact and still ours
	}
	_ = w.f.Close()
	w.f = nil
	if rerr := w.open(); rerr != nil {
		return w.poison("reopening the compacted log", rerr)
	}
	w.markCompact()
	return err
}
