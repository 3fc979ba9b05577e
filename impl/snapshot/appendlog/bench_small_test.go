package appendlog

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// The original crate's four small append-log benchmarks, same sizes, for regression tracking
// (they have no goal of their own).

// BenchmarkAppend100Records: a fresh file, 100 PUTs of 512 bytes, one checkpoint.
func BenchmarkAppend100Records(b *testing.B) {
	path := logPath(b)
	value := bytes.Repeat([]byte{0x42}, 512)
	for range b.N {
		_ = os.Remove(path)
		w, err := OpenWriter(path, Options{CompactThreshold: NeverCompact})
		if err != nil {
			b.Fatal(err)
		}
		for i := range 100 {
			if err := w.WriteUpdate(kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("node.region-%d", i), Value: value, Version: rev(uint64(i + 1))}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Checkpoint(kv.CursorFromUint64(100)); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// rounds writes `rounds` passes over `keys` keys (values of valueLen bytes), a cursor per pass.
func rounds(b *testing.B, keys, rounds, valueLen int) []byte {
	var bs []batch
	rev := uint64(0)
	for range rounds {
		var us []kv.Update
		for k := range keys {
			rev++
			us = append(us, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("node.region-%d", k), Value: bytes.Repeat([]byte{byte(rev)}, valueLen), Version: kv.VersionFromUint64(rev)})
		}
		bs = append(bs, batch{us, kv.CursorFromUint64(rev), nil})
	}
	return writeBatches(b, logPath(b), bs...)
}

func benchLoadFile(b *testing.B, data []byte, restoreTimed bool) {
	path := logPath(b)
	b.ResetTimer()
	for range b.N {
		if !restoreTimed {
			b.StopTimer()
		}
		writeFile(b, path, data)
		b.StartTimer()
		if _, err := Load(path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad500Entries: 500 keys written 3 times (512 bytes), so load compacts.
func BenchmarkLoad500Entries(b *testing.B) { benchLoadFile(b, rounds(b, 500, 3, 512), false) }

// BenchmarkLoad500EntriesCompacted: 500 keys written once: the no-rewrite path.
func BenchmarkLoad500EntriesCompacted(b *testing.B) { benchLoadFile(b, rounds(b, 500, 1, 512), false) }

// BenchmarkCompact5000To500: 10 passes over 500 keys (short values); the restore is timed too.
func BenchmarkCompact5000To500(b *testing.B) { benchLoadFile(b, rounds(b, 500, 10, 8), true) }
