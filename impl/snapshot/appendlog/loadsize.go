package appendlog

import (
	"encoding/binary"
	"unsafe"
)

// Sizing the fold of a parallel load: each stretch's part is guessed from its first records,
// and the parts are made dense once parsed.

// estimate guesses how many PUT records the stretch holds from the size of its first ones
// (trusting their lengths), with an eighth more for records smaller than those. A guess
// rather than a count: walking every record's lengths first cost a cache miss per record (40
// ms of a 1M-record load with 512-byte values, which took about 300; timed runs of putPrefix
// alone), where a wrong guess costs only moving a few entries (see gather). But when the
// guessed entries would take more memory than the stretch's bytes (records of about 60 bytes
// or less), it counts them: small first records followed by large ones would otherwise make
// the fold many times the size of the log.
func (r *putRun) estimate(data []byte) int {
	pos, k := r.from, 0
	for ; ; k++ {
		n, ok := nextPut(data[pos:r.to])
		if !ok {
			return k // all of the stretch's records, or all until the first that is not a PUT
		}
		pos += n
		if k == 63 {
			guess := (r.to-r.from)/((pos-r.from)/(k+1))*9/8 + 16
			if guess*int(unsafe.Sizeof(fentry{})) <= r.to-r.from {
				return guess
			}
		}
	}
}

// nextPut returns the length of the PUT record starting b, trusting its lengths; ok is false
// when b does not start with a PUT whose lengths fit in b.
func nextPut(b []byte) (n int, ok bool) {
	if len(b) < 7 || b[4] != recPut {
		return 0, false
	}
	kl := int(binary.LittleEndian.Uint16(b[5:]))
	vo := 7 + kl + 4
	if len(b) < vo+1 {
		return 0, false
	}
	vl := int(binary.LittleEndian.Uint32(b[7+kl:]))
	if vl > MaxValueLen || len(b) < vo+vl+1 {
		return 0, false
	}
	n = vo + vl + 1 + int(b[vo+vl])
	return n, n <= len(b)
}

// gather returns the fold of the runs' entries, dense: f holds each run's part in order (the
// parts of later runs may follow), runs being those of the prefix. The first n places of f
// become the fold: entries of the runs that lie beyond them, and those parsed once a part was
// full, move into the places before n that hold none of the prefix's entries (a part's unused
// end, or a later run's part); then everything after n is cleared, so that no entry outside
// the fold pins its value.
func gather(f fold, runs []putRun) fold {
	n := 0
	for _, r := range runs {
		n += r.filled + len(r.extra)
	}
	if n > len(f) {
		f = append(f, make(fold, n-len(f))...)
	}
	var movers fold
	var holes []int
	for _, r := range runs {
		for p := r.off + r.filled; p < min(r.off+r.est, n); p++ {
			holes = append(holes, p)
		}
		if r.off+r.filled > n {
			movers = append(movers, f[max(r.off, n):r.off+r.filled]...)
		}
		movers = append(movers, r.extra...)
	}
	end := runs[len(runs)-1]
	for p := end.off + end.est; p < n; p++ {
		holes = append(holes, p) // the parts of runs after the prefix
	}
	for i, p := range holes {
		f[p] = movers[i]
	}
	clear(f[n:])
	return f[:n]
}
