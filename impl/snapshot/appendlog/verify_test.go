package appendlog

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// requireSameScan fails unless scanAndHash, splitting data from minParallel bytes on, returns
// what scanCompact returns (the same state, or the same error) and data's digest.
func requireSameScan(t *testing.T, data []byte, minParallel int) {
	t.Helper()
	want, werr := scanCompact(data)
	got, digest, gerr := scanAndHash(data, true, minParallel)
	if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
		t.Fatalf("scanAndHash: error %v, scanCompact: %v", gerr, werr)
	}
	if werr == nil && (got.puts != want.puts || got.cursor != want.cursor || !got.stamp.Equal(want.stamp)) {
		t.Fatalf("scanAndHash: %+v, scanCompact: %+v", got, want)
	}
	if digest == nil || *digest != artifact.DigestOf(data) {
		t.Fatalf("scanAndHash digest %v, want %v", digest, artifact.DigestOf(data))
	}
}

// bigCompacted returns a compacted, stamped log of n entries.
func bigCompacted(n int) []byte {
	entries := make(map[string]kv.Entry, n)
	for i := range n {
		k := fmt.Sprintf("key-%06d", i)
		entries[k] = kv.Entry{Key: k, Value: bytes.Repeat([]byte{byte(i)}, i%50), Version: kv.VersionFromUint64(uint64(i + 1))}
	}
	return EncodeCompactedStamped(entries, kv.CursorFromUint64(uint64(n)), testStamp(1))
}

// TestScanSplitAgreesWithScanCompact: the split check finds the same state in a sound log, and
// for damage anywhere (a flipped bit in every piece, a cut, an appended record, a delete) the
// same verdict and error as the sequential check, while hashing the bytes it read.
func TestScanSplitAgreesWithScanCompact(t *testing.T) {
	data := bigCompacted(20_000)
	if len(data) < parallelMin {
		t.Fatalf("the log is %d bytes, too small to be split (%d)", len(data), parallelMin)
	}
	sc, _, err := scanAndHash(data, true, parallelMin)
	if err != nil || sc.puts != 20_000 || sc.cursor != kv.CursorFromUint64(20_000) || !sc.stamp.Equal(testStamp(1)) {
		t.Fatalf("sound log: %+v, %v", sc, err)
	}
	requireSameScan(t, data, parallelMin)
	for i := 1; i < 16; i++ {
		bad := bytes.Clone(data)
		bad[len(bad)*i/16] ^= 0x10
		requireSameScan(t, bad, parallelMin)
	}
	requireSameScan(t, data[:len(data)-3], parallelMin)
	requireSameScan(t, data[:len(data)/2], parallelMin)
	requireSameScan(t, appendPut(bytes.Clone(data), "late", []byte("x"), kv.VersionFromUint64(1)), parallelMin)
	withDelete := appendUpdate(bytes.Clone(data[:len(data)/2]), kv.Update{Op: kv.OpDelete, Key: "gone", Version: kv.VersionFromUint64(2)})
	requireSameScan(t, append(withDelete, data[len(data)/2:]...), 0)
	_, _, err = scanAndHash(append(bytes.Clone(data[:len(data)/3]), data[len(data)/3+1:]...), false, parallelMin)
	if !errors.Is(err, snapshot.ErrCorrupted) && !errors.Is(err, snapshot.ErrInvalidFormat) {
		t.Fatalf("a log missing a byte: %v, want ErrCorrupted or ErrInvalidFormat", err)
	}
}

// FuzzScanSplit: for any bytes, the split check (splitting however small the input) agrees
// with scanCompact and hashes the input.
func FuzzScanSplit(f *testing.F) {
	f.Add([]byte{})
	f.Add(header[:])
	f.Add(bigCompacted(40))
	f.Add(EncodeCompactedStamped(nil, kv.Cursor{}, testStamp(1)))
	f.Add(unhex(f, goldenHeader+goldenPutAX1+goldenCursor1+goldenDeleteA2+goldenEmptyCursor))
	f.Fuzz(func(t *testing.T, data []byte) { requireSameScan(t, data, 0) })
}
