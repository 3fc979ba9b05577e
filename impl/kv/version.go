package kv

import (
	"encoding/binary"
	"fmt"
)

// MaxVersionLen is the longest version token a backend may mint (a 10-byte versionstamp).
const MaxVersionLen = 10

// Version is an opaque per-key version token minted by a backend. NATS versions are the stream
// sequence of the write, encoded as 8 bytes big-endian. The zero value is the unknown version
// (length 0): it never moves a cursor and is never sent to a server as a compare-and-swap guard.
//
// Version is comparable with ==: two versions are equal exactly when they have the same length
// and bytes (the unused tail is always zero).
type Version struct {
	n uint8
	b [MaxVersionLen]byte
}

// VersionFromUint64 returns the NATS form of a revision: 8 bytes, big-endian. Revision 0 is a
// real, parseable position (not the unknown version).
func VersionFromUint64(rev uint64) Version {
	var v Version
	v.n = 8
	binary.BigEndian.PutUint64(v.b[:8], rev)
	return v
}

// VersionFromBytes decodes a stored token. Empty input is the unknown version; input longer
// than MaxVersionLen is refused (never truncated: a truncated token would make every later
// compare-and-swap fail).
func VersionFromBytes(b []byte) (Version, error) {
	if len(b) > MaxVersionLen {
		return Version{}, fmt.Errorf("%w: version token is %d bytes, at most %d are allowed", ErrInvalidVersion, len(b), MaxVersionLen)
	}
	var v Version
	v.n = uint8(len(b))
	copy(v.b[:], b)
	return v, nil
}

// IsUnknown reports whether v is the unknown version (length 0).
func (v Version) IsUnknown() bool { return v.n == 0 }

// Uint64 returns the revision of an 8-byte token; ok is false for any other length.
func (v Version) Uint64() (rev uint64, ok bool) {
	if v.n != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v.b[:8]), true
}

// Len returns the token's length in bytes (0 for the unknown version).
func (v Version) Len() int { return int(v.n) }

// Bytes returns a copy of the token's bytes (empty for the unknown version).
func (v Version) Bytes() []byte { return append([]byte(nil), v.b[:v.n]...) }

// AppendBytes appends the token's bytes to dst, without allocating when dst has room.
func (v Version) AppendBytes(dst []byte) []byte { return append(dst, v.b[:v.n]...) }

// String formats the token for logs: "rev 42", "unknown", or hex for other lengths.
func (v Version) String() string {
	if rev, ok := v.Uint64(); ok {
		return fmt.Sprintf("rev %d", rev)
	}
	if v.n == 0 {
		return "unknown"
	}
	return fmt.Sprintf("0x%x", v.b[:v.n])
}

// Cursor is an opaque resume position in a watch stream: the version of the last update applied.
// A resume delivers only updates after the cursor. The zero Cursor means "no position": a watch
// from it is a state-sync watch (every current value, then live updates).
type Cursor struct{ v Version }

// CursorFromVersion wraps a version as a cursor. The unknown version gives the zero Cursor.
func CursorFromVersion(v Version) Cursor { return Cursor{v: v} }

// CursorFromUint64 returns the cursor positioned at a NATS revision.
func CursorFromUint64(rev uint64) Cursor { return Cursor{v: VersionFromUint64(rev)} }

// IsZero reports whether c holds no position.
func (c Cursor) IsZero() bool { return c.v.IsUnknown() }

// Version returns the version the cursor wraps.
func (c Cursor) Version() Version { return c.v }

// Uint64 returns the cursor's revision when it has the 8-byte NATS form.
func (c Cursor) Uint64() (rev uint64, ok bool) { return c.v.Uint64() }

// String formats the cursor for logs.
func (c Cursor) String() string {
	if c.IsZero() {
		return "cursor(none)"
	}
	return "cursor(" + c.v.String() + ")"
}
