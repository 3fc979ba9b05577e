package appendlog

import (
	"iter"
	"os"
	"path/filepath"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// An export checks its log while writing it. Each write of whole records (a chunk of PUTs, the
// header, the closing stamp and cursor) is handed to a checker goroutine, which reads those
// bytes back from the file, hashes them in order and checks their records. The writer asks
// the kernel to start writing back every writebackEvery bytes, so that the fsync which
// follows the export finds little left and the device works while the CPUs encode and check.
const (
	writebackEvery = 1 << 20
	spansQueued    = 64 // written spans waiting for the checker before the writer waits
)

// logCheck writes a compacted log and checks it as it goes. Its field is a test hook.
type logCheck struct {
	// beforeReadBack, if set, runs on the checker's goroutine before it reads back
	// f[from:to]; a test damages the file there to see that the check reads the file.
	beforeReadBack func(f *os.File, from, to int64)
}

// checkedLog is what logCheck.write reports of the log it wrote.
type checkedLog struct {
	sc      scanned         // the copy's cursor, stamp and PUT count, as read back
	digest  artifact.Digest // of the bytes read back: the whole file
	refused error           // why the copy does not check (as scanCompact says), or nil
}

// write writes the compacted log of (entries, cursor, stamp) to a new file PayloadFile in
// dataDir, which holds nothing else: the header, one PUT per entry in the order entries yields
// them, then the stamp and the cursor. It checks the copy from the file's bytes as scanCompact
// would check the whole file. An error means the log could not be written or read back. There
// is no fsync here: artifact.Export fsyncs the payload once it is checked.
func (lc logCheck) write(dataDir string, entries iter.Seq2[kv.Entry, uint32], cursor kv.Cursor, stamp snapshot.Stamp) (checkedLog, error) {
	path := filepath.Join(dataDir, PayloadFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return checkedLog{}, ioErr("create", path, err)
	}
	defer f.Close()
	w := &spanWriter{f: f, spans: make(chan [2]int64, spansQueued)}
	ck := &spanChecker{f: f, hook: lc.beforeReadBack, digest: artifact.NewDigester(), done: make(chan struct{})}
	go ck.run(w.spans)
	werr := w.writeLog(entries, cursor, stamp)
	close(w.spans)
	<-ck.done
	if werr != nil {
		return checkedLog{}, ioErr("write", path, werr)
	}
	if ck.rerr != nil {
		return checkedLog{}, ioErr("read back", path, ck.rerr)
	}
	fi, err := f.Stat()
	if err != nil {
		return checkedLog{}, ioErr("stat", path, err)
	}
	if !ck.sound || ck.checked != w.off || fi.Size() != w.off {
		return canonicalCheck(dataDir)
	}
	return checkedLog{sc: ck.sc, digest: ck.digest.Digest()}, nil
}

// canonicalCheck is the verdict on a log whose piecewise check found a fault: scanCompact
// over the whole file, with its digest, which also gives the fault's canonical message.
func canonicalCheck(dataDir string) (checkedLog, error) {
	sc, ds, err := scanPayload(dataDir, true)
	d, hashed := ds[PayloadFile]
	if !hashed { // the file could not be read
		return checkedLog{}, err
	}
	return checkedLog{sc: sc, digest: d, refused: err}, nil
}

// spanWriter writes the log to f and hands every write, a run of whole records, to the checker.
type spanWriter struct {
	f       *os.File
	spans   chan [2]int64 // [from, to) of each write, in order
	off     int64         // bytes written
	started int64         // bytes whose writeback was started
}

// Write writes p, which ends at a record boundary, and queues it for the checker.
func (w *spanWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		return n, err // the log is not written; the checker's verdict no longer matters
	}
	w.spans <- [2]int64{w.off, w.off + int64(n)}
	w.off += int64(n)
	if w.off-w.started >= writebackEvery {
		w.startWriteback()
	}
	return n, nil
}

// startWriteback asks the kernel to start writing back what was written since the last call.
// It is advice only: a failure shows at the fsync that follows the export.
func (w *spanWriter) startWriteback() {
	startWriteback(w.f, w.started, w.off-w.started)
	w.started = w.off
}

// writeLog writes the header, one PUT per entry (see writeSealedPuts: every record is read
// back and checked), then the stamp and cursor.
func (w *spanWriter) writeLog(entries iter.Seq2[kv.Entry, uint32], cursor kv.Cursor, stamp snapshot.Stamp) error {
	if _, err := w.Write(header[:]); err != nil {
		return err
	}
	if err := writeSealedPuts(w, entries); err != nil {
		return err
	}
	if _, err := w.Write(appendCheckpoint(nil, cursor, stamp)); err != nil {
		return err
	}
	w.startWriteback()
	return nil
}

// spanChecker reads back, hashes and checks the spans a spanWriter wrote, in order.
type spanChecker struct {
	f      *os.File
	hook   func(f *os.File, from, to int64)
	digest *artifact.Digester
	done   chan struct{} // closed when run returns; the fields below are then final
	sc     scanned       // of the records checked so far
	// checked is the bytes read back (and hashed), from the start of the file.
	checked int64
	// sound: every span read back held whole records that scanCompact accepts in that place.
	// When false the spans are still read back and hashed, but write asks scanCompact.
	sound     bool
	sawCursor bool
	rerr      error // the first read error; no span is read after it
}

func (c *spanChecker) run(spans <-chan [2]int64) {
	defer close(c.done)
	c.sound = true
	var buf []byte
	for sp := range spans {
		if c.rerr != nil {
			continue // drain, so that the writer never waits on a checker that stopped
		}
		if c.hook != nil {
			c.hook(c.f, sp[0], sp[1])
		}
		n := int(sp[1] - sp[0])
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		b := buf[:n]
		if _, err := c.f.ReadAt(b, sp[0]); err != nil {
			c.rerr = err
			continue
		}
		_, _ = c.digest.Write(b)
		c.checked = sp[1]
		c.sound = c.sound && c.take(b, sp[0] == 0)
	}
}

// take checks the records of one span read back, which follows those already taken. It
// returns false when scanCompact would not accept them there, or when that cannot be decided
// one span at a time (a stamp whose cursor is in the next span).
func (c *spanChecker) take(b []byte, first bool) bool {
	from := 0
	if first {
		if checkHeader(b) != nil {
			return false
		}
		from = HeaderLen
	}
	if from == len(b) {
		return true
	}
	if c.sawCursor {
		return false // a record follows the cursor
	}
	pc := scanRange(b, from, len(b))
	if pc.err != nil || pc.end != len(b) || (pc.sawStamp && !pc.sawCursor) {
		return false
	}
	c.sc.puts += pc.sc.puts
	if pc.sawCursor {
		c.sc.cursor, c.sc.stamp, c.sawCursor = pc.sc.cursor, pc.sc.stamp, true
	}
	return true
}
