package appendlog

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// scanned is what scanCompact reads from a compacted log.
type scanned struct {
	cursor kv.Cursor
	stamp  snapshot.Stamp
	puts   int
}

// scanPayload checks the payload in dataDir with scanCompact, reading the log once through a
// read-only mapping; with hash, it also returns the log's digest, keyed by PayloadFile and
// computed from the same bytes (even when the check fails, so that an import reports a
// damaged file by its checksum).
func scanPayload(dataDir string, hash bool) (scanned, map[string]artifact.Digest, error) {
	ents, err := os.ReadDir(dataDir)
	if err != nil {
		return scanned{}, nil, fmt.Errorf("%w: list %s: %w", snapshot.ErrIO, dataDir, err)
	}
	if len(ents) != 1 || ents[0].Name() != PayloadFile || !ents[0].Type().IsRegular() {
		return scanned{}, nil, fmt.Errorf("%w: an append-log payload is the one regular file %s", snapshot.ErrInvalidFormat, PayloadFile)
	}
	p := filepath.Join(dataDir, PayloadFile)
	data, unmap, err := mapFile(p)
	if err != nil {
		return scanned{}, nil, ioErr("read", p, err)
	}
	var sc scanned
	var digest *artifact.Digest
	ferr := readMapped(func() { sc, digest, err = scanAndHash(data, hash, parallelMin) })
	if uerr := unmap(); ferr == nil {
		ferr = uerr
	}
	if ferr != nil {
		return scanned{}, nil, ioErr("read", p, ferr)
	}
	var ds map[string]artifact.Digest
	if digest != nil {
		ds = map[string]artifact.Digest{PayloadFile: *digest}
	}
	if err != nil {
		return scanned{}, ds, fmt.Errorf("verify %s: %w", p, err)
	}
	return sc, ds, nil
}

// readMapped runs f, which reads a file mapping, and returns the fault of a mapping whose file
// shrank meanwhile as an error instead of crashing the process.
func readMapped(f func()) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			err = fmt.Errorf("the file changed while it was read: %v", r)
		}
	}()
	f()
	return nil
}

// Below parallelMin bytes a log is checked on one goroutine; above it, in scanPieces pieces
// spread over two goroutines, one of which hashes the log first when asked to. A cut between
// pieces is looked for among the probeWindow offsets after its place, at a record of at most
// probeWindow bytes, checksumming at most probeBudget bytes: a hostile payload costs at most
// that per cut, and a log whose records are larger is checked in fewer pieces.
const (
	parallelMin = 256 << 10
	scanPieces  = 8
	probeWindow = 16 << 10
	probeBudget = 1 << 20
)

// scanAndHash is scanCompact(data), its record checks shared between two goroutines for a log
// of minParallel bytes or more, and, with hash, the log's digest. Any failure is reported as
// scanCompact over the whole log reports it, so the split changes the speed only, never the
// verdict or the error.
func scanAndHash(data []byte, hash bool, minParallel int) (scanned, *artifact.Digest, error) {
	var digest *artifact.Digest
	hashIt := func() {
		if hash {
			d := artifact.DigestOf(data)
			digest = &d
		}
	}
	var bounds []int
	if len(data) >= minParallel && checkHeader(data) == nil {
		bounds = findStarts(data, scanPieces)
	}
	if len(bounds) < 3 {
		hashIt()
		sc, err := scanCompact(data)
		return sc, digest, err
	}
	pieces := make([]piece, len(bounds)-1)
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < len(pieces); i = int(next.Add(1) - 1) {
			pieces[i] = scanRange(data, bounds[i], bounds[i+1])
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = readMapped(func() { hashIt(); work() }) })
	work()
	wg.Wait()
	var sc scanned
	for i, pc := range pieces {
		last := i == len(pieces)-1
		if pc.err != nil || pc.end != bounds[i+1] || (!last && (pc.sawCursor || pc.sawStamp)) || (last && pc.sawStamp && !pc.sawCursor) {
			sc, err := scanCompact(data) // the canonical verdict and error
			return sc, digest, err
		}
		sc.puts += pc.sc.puts
		sc.cursor, sc.stamp = pc.sc.cursor, pc.sc.stamp
	}
	if digest == nil && hash { // the helper faulted: the mapping shrank under it
		sc, err := scanCompact(data)
		return sc, digest, err
	}
	return sc, digest, nil
}

// findStarts cuts data[HeaderLen:] into at most n pieces of about equal size without walking
// the records before each cut: the k-th cut is the first offset at or after k/n of the log
// (and within probeWindow of it) where a whole PUT record of at most probeWindow bytes passes
// its checksum; a cut not found within probeBudget checksummed bytes is left out. Such an
// offset is only a guess (a value may hold bytes that look like a record); scanAndHash accepts
// the pieces only when each one's records end exactly where the next begins, which makes
// every cut a true record boundary, counted from the header. It returns the cuts with
// HeaderLen first and len(data) last.
func findStarts(data []byte, n int) []int {
	bounds := []int{HeaderLen}
	step := (len(data) - HeaderLen) / n
	for k := 1; k < n && step > 0; k++ {
		from := max(HeaderLen+k*step, bounds[len(bounds)-1]+1)
		to := min(HeaderLen+(k+1)*step, from+probeWindow)
		for p, budget := from, probeBudget; p < to && budget > 0; p++ {
			rec, oc := parseRecord(data[p:min(len(data), p+probeWindow)])
			if oc == recOK && rec.kind == recPut {
				bounds = append(bounds, p)
				break
			}
			if oc == recOK || oc == recBadCRC {
				budget -= rec.size
			}
		}
	}
	return append(bounds, len(data))
}
