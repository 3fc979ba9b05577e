package appendlog

import (
	"encoding/binary"
	"hash/crc32"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// loadParallelMin is the smallest log whose PUTs Load parses on two goroutines: below it,
// starting the second one and probing for the cuts cost more than it saved (a 270 KB log
// loaded in 0.89-1.04 ms instead of 0.63-0.75, BenchmarkLoad500EntriesCompacted).
const loadParallelMin = 2 << 20

// loadPieces is how many stretches putPrefix cuts a log into: more than its two goroutines,
// so that one slowed down (the machine is shared) leaves the rest to the other.
const loadPieces = 8

// putRun is one stretch of a log, [from, to), cut where findStarts guessed a record begins.
type putRun struct {
	from, to int
	est      int  // entries its part of the fold holds, a guess from its first records
	off      int  // where its part of the fold starts
	filled   int  // entries parsed into its part
	extra    fold // entries parsed once its part was full
	end      int  // where parsing stopped: to, unless a record was not a whole valid PUT
}

// putPrefix folds the PUT records that open data, whose header is valid, on two goroutines:
// each stretch is parsed and checksummed straight into its part of one dense fold, sized from
// a guess of its record count, its keys aliasing data as its values do (so that a fold loaded
// from a compacted log pins the whole image until it is rewritten; copying the keys added a
// pass and 23 MiB to a 1M-entry load, peak heap 229 MiB against 206, BenchmarkLoad). The
// prefix is the stretches parsed whole, in order, then the valid PUTs of the first one that
// was not; since the first stretch starts at the header, each stretch parsed to its end
// proves that the next one starts at a record, so the prefix is exactly what a one-by-one
// replay would fold from the same records, and it returns the offset where that replay goes
// on. It returns no fold (and
// the header's end) for a log under minParallel bytes, one it cannot cut, or a prefix in
// which a key repeats: the replay then folds everything.
func putPrefix(data []byte, minParallel int) (replayed, int) {
	if len(data) < max(minParallel, parallelMin) {
		return replayed{}, HeaderLen
	}
	bounds := findStarts(data, loadPieces)
	if len(bounds) < 3 {
		return replayed{}, HeaderLen
	}
	runs := make([]putRun, len(bounds)-1)
	total := 0
	for i := range runs {
		r := &runs[i]
		r.from, r.to, r.off = bounds[i], bounds[i+1], total
		r.est = r.estimate(data)
		total += r.est
	}
	f := make(fold, total)
	inParallel(len(runs), func(i int) {
		r := &runs[i]
		r.parse(data, f[r.off:r.off+r.est])
	})
	last := 0
	for last < len(runs)-1 && runs[last].end == runs[last].to {
		last++
	}
	f = gather(f, runs[:last+1])
	x := newIndex(len(f))
	if !x.fill(f) {
		return replayed{}, HeaderLen
	}
	return replayed{entries: f, index: x}, runs[last].end
}

// parse parses the stretch's records while they are whole valid PUTs: into dst while it has
// room, then into extra. It records where it stopped.
func (r *putRun) parse(data []byte, dst fold) {
	pos := r.from
	for pos < r.to {
		key, _, _, size, ok := parsePut(data[pos:r.to])
		if !ok {
			break
		}
		e := fentry{rec: data[pos : pos+size : pos+size], tag: tagOf(aliasString(key))}
		if r.filled < len(dst) {
			dst[r.filled] = e
			r.filled++
		} else {
			r.extra = append(r.extra, e)
		}
		pos += size
	}
	r.end = pos
}

// countPuts counts the well-framed PUT records from offset from, to size the fold once. It
// trusts lengths without checking CRCs: it is only a hint.
func countPuts(data []byte, from int) (n int) {
	for pos := from; pos+7 <= len(data); {
		r := data[pos:]
		switch r[4] {
		case recPut:
			kl := int(binary.LittleEndian.Uint16(r[5:]))
			if len(r) < 7+kl+5 {
				return n
			}
			vl := int(binary.LittleEndian.Uint32(r[7+kl:]))
			if vl > MaxValueLen || len(r) < 7+kl+4+vl+1 {
				return n
			}
			pos += 7 + kl + 4 + vl + 1 + int(r[7+kl+4+vl])
			n++
		case recDelete:
			pos += 7 + int(binary.LittleEndian.Uint16(r[5:])) + 1
			if pos <= len(data) {
				pos += int(data[pos-1])
			}
		case recCursor:
			pos += 6 + int(r[5])
		case recStamp:
			pos += 7 + int(binary.LittleEndian.Uint16(r[5:]))
		default:
			return n
		}
	}
	return n
}

// parsePut parses the record at the start of r when parseRecord would find it a whole valid
// PUT, and reports false for anything else, without saying why: the one-by-one replay parses
// that record again and decides. It is parseRecord's PUT case without the general record
// struct, whose copy per record made the parse of 1M records twice as slow (118 ms against
// 63, a timed run of putPrefix alone).
func parsePut(r []byte) (key, value, ver []byte, size int, ok bool) {
	size, kl, vl := framePut(r)
	if size == 0 || binary.LittleEndian.Uint32(r) != crc32.ChecksumIEEE(r[crcLen:size]) {
		return nil, nil, nil, 0, false
	}
	vo := 7 + kl + 4
	return r[7 : 7+kl : 7+kl], r[vo : vo+vl : vo+vl], r[vo+vl+1 : size], size, true
}

// framePut returns the size, key length and value length of the PUT record at the start of r
// when parseRecord would accept it but for its checksum, which it does not check: whole, its
// lengths in bounds, its key UTF-8. It returns size 0 for anything else.
func framePut(r []byte) (size, kl, vl int) {
	if len(r) < 7 || r[4] != recPut {
		return 0, 0, 0
	}
	kl = int(binary.LittleEndian.Uint16(r[5:]))
	vo := 7 + kl + 4
	if len(r) < vo {
		return 0, 0, 0
	}
	vl = int(binary.LittleEndian.Uint32(r[7+kl:]))
	if vl > MaxValueLen || len(r) < vo+vl+1 {
		return 0, 0, 0
	}
	n := int(r[vo+vl])
	size = vo + vl + 1 + n
	if n > kv.MaxVersionLen || len(r) < size || !utf8.Valid(r[7:7+kl]) {
		return 0, 0, 0
	}
	return size, kl, vl
}

// aliasString returns b's bytes as a string without copying them. The bytes of a log image
// are never written once read: values share them too, and are handed out capped at their
// length, so no append reaches a key.
func aliasString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// inParallel runs do(0), ..., do(n-1) on the calling goroutine and one more.
func inParallel(n int, do func(i int)) {
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			do(i)
		}
	}
	var wg sync.WaitGroup
	wg.Go(work)
	work()
	wg.Wait()
}
