package appendlog

import (
	"bytes"
	"fmt"
	"testing"
	"unsafe"

	"pgregory.net/rapid"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// bigLog returns a log of more than parallelMin bytes (the least putPrefix cuts): a compacted log (4000 PUTs, a stamp, a
// cursor) when compacted, else the same puts in batches of 500 with a cursor after each, an
// overwrite and a delete in the third.
func bigLog(t testing.TB, compacted bool) []byte {
	value := bytes.Repeat([]byte("v"), 80)
	var ups []kv.Update
	for i := range 4000 {
		ups = append(ups, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k.%05d", i), Value: value, Version: rev(uint64(i + 1))})
	}
	if compacted {
		st := testStamp(1)
		data := writeBatches(t, logPath(t), batch{ups, kv.CursorFromUint64(4000), &st})
		if len(data) < parallelMin {
			t.Fatalf("the log is %d bytes, too small to be cut", len(data))
		}
		return data
	}
	var bs []batch
	for i := 0; i < len(ups); i += 500 {
		b := batch{updates: ups[i : i+500], cursor: kv.CursorFromUint64(uint64(i + 500))}
		if i == 1000 {
			b.updates = append(append([]kv.Update(nil), b.updates...), putU("k.00007", "again", 9000), delU("k.00008", 9001))
		}
		bs = append(bs, b)
	}
	return writeBatches(t, logPath(t), bs...)
}

// requireSameReplay checks that replay, with its PUT prefix parsed in parallel, decides on data
// exactly as the one-by-one fold does: the same error (class and offset), or the same state
// and the same verdict on whether the file needs a rewrite.
func requireSameReplay(t interface {
	Helper()
	Fatalf(string, ...any)
}, what string, data []byte) {
	t.Helper()
	got, err := replayParallel(data, 0)
	var want replayed
	wantErr := checkHeader(data)
	if wantErr == nil {
		want, wantErr = replayRest(data, replayed{}, HeaderLen)
	}
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("%s: replay returned %v, the one-by-one fold %v", what, err, wantErr)
	}
	if err != nil {
		return
	}
	gs := stateOf(&Snapshot{Cursor: got.cursor, Stamp: got.stamp, entries: got.entries})
	ws := stateOf(&Snapshot{Cursor: want.cursor, Stamp: want.stamp, entries: want.entries})
	if !gs.equal(ws) || got.compact != want.compact {
		t.Fatalf("%s: replay folded %d entries (compact %v), the one-by-one fold %d (compact %v)", what, len(gs.entries), got.compact, len(ws.entries), want.compact)
	}
	for k, e := range ws.entries {
		if p, ok := got.index.get(got.entries, k); !ok || got.entries[p].key() != k || got.entries[p].ver() != e.Version {
			t.Fatalf("%s: the index does not find %q", what, k)
		}
	}
}

// A compacted log's PUTs are all folded by the parallel prefix, which stops at the checkpoint.
func TestPutPrefixTakesAllPutsOfACompactedLog(t *testing.T) {
	data := bigLog(t, true)
	out, from := putPrefix(data, 0)
	if len(out.entries) != 4000 {
		t.Fatalf("the prefix holds %d entries, want the 4000 PUTs", len(out.entries))
	}
	if rec, oc := parseRecord(data[from:]); oc != recOK || rec.kind != recStamp {
		t.Fatalf("the prefix stops at offset %d, not at the stamp", from)
	}
	requireSameReplay(t, "compacted", data)
	requireSameReplay(t, "appended", bigLog(t, false))
}

// Stretches whose first records misjudge their size, values growing (more records than
// guessed: the rest are parsed aside) or shrinking (fewer: the fold has gaps to close), fold
// the same, damaged or not.
func TestPutPrefixWithMisjudgedStretches(t *testing.T) {
	for _, grow := range []bool{true, false} {
		var ups []kv.Update
		for i := range 6000 {
			size := i / 20
			if !grow {
				size = 300 - size
			}
			ups = append(ups, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k.%05d", i), Value: bytes.Repeat([]byte("v"), size), Version: rev(uint64(i + 1))})
		}
		data := writeBatches(t, logPath(t), batch{ups, kv.CursorFromUint64(6000), nil})
		if out, _ := putPrefix(data, 0); len(out.entries) != 6000 {
			t.Fatalf("values growing %v: the prefix holds %d entries, want 6000", grow, len(out.entries))
		}
		requireSameReplay(t, fmt.Sprintf("values growing %v", grow), data)
		for _, cut := range findStarts(data, loadPieces)[1:] {
			damaged := bytes.Clone(data)
			damaged[cut-3] ^= 1
			requireSameReplay(t, fmt.Sprintf("values growing %v, damaged before offset %d", grow, cut), damaged)
		}
	}
}

// Small first records followed by large ones do not make the fold larger than the log, nor
// much larger than its entries.
func TestPutPrefixSmallRecordsFirst(t *testing.T) {
	var ups []kv.Update
	for i := range 3000 {
		value := []byte("v")
		if i%400 >= 100 {
			value = bytes.Repeat([]byte("v"), 2000)
		}
		ups = append(ups, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k.%05d", i), Value: value, Version: rev(uint64(i + 1))})
	}
	data := writeBatches(t, logPath(t), batch{ups, kv.CursorFromUint64(3000), nil})
	out, _ := putPrefix(data, 0)
	if len(out.entries) != 3000 {
		t.Fatalf("the prefix holds %d entries, want 3000", len(out.entries))
	}
	// A guess from the first stretch's small records alone made the array hold eight times
	// the entries.
	if size := cap(out.entries) * int(unsafe.Sizeof(fentry{})); size > len(data) || cap(out.entries) > 2*3000 {
		t.Fatalf("the fold's array holds %d entries, %d bytes (the log is %d)", cap(out.entries), size, len(data))
	}
	requireSameReplay(t, "small records first", data)
}

// A key repeated in another stretch of the PUTs is found (then the whole log is replayed one
// by one, and rewritten).
func TestPutPrefixFindsARepeatedKey(t *testing.T) {
	value := bytes.Repeat([]byte("v"), 80)
	var ups []kv.Update
	for i := range 4000 {
		key := fmt.Sprintf("k.%05d", i)
		if i == 3000 {
			key = "k.00010"
		}
		ups = append(ups, kv.Update{Op: kv.OpPut, Key: key, Value: value, Version: rev(uint64(i + 1))})
	}
	data := writeBatches(t, logPath(t), batch{ups, kv.CursorFromUint64(4000), nil})
	if out, _ := putPrefix(data, 0); out.entries != nil {
		t.Fatalf("the prefix folded %d entries over a repeated key", len(out.entries))
	}
	r, err := replayParallel(data, 0)
	if err != nil || r.compact || len(r.entries) != 3999 || entryOf(&Snapshot{entries: r.entries, index: r.index}, "k.00010").Version != rev(3001) {
		t.Fatalf("replay: %v, compact %v, %d entries", err, r.compact, len(r.entries))
	}
	requireSameReplay(t, "repeated key", data)
}

// Whatever a large log holds (a flipped byte, a cut, a run of zeros, anywhere, in particular
// across the places where the prefix is cut), replay decides as the one-by-one fold does.
func TestReplayWithParallelPrefixMatchesOneByOne(t *testing.T) {
	logs := [][]byte{bigLog(t, true), bigLog(t, false)}
	rapid.Check(t, func(t *rapid.T) {
		data := bytes.Clone(logs[rapid.IntRange(0, 1).Draw(t, "log")])
		cuts := findStarts(data, loadPieces)
		near := rapid.OneOf(
			rapid.IntRange(0, len(data)-1),
			rapid.Custom(func(t *rapid.T) int {
				c := rapid.SampledFrom(cuts[1:len(cuts)-1]).Draw(t, "cut")
				return min(len(data)-1, max(0, c+rapid.IntRange(-200, 200).Draw(t, "delta")))
			}),
		)
		off := near.Draw(t, "offset")
		switch rapid.IntRange(0, 2).Draw(t, "damage") {
		case 0:
			data[off] ^= byte(rapid.IntRange(1, 255).Draw(t, "xor"))
		case 1:
			data = data[:off]
		case 2:
			clear(data[off:min(len(data), off+rapid.IntRange(1, 300).Draw(t, "zeros"))])
		}
		requireSameReplay(t, fmt.Sprintf("damage at %d", off), data)
	})
}

// parsePut accepts exactly the records parseRecord finds whole valid PUTs, with the same
// fields, whatever the bytes: valid records of every kind, damaged, cut, or random.
func TestParsePutAgreesWithParseRecord(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var r []byte
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			key := rapid.OneOf(rapid.StringOfN(rapid.Rune(), 0, 20, -1), rapid.Custom(func(t *rapid.T) string { return string(rapid.SliceOfN(rapid.Byte(), 0, 20).Draw(t, "key bytes")) })).Draw(t, "key")
			value := rapid.SliceOfN(rapid.Byte(), 0, 200).Draw(t, "value")
			r = appendPut(nil, key, value, rev(rapid.Uint64().Draw(t, "version")))
		case 1:
			r = appendCursor(nil, kv.CursorFromUint64(rapid.Uint64().Draw(t, "cursor")))
		case 2:
			r = rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "random")
		}
		if len(r) > 0 && rapid.Bool().Draw(t, "damage") {
			r[rapid.IntRange(0, len(r)-1).Draw(t, "at")] ^= rapid.Byte().Draw(t, "xor")
		}
		r = r[:rapid.IntRange(0, len(r)).Draw(t, "cut to")]
		key, value, ver, size, ok := parsePut(r)
		rec, oc := parseRecord(r)
		want := oc == recOK && rec.kind == recPut
		if ok != want {
			t.Fatalf("parsePut %v, parseRecord %v (kind %#x) on %x", ok, oc, rec.kind, r)
		}
		if ok && (!bytes.Equal(key, rec.key) || !bytes.Equal(value, rec.value) || !bytes.Equal(ver, rec.ver) || size != rec.size) {
			t.Fatalf("parsePut and parseRecord parse %x differently", r)
		}
	})
}
