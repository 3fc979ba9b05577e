package pebble

import (
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// A stored value is ver_len u8 | version bytes | value bytes. The version is kept byte for byte
// (never flattened to a number) so that tokens of any length up to kv.MaxVersionLen round-trip.
// An empty value is a present entry whose value is empty.

// appendRecord appends the encoding of (version, value) to dst and returns the extended slice.
// Callers reuse one scratch buffer by passing buf[:0], so no bytes of an earlier value survive.
func appendRecord(dst []byte, version kv.Version, value []byte) []byte {
	dst = append(dst, byte(version.Len()))
	dst = version.AppendBytes(dst)
	return append(dst, value...)
}

// decodeRecord splits a stored record into its version and value. The value aliases rec. A
// record that is empty, shorter than its version length says, or whose version length exceeds
// kv.MaxVersionLen is snapshot.ErrInvalidFormat.
func decodeRecord(rec []byte) (kv.Version, []byte, error) {
	if len(rec) == 0 {
		return kv.Version{}, nil, fmt.Errorf("%w: empty value record (no version length byte)", snapshot.ErrInvalidFormat)
	}
	n := int(rec[0])
	if n > kv.MaxVersionLen {
		return kv.Version{}, nil, fmt.Errorf("%w: value record names a %d-byte version (at most %d)", snapshot.ErrInvalidFormat, n, kv.MaxVersionLen)
	}
	if len(rec) < 1+n {
		return kv.Version{}, nil, fmt.Errorf("%w: value record of %d bytes is shorter than its %d-byte version", snapshot.ErrInvalidFormat, len(rec), n)
	}
	v, err := kv.VersionFromBytes(rec[1 : 1+n])
	if err != nil {
		return kv.Version{}, nil, fmt.Errorf("%w: %w", snapshot.ErrInvalidFormat, err)
	}
	return v, rec[1+n:], nil
}
