package snapshot

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Stamp is what a fold remembers, besides its cursor, about the stream it folds. It is stored
// with the cursor in the same Apply, so the stamp recovered at open always belongs to the
// cursor recovered: never a new stamp with an old cursor, nor the reverse.
//
// The zero Stamp means nothing is known (a fold written before stamps existed).
type Stamp struct {
	// Stream is the incarnation of the bucket's stream the cursor is a position in. A cursor
	// of one incarnation means nothing in another: the fold resyncs instead of resuming.
	Stream kv.Incarnation
	// Contact is when the fold last had confirmed contact with that stream (the zero time
	// when unknown). It is kept to the nanosecond, in UTC.
	Contact time.Time
}

// IsZero reports whether s records nothing.
func (s Stamp) IsZero() bool { return s.Stream.IsZero() && s.Contact.IsZero() }

// Equal reports whether s and o record the same incarnation and the same instant.
func (s Stamp) Equal(o Stamp) bool { return s.Stream == o.Stream && s.Contact.Equal(o.Contact) }

// String formats s for logs.
func (s Stamp) String() string {
	if s.Contact.IsZero() {
		return "stream " + s.Stream.String()
	}
	return "stream " + s.Stream.String() + ", contact " + s.Contact.UTC().Format(time.RFC3339Nano)
}

// MaxStampLen bounds the binary form (a version byte, the contact time, and the longest
// incarnation).
const MaxStampLen = 1 + 8 + 1 + 8 + kv.MaxIncarnationNameLen

const stampBinaryV1 = 1

// AppendBinary appends the stable binary form backends store: 0x01 | contact i64 big-endian
// (Unix nanoseconds, 0 for the zero time) | the incarnation's binary form (empty when zero).
func (s Stamp) AppendBinary(dst []byte) []byte {
	var ns int64
	if !s.Contact.IsZero() {
		ns = s.Contact.UnixNano()
	}
	dst = append(dst, stampBinaryV1)
	dst = binary.BigEndian.AppendUint64(dst, uint64(ns))
	dst, _ = s.Stream.AppendBinary(dst) // never fails
	return dst
}

// DecodeStamp reads the binary form AppendBinary writes. Anything else (another version byte,
// a negative contact time, a bad incarnation, more than MaxStampLen bytes) is ErrInvalidFormat.
func DecodeStamp(b []byte) (Stamp, error) {
	if len(b) > MaxStampLen {
		return Stamp{}, fmt.Errorf("%w: stamp of %d bytes (at most %d)", ErrInvalidFormat, len(b), MaxStampLen)
	}
	if len(b) < 9 || b[0] != stampBinaryV1 {
		return Stamp{}, fmt.Errorf("%w: stamp is not a version-%d stamp of at least 9 bytes", ErrInvalidFormat, stampBinaryV1)
	}
	var s Stamp
	switch ns := int64(binary.BigEndian.Uint64(b[1:9])); {
	case ns < 0:
		return Stamp{}, fmt.Errorf("%w: stamp contact time %d ns is before the Unix epoch", ErrInvalidFormat, ns)
	case ns > 0:
		s.Contact = time.Unix(0, ns).UTC()
	}
	inc, err := kv.DecodeIncarnation(b[9:])
	if err != nil {
		return Stamp{}, fmt.Errorf("%w: stamp: %w", ErrInvalidFormat, err)
	}
	s.Stream = inc
	return s, nil
}
