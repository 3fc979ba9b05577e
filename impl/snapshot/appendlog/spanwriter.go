package appendlog

import (
	"os"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// syncEvery is how much an export writes between background fsyncs. On the virtual disk this
// was measured on, an fsync costs about as long as the bytes written since the previous one
// take to reach the device, whatever writeback the kernel already did: a 45 MB log fsynced once
// at the end took 25-45 ms, even after sync_file_range had written it back, and about 1 ms when
// fsynced every 4 MiB on the side while it was written.
const syncEvery = 4 << 20

// spanWriter writes the log to f and hands every write, a run of whole records, to the
// checker. Every syncEvery bytes it starts an fsync on another goroutine, unless one is still
// running; writeLog waits for the last one and returns the first that failed, since a failed
// fsync may have dropped written pages that a later fsync would not report.
type spanWriter struct {
	f       *os.File
	sync    func(*os.File) error
	spans   chan [2]int64 // [from, to) of each write, in order
	off     int64         // bytes written
	synced  int64         // bytes written when the last background fsync started
	syncing chan error    // the running background fsync's result; nil when none runs
	syncErr error         // the first background fsync that failed
}

func newSpanWriter(f *os.File, sync func(*os.File) error) *spanWriter {
	if sync == nil {
		sync = (*os.File).Sync
	}
	return &spanWriter{f: f, sync: sync, spans: make(chan [2]int64, spansQueued)}
}

// Write writes p, which ends at a record boundary, and queues it for the checker.
func (w *spanWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		return n, err // the log is not written; the checker's verdict no longer matters
	}
	w.spans <- [2]int64{w.off, w.off + int64(n)}
	w.off += int64(n)
	if w.off-w.synced >= syncEvery {
		w.syncInBackground()
	}
	return n, nil
}

// syncInBackground starts an fsync of the file unless one is running.
func (w *spanWriter) syncInBackground() {
	if w.syncing != nil {
		select {
		case err := <-w.syncing:
			w.noteSync(err)
		default:
			return // the device is still busy with the last one
		}
	}
	w.synced = w.off
	done := make(chan error, 1)
	w.syncing = done
	go func() { done <- w.sync(w.f) }()
}

// waitSync waits for the running background fsync, if any, and returns the first that failed.
func (w *spanWriter) waitSync() error {
	if w.syncing != nil {
		w.noteSync(<-w.syncing)
	}
	return w.syncErr
}

func (w *spanWriter) noteSync(err error) {
	w.syncing = nil
	if w.syncErr == nil && err != nil {
		w.syncErr = err
	}
}

// writeLog writes the header, one PUT per entry (see writePuts), then the stamp and cursor,
// and waits for the background fsyncs.
func (w *spanWriter) writeLog(entries putSource, cursor kv.Cursor, stamp snapshot.Stamp) error {
	err := w.writeRecords(entries, cursor, stamp)
	if serr := w.waitSync(); err == nil {
		err = serr
	}
	return err
}

func (w *spanWriter) writeRecords(entries putSource, cursor kv.Cursor, stamp snapshot.Stamp) error {
	if _, err := w.Write(header[:]); err != nil {
		return err
	}
	if err := writePuts(w, entries); err != nil {
		return err
	}
	_, err := w.Write(appendCheckpoint(nil, cursor, stamp))
	return err
}
