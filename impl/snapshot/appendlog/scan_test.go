package appendlog

import (
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// requireSoundPutAgrees fails unless soundPut accepts r exactly when parseRecord parses a whole
// PUT record at its start, and then reports that record's size.
func requireSoundPutAgrees(t *testing.T, r []byte) {
	t.Helper()
	rec, oc := parseRecord(r)
	want := 0
	if oc == recOK && rec.kind == recPut {
		want = rec.size
	}
	if got := soundPut(r); got != want {
		t.Fatalf("soundPut(%x) = %d, parseRecord: outcome %d kind %d size %d", r, got, oc, rec.kind, rec.size)
	}
}

// TestSoundPutAgreesWithParseRecord: a sound PUT is accepted with its size; every cut of it,
// every flipped bit, a non-UTF-8 key, an oversized version or value length, and other record
// kinds are left to parseRecord.
func TestSoundPutAgreesWithParseRecord(t *testing.T) {
	put := appendPut(nil, "key-1", []byte("value-1"), kv.VersionFromUint64(7))
	if n := soundPut(append(put, 0xAA)); n != len(put) {
		t.Fatalf("a sound PUT followed by more bytes: soundPut = %d, want %d", n, len(put))
	}
	for i := range len(put) {
		requireSoundPutAgrees(t, put[:i])
		for bit := range 8 {
			bad := append([]byte(nil), put...)
			bad[i] ^= 1 << bit
			requireSoundPutAgrees(t, bad)
		}
	}
	requireSoundPutAgrees(t, appendPut(nil, "k\xff", []byte("v"), kv.VersionFromUint64(1)))
	requireSoundPutAgrees(t, appendPut(nil, "", nil, kv.Version{}))
	requireSoundPutAgrees(t, appendUpdate(nil, kv.Update{Op: kv.OpDelete, Key: "k", Version: kv.VersionFromUint64(2)}))
	requireSoundPutAgrees(t, appendCursor(nil, kv.CursorFromUint64(3)))
	long := append([]byte(nil), put...)
	long[len(put)-kv.VersionFromUint64(7).Len()-1] = kv.MaxVersionLen + 1
	requireSoundPutAgrees(t, sealRecord(long, 0))
}

// FuzzSoundPut: for any bytes, soundPut agrees with parseRecord.
func FuzzSoundPut(f *testing.F) {
	f.Add([]byte{})
	f.Add(appendPut(nil, "key-1", []byte("value-1"), kv.VersionFromUint64(7)))
	f.Add(appendPut(nil, "k\xff", []byte("v"), kv.VersionFromUint64(1)))
	f.Add(appendCursor(nil, kv.CursorFromUint64(3)))
	f.Fuzz(func(t *testing.T, r []byte) { requireSoundPutAgrees(t, r) })
}
