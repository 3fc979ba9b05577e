package protocol

import (
	"encoding/binary"
	"math"
	"testing"

	"pgregory.net/rapid"
)

func TestCursorRankPins(t *testing.T) {
	cases := []struct {
		token []byte
		want  uint64
	}{
		{nil, 0},
		{[]byte{}, 0},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 42}, 42},
		{[]byte{0, 0, 0, 0, 0, 0, 1, 0}, 256}, // big-endian
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, math.MaxUint64},
		{[]byte{0, 0, 0, 0, 0, 0, 0}, 0},           // 7 bytes: no u64 form
		{[]byte{0, 0, 0, 0, 0, 0, 0, 42, 0}, 0},    // 9 bytes
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0}, // a foreign 10-byte token
	}
	for _, c := range cases {
		if got := CursorRank(c.token); got != c.want {
			t.Errorf("CursorRank(%x) = %d, want %d", c.token, got, c.want)
		}
	}
}

func TestCursorRankRoundTripsRevisions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rev := rapid.Uint64().Draw(t, "revision")
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], rev)
		if got := CursorRank(b[:]); got != rev {
			t.Fatalf("CursorRank(BE(%d)) = %d", rev, got)
		}
		other := rapid.SliceOfN(rapid.Byte(), 0, 12).Filter(func(b []byte) bool { return len(b) != 8 }).Draw(t, "other token")
		if CursorRank(other) != 0 {
			t.Fatalf("a %d-byte token must rank 0", len(other))
		}
		// A real revision is never refused over a revisionless pointer.
		if !PointerPublishAllowed(PointerAt(CursorRank(other)), rev) {
			t.Fatalf("revision %d refused over a rank-0 pointer", rev)
		}
	})
}
