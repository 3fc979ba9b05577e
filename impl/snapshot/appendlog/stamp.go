package appendlog

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// The STAMP record (format.go describes where it goes and when it takes effect).

// appendStamp appends a STAMP record.
func appendStamp(dst []byte, st snapshot.Stamp) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, recStamp, 0, 0)
	dst = st.AppendBinary(dst)
	binary.LittleEndian.PutUint16(dst[start+5:], uint16(len(dst)-start-7))
	return sealRecord(dst, start)
}

// appendCheckpoint appends what ends a compacted log: the STAMP record when st is not zero,
// then the CURSOR record when either is not zero.
func appendCheckpoint(dst []byte, c kv.Cursor, st snapshot.Stamp) []byte {
	if !st.IsZero() {
		dst = appendStamp(dst, st)
	}
	if !c.IsZero() || !st.IsZero() {
		dst = appendCursor(dst, c)
	}
	return dst
}

// parseStamp parses a STAMP record: its length, its CRC, then the stamp itself. A length over
// snapshot.MaxStampLen counts as a bad CRC, as an over-long value does.
func parseStamp(r []byte, rec record) (record, outcome) {
	if len(r) < 7 {
		return rec, recTruncated
	}
	n := int(binary.LittleEndian.Uint16(r[5:]))
	if n > snapshot.MaxStampLen {
		rec.size = 7
		return rec, recBadCRC
	}
	total := 7 + n
	if len(r) < total {
		return rec, recTruncated
	}
	rec.value, rec.size = r[7:total], total
	if binary.LittleEndian.Uint32(r) != crc32.ChecksumIEEE(r[crcLen:total]) {
		return rec, recBadCRC
	}
	st, err := snapshot.DecodeStamp(rec.value)
	if err != nil {
		rec.msg = err.Error()
		return rec, recInvalid
	}
	rec.stamp = st
	return rec, recOK
}

// WriteStamp buffers a STAMP record. The stamp takes effect at the next Checkpoint: until its
// CURSOR record is written, a crash or a failed write loses it, and Load drops it.
func (w *Writer) WriteStamp(st snapshot.Stamp) error {
	if err := w.usable(); err != nil {
		return err
	}
	w.buf = appendStamp(w.buf, st)
	return nil
}
