package appendlog

import (
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// Checking short records' checksums one by one costs more than anything else in reading back
// a log of them: hash/crc32 uses the processor's carry-less multiply only on 64 bytes or more,
// so a 40-byte record is checksummed through byte tables (pprof of an export of 1M such
// records: 34 ms of its 120 ms of CPU). A crcRun checks a run of records in one pass instead.
//
// Write L(m) for CRC-32/IEEE of m without its initial and final inversion, and Z(n) for the
// CRC-32 of n zero bytes. L is linear, a record's stored checksum c of its bytes m is
// L(m) ^ Z(len(m)), and L(m || le32(L(m))) = 0 for every m. So the run
//
//	m1 || le32(c1 ^ Z(len(m1))) || m2 || le32(c2 ^ Z(len(m2))) || ...
//
// has L = 0 when every record passes its checksum. A single record that fails leaves a non-zero
// remainder, which the records after it multiply by a power of x, an invertible step modulo
// the CRC polynomial, so nothing after it can clear it: a run catches exactly the single bad
// records their own checksums catch. Damage to two records or more escapes only when their
// remainders cancel, which for random damage happens once in 2^32, the odds at which one
// CRC-32 passes a damaged record. When a run fails, its records are checked one by one.
const (
	// crcRunShort: a record whose checksummed bytes are this long or longer is checked on its
	// own, where hash/crc32 is fast already.
	crcRunShort = 256
	// crcRunBytes is about how many bytes of records one run checks: a run's copy stays in the
	// processor's first-level cache.
	crcRunBytes = 16 << 10
)

// zerosCRC[n] is Z(n), the CRC-32/IEEE of n zero bytes.
var zerosCRC = func() (z [crcRunShort]uint32) {
	var zeros [crcRunShort]byte
	for n := range z {
		z[n] = crc32.ChecksumIEEE(zeros[:n])
	}
	return z
}()

// crcRun collects records whose checksums are checked together (see above).
type crcRun struct {
	buf []byte // the short records' bytes, each followed by le32(c ^ Z(len))
	bad bool   // a long record failed its checksum
}

var crcRuns = sync.Pool{New: func() any { return &crcRun{buf: make([]byte, 0, crcRunBytes+crcRunBytes/2)} }}

func (r *crcRun) reset() { r.buf, r.bad = r.buf[:0], false }

// add adds rec, a record: its stored checksum, then the bytes the checksum covers.
func (r *crcRun) add(rec []byte) {
	stored := binary.LittleEndian.Uint32(rec)
	m := rec[crcLen:]
	if len(m) >= crcRunShort {
		r.bad = r.bad || crc32.ChecksumIEEE(m) != stored
		return
	}
	r.buf = append(r.buf, m...)
	r.buf = binary.LittleEndian.AppendUint32(r.buf, stored^zerosCRC[len(m)])
}

// holds reports whether every record added since the last reset passes its checksum, with the
// odds given above.
func (r *crcRun) holds() bool {
	return !r.bad && crc32.Update(^uint32(0), crc32.IEEETable, r.buf) == ^uint32(0)
}
