package appendlog

import "math"

const (
	// DefaultCompactThreshold is the compaction threshold the zero Options use: 10 MiB
	// appended since the last compaction.
	DefaultCompactThreshold = 10 << 20
	// NeverCompact as a threshold turns compaction after Apply off (Load still compacts).
	NeverCompact = math.MaxUint64
	// flushAt bounds the bytes a batch buffers before they are written out.
	flushAt = 1 << 20
)

// Options configure Open, Load and OpenWriter. The zero Options are the defaults.
type Options struct {
	// CompactThreshold: once more than this many bytes were appended since the log was opened or
	// last compacted, a checkpoint reports that a compaction is due (Store.Apply then runs it).
	// 0 means DefaultCompactThreshold; 1 compacts after every Apply; NeverCompact never does.
	CompactThreshold uint64
	// FS is the file system; nil means the operating system's (OSFS).
	FS FS
	// OnCompactError, if set, is told when a compaction run by Store.Apply fails. The batch
	// that Apply wrote is safe either way (it is in the log before compaction starts), so Apply
	// still returns nil; the compaction is tried again at the next Apply. A failure that leaves
	// the log unwritable poisons the writer, and the next Apply returns snapshot.ErrPoisoned.
	OnCompactError func(error)
}

func (o Options) threshold() uint64 {
	if o.CompactThreshold == 0 {
		return DefaultCompactThreshold
	}
	return o.CompactThreshold
}
