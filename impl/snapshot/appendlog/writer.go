package appendlog

import (
	"fmt"
	"io"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// Writer appends records to a log file. Records are buffered and written (write(2), no fsync)
// at each Checkpoint: a checkpoint survives a process crash, not a power loss. The only fsyncs
// are those of Compact. A Writer is not safe for concurrent use.
//
// When a write fails the Writer truncates the file back to the end of the last checkpoint and
// drops the records written since, so the file never holds a half-written batch followed by
// later ones; write them again. If it cannot take the write back, or cannot reopen the file
// after a compaction replaced it, the Writer is poisoned: every later call returns
// snapshot.ErrPoisoned, and the file must be opened again (Load repairs a torn tail).
type Writer struct {
	path      string
	fs        FS
	threshold uint64
	adaptive  bool   // the threshold grows to the compacted size (Options.CompactThreshold 0)
	f         File   // nil once closed
	buf       []byte // records not yet written to the file
	size      int64  // bytes in the file
	committed int64  // file size at the end of the last checkpoint
	base      int64  // file size when opened or last compacted (bytes beyond it count toward compaction)
	compacted int64  // size of the file when it was last known to be compact (0: unknown)
	poisoned  error
}

// OpenWriter opens the log at path for appending, creating it with a header if it is missing.
// A zero-length file, or one holding only the start of a header (a crash while creating it),
// is given a fresh header; any other file shorter than a header, or one whose header is not a
// version-2 header, is refused with snapshot.ErrInvalidFormat. The file's existing body counts
// toward the compaction threshold. OpenWriter does not replay the body: Load it first (Open
// does), so that a torn tail is repaired before anything is appended after it.
func OpenWriter(path string, opts Options) (*Writer, error) {
	w := &Writer{path: path, fs: fsOrOS(opts.FS)}
	w.threshold, w.adaptive = opts.threshold()
	if err := w.open(); err != nil {
		return nil, err
	}
	w.base = HeaderLen
	return w, nil
}

// open opens the file for append, sizing it from the handle (never by a separate stat of the
// path, which another process could change in between).
func (w *Writer) open() error {
	f, err := w.fs.OpenAppend(w.path)
	if err != nil {
		return ioErr("open", w.path, err)
	}
	fail := func(err error) error { _ = f.Close(); return err }
	fi, err := f.Stat()
	if err != nil {
		return fail(ioErr("stat", w.path, err))
	}
	size := fi.Size()
	head := make([]byte, min(size, HeaderLen))
	if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
		return fail(ioErr("read header of", w.path, err))
	}
	switch {
	case size >= HeaderLen:
		if err := checkHeader(head); err != nil {
			return fail(fmt.Errorf("open %s: %w", w.path, err))
		}
	case isHeaderPrefix(head):
		if err := f.Truncate(0); err != nil {
			return fail(ioErr("truncate partial header of", w.path, err))
		}
		if _, err := f.Write(header[:]); err != nil {
			return fail(ioErr("write header to", w.path, err))
		}
		size = HeaderLen
	default:
		return fail(fmt.Errorf("open %s: %w: %d bytes that are not the start of a log header", w.path, snapshot.ErrInvalidFormat, size))
	}
	w.f, w.size, w.committed = f, size, size
	return nil
}

// usable returns why the writer cannot append, or nil.
func (w *Writer) usable() error {
	if w.poisoned != nil {
		return w.poisoned
	}
	if w.f == nil {
		return fmt.Errorf("append to %s: %w", w.path, snapshot.ErrClosed)
	}
	return nil
}

func (w *Writer) poison(what string, cause error) error {
	w.poisoned = fmt.Errorf("%w: %s %s (%w); close the store and open it again", snapshot.ErrPoisoned, what, w.path, cause)
	return w.poisoned
}

// WriteUpdate buffers the record of one update (a purge is written as a delete). It refuses,
// writing nothing, an update that ValidateUpdate rejects.
func (w *Writer) WriteUpdate(u kv.Update) error {
	_, err := w.writeUpdate(u)
	return err
}

// writeUpdate is WriteUpdate, also returning the record it buffered. rec is the writer's own
// buffer: copy it before the next write.
func (w *Writer) writeUpdate(u kv.Update) (rec []byte, err error) {
	if err := w.usable(); err != nil {
		return nil, err
	}
	if err := ValidateUpdate(u); err != nil {
		return nil, fmt.Errorf("append to %s: %w", w.path, err)
	}
	start := len(w.buf)
	w.buf = appendUpdate(w.buf, u)
	rec = w.buf[start:]
	if len(w.buf) >= flushAt {
		return rec, w.flush()
	}
	return rec, nil
}

// Checkpoint appends a CURSOR record and writes everything buffered to the file (no fsync).
// It reports whether a compaction is due: more than the threshold appended since the log was
// opened or last compacted. The caller decides when to run Compact.
func (w *Writer) Checkpoint(c kv.Cursor) (compactDue bool, err error) {
	if err := w.usable(); err != nil {
		return false, err
	}
	w.buf = appendCursor(w.buf, c)
	if err := w.flush(); err != nil {
		return false, err
	}
	w.committed = w.size
	return w.compactDue(), nil
}

// Flush writes the buffered records to the file without a checkpoint (no fsync).
func (w *Writer) Flush() error {
	if err := w.usable(); err != nil {
		return err
	}
	return w.flush()
}

func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	n, err := w.f.Write(w.buf)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return w.rollback(ioErr("append to", w.path, err))
	}
	w.size += int64(n)
	w.dropBuffer()
	return nil
}

// rollback takes back everything written since the last checkpoint after a failed write.
func (w *Writer) rollback(cause error) error {
	w.dropBuffer()
	if err := w.f.Truncate(w.committed); err != nil {
		return fmt.Errorf("%w; %w", cause, w.poison("taking back a failed write to", err))
	}
	w.size = w.committed
	return cause
}

// abandon takes back the records written since the last checkpoint: their batch failed.
func (w *Writer) abandon() {
	if w.f == nil || w.poisoned != nil || (len(w.buf) == 0 && w.size == w.committed) {
		w.dropBuffer()
		return
	}
	w.dropBuffer()
	if err := w.f.Truncate(w.committed); err != nil {
		_ = w.poison("taking back an abandoned batch in", err)
		return
	}
	w.size = w.committed
}

func (w *Writer) dropBuffer() {
	if cap(w.buf) > 4*flushAt {
		w.buf = nil // a huge batch's buffer is not kept around
	}
	w.buf = w.buf[:0]
}

// Close writes anything buffered and closes the file. Later calls return snapshot.ErrClosed.
func (w *Writer) Close() error {
	if w.f == nil {
		if w.poisoned != nil {
			return nil // a failed reopen left nothing open
		}
		return fmt.Errorf("close %s: %w", w.path, snapshot.ErrClosed)
	}
	var err error
	if w.poisoned == nil {
		err = w.flush()
	}
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = ioErr("close", w.path, cerr)
	}
	w.f = nil
	return err
}
