package appendlog

import (
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// scanCompact checks that data is what an export writes: the header, PUT records, each passing
// its checksum, then at most one STAMP record directly followed by one CURSOR record (or the
// CURSOR alone), and nothing after it (no torn tail, no delete). It returns the cursor, the
// stamp and the number of PUT records without building the fold; Load of such a file
// recovers the same cursor and stamp.
func scanCompact(data []byte) (scanned, error) {
	if err := checkHeader(data); err != nil {
		return scanned{}, err
	}
	pc := scanRange(data, HeaderLen, len(data))
	if pc.err != nil {
		return scanned{}, pc.err
	}
	if pc.sawStamp && !pc.sawCursor {
		return scanned{}, fmt.Errorf("%w: the stamp has no cursor after it", snapshot.ErrInvalidFormat)
	}
	return pc.sc, nil
}

// piece is what scanRange found in one stretch of a compacted log.
type piece struct {
	sc                  scanned
	sawCursor, sawStamp bool
	end                 int // where the scan stopped: the stretch's end unless err is set
	err                 error
}

// scanRange checks the records of data[from:to] as scanCompact does, a record running past to
// being incomplete, starting from the state at the log's first record.
func scanRange(data []byte, from, to int) piece {
	var pc piece
	pos := from
	run := crcRuns.Get().(*crcRun)
	defer crcRuns.Put(run)
	fail := func(err error) piece {
		pc.err, pc.end = err, pos
		return pc
	}
	for pos < to {
		if !pc.sawCursor && !pc.sawStamp {
			if n, count := checkedPuts(data, pos, to, run); n > 0 {
				pc.sc.puts += count
				pos += n
				continue
			}
		}
		rec, oc := parseRecord(data[pos:to])
		switch {
		case oc == recBadCRC:
			return fail(fmt.Errorf("%w: record at offset %d fails its checksum", snapshot.ErrCorrupted, pos))
		case oc != recOK:
			return fail(fmt.Errorf("%w: no whole record at offset %d %s", snapshot.ErrInvalidFormat, pos, rec.msg))
		case pc.sawCursor:
			return fail(fmt.Errorf("%w: record at offset %d follows the cursor", snapshot.ErrInvalidFormat, pos))
		case rec.kind == recCursor:
			v, _ := kv.VersionFromBytes(rec.ver) // length checked by parseRecord
			pc.sc.cursor, pc.sawCursor = kv.CursorFromVersion(v), true
		case pc.sawStamp:
			return fail(fmt.Errorf("%w: the stamp is not followed by the cursor (offset %d)", snapshot.ErrInvalidFormat, pos))
		case rec.kind == recStamp:
			pc.sc.stamp, pc.sawStamp = rec.stamp, true
		case rec.kind != recPut:
			return fail(fmt.Errorf("%w: a compacted log holds no delete (offset %d)", snapshot.ErrInvalidFormat, pos))
		default:
			pc.sc.puts++
		}
		pos += rec.size
	}
	pc.end = pos
	return pc
}

// checkedPuts returns the size and number of the records at data[pos:to] that soundPut
// accepts, one after another from pos, stopping at the first it does not or after about
// crcRunBytes. Their checksums are checked as one run (see crcRun); when the run fails they are
// checked one by one, and those before the first bad record are taken.
func checkedPuts(data []byte, pos, to int, run *crcRun) (n, count int) {
	run.reset()
	end := pos
	for end < to && end-pos < crcRunBytes {
		size, _, _ := framePut(data[end:to])
		if size == 0 {
			break
		}
		run.add(data[end : end+size])
		end += size
		count++
	}
	if run.holds() {
		return end - pos, count
	}
	n, count = 0, 0
	for pos+n < end {
		size := soundPut(data[pos+n : end])
		if size == 0 {
			break
		}
		n += size
		count++
	}
	return n, count
}

// soundPut returns the size of the PUT record at the start of r when parseRecord would accept
// it (recOK), and 0 for anything else, for which parseRecord gives the verdict and message. It
// is parsePut's verdict: parseRecord's result, a large struct returned by value, cost as much
// as the checksum per small record (pprof of scanCompact over a log of 1M ~40-byte records).
func soundPut(r []byte) int {
	if _, _, _, n, ok := parsePut(r); ok {
		return n
	}
	return 0
}
