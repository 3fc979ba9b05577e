package appendlog

import (
	"os"
	"path/filepath"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// An export checks its log while writing it. Each write of whole records (a chunk of PUTs, the
// header, the closing stamp and cursor) is handed to a checker goroutine, which reads those
// bytes back from the file and checks their records, and hands them on to a hasher goroutine
// (see spanChecker). The writer fsyncs the file in the background as it grows (see
// spanWriter), so that the fsync which follows the export finds little left.
const spansQueued = 64 // written spans waiting for the checker before the writer waits

// logCheck writes a compacted log and checks it as it goes. Its fields are test hooks.
type logCheck struct {
	// beforeReadBack, if set, runs on the checker's goroutine before it reads back
	// f[from:to]; a test damages the file there to see that the check reads the file.
	beforeReadBack func(f *os.File, from, to int64)
	// sync, if set, replaces (*os.File).Sync for the background fsyncs while writing.
	sync func(f *os.File) error
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
// would check the whole file. An error means the log could not be written, fsynced or read
// back. The file is fsynced only in the background as it grows: artifact.Export fsyncs the
// payload once it is checked, and that fsync makes it durable.
func (lc logCheck) write(dataDir string, entries putSource, cursor kv.Cursor, stamp snapshot.Stamp) (checkedLog, error) {
	path := filepath.Join(dataDir, PayloadFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return checkedLog{}, ioErr("create", path, err)
	}
	defer f.Close()
	w := newSpanWriter(f, lc.sync)
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
