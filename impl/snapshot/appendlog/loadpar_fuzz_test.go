package appendlog

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// FuzzParsePut: parsePut accepts exactly the records parseRecord finds whole valid PUTs, with
// the same fields.
func FuzzParsePut(f *testing.F) {
	f.Add(appendPut(nil, "k", []byte("value"), rev(7)))
	f.Add(appendCursor(nil, kv.CursorFromUint64(3)))
	f.Add(appendPut(nil, "\xff", nil, kv.Version{}))
	f.Fuzz(func(t *testing.T, r []byte) {
		key, value, ver, size, ok := parsePut(r)
		rec, oc := parseRecord(r)
		if ok != (oc == recOK && rec.kind == recPut) {
			t.Fatalf("parsePut %v, parseRecord %v (kind %#x)", ok, oc, rec.kind)
		}
		if ok && (!bytes.Equal(key, rec.key) || !bytes.Equal(value, rec.value) || !bytes.Equal(ver, rec.ver) || size != rec.size) {
			t.Fatal("parsePut and parseRecord parse the record differently")
		}
	})
}

// FuzzReplayParallelPrefix: a large log (cut into stretches parsed in parallel) overwritten
// with the fuzzer's bytes at the fuzzer's offset, then possibly cut, replays exactly as the
// one-by-one fold does.
func FuzzReplayParallelPrefix(f *testing.F) {
	logs := [][]byte{bigLog(f, true), bigLog(f, false)}
	f.Add(false, uint32(0), []byte{0}, uint32(0))
	f.Add(true, uint32(300_000), []byte{0, 0, 0, 0}, uint32(400_000))
	for _, c := range findStarts(logs[0], loadPieces)[1:] {
		f.Add(false, uint32(c-2), []byte{1}, uint32(0))
	}
	f.Fuzz(func(t *testing.T, appended bool, off uint32, patch []byte, cut uint32) {
		data := bytes.Clone(logs[0])
		if appended {
			data = bytes.Clone(logs[1])
		}
		at := int(off) % len(data)
		copy(data[at:], patch)
		if cut > 0 {
			data = data[:int(cut)%len(data)]
		}
		requireSameReplay(t, fmt.Sprintf("%d bytes at %d, cut to %d", len(patch), at, len(data)), data)
	})
}
