package appendlog

import "math"

const (
	// DefaultCompactThreshold is the least the zero Options let accumulate before compacting:
	// 10 MiB of dead records (a Store) or appended (a bare Writer) since the last compaction,
	// or more if the live log is larger (see Options.CompactThreshold).
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
	// 1 compacts after every Apply; NeverCompact never does.
	//
	// 0 (the default) is adaptive. For a Store, a compaction is due once the log's dead
	// records (puts overwritten or deleted, delete records, superseded checkpoints) exceed
	// both DefaultCompactThreshold and the live records; a log of live records only (a fold
	// hydrating distinct keys) is never rewritten. For a bare Writer, which does not know the
	// fold, it is due once more than DefaultCompactThreshold and more than the compacted
	// log's own size were appended since it was written. Either way the file stays under
	// about twice the fold plus 10 MiB, and the total cost of compacting is linear in the
	// bytes appended. A fixed threshold rewrites the whole fold every threshold bytes
	// appended, which makes hydrating a fold much larger than the threshold quadratic.
	CompactThreshold uint64
	// FS is the file system; nil means the operating system's (OSFS).
	FS FS
	// OnCompactError, if set, is told when a compaction run by Store.Apply fails. The batch
	// that Apply wrote is safe either way (it is in the log before compaction starts), so Apply
	// still returns nil; the compaction is tried again at the next Apply. A failure that leaves
	// the log unwritable poisons the writer, and the next Apply returns snapshot.ErrPoisoned.
	OnCompactError func(error)
}

func (o Options) threshold() (bytes uint64, adaptive bool) {
	if o.CompactThreshold == 0 {
		return DefaultCompactThreshold, true
	}
	return o.CompactThreshold, false
}
