package appendlog

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"unicode/utf8"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// outcome classifies one attempt to parse a record at the start of the remaining bytes.
type outcome uint8

const (
	recOK        outcome = iota
	recTruncated         // the record runs past the end of the data (or trailing zero slack)
	recBadCRC            // the checksum fails, or a length is too large to be real
	recInvalid           // the bytes cannot be a record of this format
)

// record is one parsed record. Its slices alias the input, their capacity ending with them. size is the bytes it spans (for a
// bad CRC: the bytes it claims, which decide whether it can be a torn tail).
type record struct {
	kind       byte
	key, value []byte
	ver        []byte
	size       int
	msg        string
	stamp      snapshot.Stamp // a STAMP record's stamp
	crc        uint32         // the record's checksum, once it checked
}

// parseRecord parses the record at the start of r. The order of checks is part of the format:
// lengths are read before the CRC is checked, and a value length over MaxValueLen counts as a
// bad CRC, so a flipped length bit mid-file is damage rather than an apparent end of file.
func parseRecord(r []byte) (record, outcome) {
	if len(r) < crcLen+1 {
		return record{}, recTruncated
	}
	rec := record{kind: r[4]}
	switch rec.kind {
	case recPut:
		if len(r) < 7 {
			return rec, recTruncated
		}
		kl := int(binary.LittleEndian.Uint16(r[5:]))
		vo := 7 + kl + 4 // value offset
		if len(r) < vo {
			return rec, recTruncated
		}
		vl := int(binary.LittleEndian.Uint32(r[7+kl:]))
		if vl > MaxValueLen {
			rec.size = min(len(r), vo)
			return rec, recBadCRC
		}
		if len(r) < vo+vl+1 {
			return rec, recTruncated
		}
		// Capacities end with the slices: an append to a value shared with a caller must
		// not write over the next record, whose key a fold's string may alias.
		rec.key, rec.value = r[7:7+kl:7+kl], r[vo:vo+vl:vo+vl]
		return finish(r, rec, vo+vl)
	case recDelete:
		if len(r) < 7 {
			return rec, recTruncated
		}
		kl := int(binary.LittleEndian.Uint16(r[5:]))
		if len(r) < 7+kl+1 {
			return rec, recTruncated
		}
		rec.key = r[7 : 7+kl]
		return finish(r, rec, 7+kl)
	case recCursor:
		if len(r) < 6 {
			return rec, recTruncated
		}
		return finish(r, rec, 5)
	case recStamp:
		return parseStamp(r, rec)
	}
	if rec.kind == 0 && binary.LittleEndian.Uint32(r) == 0 {
		for _, b := range r {
			if b != 0 {
				rec.msg = "mid-file zero hole before a non-zero suffix"
				return rec, recInvalid
			}
		}
		return rec, recTruncated // zero slack at the end of the file
	}
	rec.msg = fmt.Sprintf("unknown record type 0x%02x", rec.kind)
	return rec, recInvalid
}

// finish reads the version (or cursor) length byte at r[vl] and its token, then checks the CRC
// and the key's encoding.
func finish(r []byte, rec record, vl int) (record, outcome) {
	n := int(r[vl])
	if n > kv.MaxVersionLen {
		rec.msg = fmt.Sprintf("version token of %d bytes (at most %d)", n, kv.MaxVersionLen)
		return rec, recInvalid
	}
	total := vl + 1 + n
	if len(r) < total {
		return rec, recTruncated
	}
	rec.ver, rec.size = r[vl+1:total], total
	if rec.crc = binary.LittleEndian.Uint32(r); rec.crc != crc32.ChecksumIEEE(r[crcLen:total]) {
		return rec, recBadCRC
	}
	if !utf8.Valid(rec.key) {
		rec.msg = "key is not valid UTF-8"
		return rec, recInvalid
	}
	return rec, recOK
}

// replayed is the state a log describes.
type replayed struct {
	entries fold // values alias the input
	index   index
	cursor  kv.Cursor
	stamp   snapshot.Stamp // the stamp in force at the last CURSOR record
	// compact: the file is exactly what a compaction would write (no overwritten key, no
	// delete, at most one cursor record and one stamp, no dropped tail), so load need not
	// rewrite it.
	compact bool
}

// replay folds a whole log. It returns snapshot.ErrInvalidFormat for a bad header or a record
// that cannot be parsed, and snapshot.ErrCorrupted for a checksum failure followed by at least
// a minimal record's worth of bytes; a damaged or partial last record is a torn tail, dropped.
func replay(data []byte) (replayed, error) { return replayParallel(data, loadParallelMin) }

// replayParallel is replay, the PUT records that open a log of minParallel bytes or more (all
// of a compacted log but its checkpoint) being parsed on two goroutines; the records after
// them are folded one by one.
func replayParallel(data []byte, minParallel int) (replayed, error) {
	if err := checkHeader(data); err != nil {
		return replayed{}, err
	}
	out, from := putPrefix(data, minParallel)
	return replayRest(data, out, from)
}

// replayRest folds the records of data from offset from, a record boundary, into out, the fold
// of the records before it (none when out's fold is nil, from then being HeaderLen), and
// decides as replay does.
func replayRest(data []byte, out replayed, from int) (replayed, error) {
	puts := countPuts(data, from)
	if out.entries == nil {
		out.entries, out.index = make(fold, 0, puts), newIndex(puts)
	}
	redundant, clean := false, true
	var pending *snapshot.Stamp // a STAMP read since the last CURSOR
	for pos := from; pos < len(data); {
		rec, oc := parseRecord(data[pos:])
		switch oc {
		case recTruncated:
			clean = false
		case recBadCRC:
			if end := pos + rec.size; len(data)-end < cursorLen(kv.Cursor{}) {
				clean = false // nothing a record could follow: a torn final write
				break
			}
			return replayed{}, fmt.Errorf("%w: record at offset %d fails its checksum and records follow it", snapshot.ErrCorrupted, pos)
		case recInvalid:
			return replayed{}, fmt.Errorf("%w: %s at offset %d", snapshot.ErrInvalidFormat, rec.msg, pos)
		case recOK:
			ver, _ := kv.VersionFromBytes(rec.ver) // length checked by parseRecord
			switch rec.kind {
			case recPut:
				r := data[pos : pos+rec.size : pos+rec.size]
				if _, had := out.index.put(&out.entries, aliasString(rec.key), r); had {
					redundant = true // it overwrote a live key
				}
			case recDelete:
				out.index.del(&out.entries, string(rec.key))
				redundant = true
			case recCursor:
				if !out.cursor.IsZero() {
					redundant = true
				}
				out.cursor = kv.CursorFromVersion(ver)
				if pending != nil {
					if !out.stamp.IsZero() {
						redundant = true
					}
					out.stamp, pending = *pending, nil
				}
			case recStamp:
				st := rec.stamp
				pending = &st
			}
			pos += rec.size
			continue
		}
		break
	}
	if pending != nil {
		clean = false // a stamp whose cursor never made it: dropped, and rewritten away
	}
	out.compact = clean && !redundant
	return out, nil
}

// checkHeader returns snapshot.ErrInvalidFormat unless data starts with a version-2 header.
func checkHeader(data []byte) error {
	if len(data) < HeaderLen {
		return fmt.Errorf("%w: file too short (%d bytes, a header is %d)", snapshot.ErrInvalidFormat, len(data), HeaderLen)
	}
	if string(data[:4]) != string(header[:4]) {
		return fmt.Errorf("%w: bad magic %q (want %q)", snapshot.ErrInvalidFormat, data[:4], header[:4])
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != FormatVersion {
		return fmt.Errorf("%w: unsupported version %d (this build reads version %d)", snapshot.ErrInvalidFormat, v, FormatVersion)
	}
	return nil
}
