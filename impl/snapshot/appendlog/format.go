package appendlog

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"unicode/utf8"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// The file format, version 2 (little-endian lengths):
//
//	header:  'P' 'G' 'S' 'S' | version u16 = 2
//	record:  crc32 u32 | type u8 | payload
//	  PUT    0x01: key_len u16 | key | value_len u32 | value | ver_len u8 | ver
//	  DELETE 0x02: key_len u16 | key | ver_len u8 | ver       (a purge is written as a delete)
//	  CURSOR 0x03: cur_len u8 | cursor token                  (cur_len 0 means "no cursor")
//	  STAMP  0x04: stamp_len u16 | snapshot.Stamp binary form
//
// The CRC is CRC-32/IEEE over the type byte and the payload (the CRC field itself excluded).
//
// A STAMP record belongs to the CURSOR record that follows it: an Apply that changes the stamp
// writes its data records, then the STAMP, then the CURSOR, in one write. Replay takes a stamp
// only when its CURSOR is read, so a torn tail never yields a new stamp with an old cursor (a
// STAMP without its CURSOR is dropped and the file rewritten) nor the reverse (the CURSOR comes
// last). A compaction writes the stamp, when there is one, just before the cursor record (the
// zero cursor is then written with cur_len 0, so that the stamp has a cursor to belong to).
//
// A file with no STAMP record is byte for byte a format-2 file of the Rust crate, which reads
// it. The crate's reader refuses a file holding a STAMP record (an unknown record type is an
// invalid-format error there) rather than misreading it; such a file is still format 2 here,
// since a reader of this package that predates STAMP refuses it the same way.
const (
	// FormatVersion is the only format version this package reads and writes.
	FormatVersion = 2
	// HeaderLen is the size of the file header.
	HeaderLen = 6
	// MaxKeyLen is the longest key a record can hold (its length is a u16).
	MaxKeyLen = 1<<16 - 1
	// MaxValueLen is the largest value a reader accepts. A record announcing more is treated as
	// damage, so a writer refuses such a value rather than write a file it could not read.
	MaxValueLen = 16 << 20

	recPut    = 0x01
	recDelete = 0x02
	recCursor = 0x03
	recStamp  = 0x04

	crcLen = 4
)

// header is the 6-byte file header.
var header = [HeaderLen]byte{'P', 'G', 'S', 'S', FormatVersion, 0}

// putLen, deleteLen and cursorLen are the encoded sizes of each record kind.
func putLen(key string, value []byte, ver kv.Version) int {
	return 12 + len(key) + len(value) + ver.Len()
}

func deleteLen(key string, ver kv.Version) int { return 8 + len(key) + ver.Len() }

func cursorLen(c kv.Cursor) int { return 6 + c.Version().Len() }

// ValidateUpdate reports whether u can be written and read back: a known operation, a UTF-8
// key of at most MaxKeyLen bytes and, for a put, a value of at most MaxValueLen bytes. The
// error wraps snapshot.ErrInvalidFormat.
func ValidateUpdate(u kv.Update) error {
	switch u.Op {
	case kv.OpPut, kv.OpDelete, kv.OpPurge:
	default:
		return fmt.Errorf("%w: update for key %q has unknown operation %v", snapshot.ErrInvalidFormat, u.Key, u.Op)
	}
	if len(u.Key) > MaxKeyLen {
		return fmt.Errorf("%w: key of %d bytes is longer than the %d a record holds", snapshot.ErrInvalidFormat, len(u.Key), MaxKeyLen)
	}
	if !utf8.ValidString(u.Key) {
		return fmt.Errorf("%w: key %q is not valid UTF-8", snapshot.ErrInvalidFormat, u.Key)
	}
	if u.Op == kv.OpPut && len(u.Value) > MaxValueLen {
		return fmt.Errorf("%w: value of key %q is %d bytes, more than the %d bytes the log can read back",
			snapshot.ErrInvalidFormat, u.Key, len(u.Value), MaxValueLen)
	}
	return nil
}

// appendUpdate appends u's record (PUT, or DELETE for a delete or purge) to dst. u must have
// passed ValidateUpdate.
func appendUpdate(dst []byte, u kv.Update) []byte {
	if u.Op == kv.OpPut {
		return appendPut(dst, u.Key, u.Value, u.Version)
	}
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, recDelete)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(u.Key)))
	dst = append(dst, u.Key...)
	dst = append(dst, byte(u.Version.Len()))
	dst = u.Version.AppendBytes(dst)
	return sealRecord(dst, start)
}

func appendPut(dst []byte, key string, value []byte, ver kv.Version) []byte {
	start := len(dst)
	return sealRecord(appendPutBody(dst, key, value, ver), start)
}

// appendPutBody appends a PUT record with a zero checksum field.
func appendPutBody(dst []byte, key string, value []byte, ver kv.Version) []byte {
	dst = append(dst, 0, 0, 0, 0, recPut)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(key)))
	dst = append(dst, key...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(value)))
	dst = append(dst, value...)
	dst = append(dst, byte(ver.Len()))
	return ver.AppendBytes(dst)
}

// appendCursor appends a CURSOR record; the zero cursor is written with length 0.
func appendCursor(dst []byte, c kv.Cursor) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, recCursor, byte(c.Version().Len()))
	dst = c.Version().AppendBytes(dst)
	return sealRecord(dst, start)
}

// sealRecord fills in the CRC of the record that starts at dst[start].
func sealRecord(dst []byte, start int) []byte {
	binary.LittleEndian.PutUint32(dst[start:], crc32.ChecksumIEEE(dst[start+crcLen:]))
	return dst
}

// isHeaderPrefix reports whether b (shorter than a header) is how a header's write begins: the
// trace of a crash while the file was being created.
func isHeaderPrefix(b []byte) bool {
	return len(b) < HeaderLen && string(b) == string(header[:len(b)])
}
