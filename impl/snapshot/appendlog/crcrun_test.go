package appendlog

import (
	"bytes"
	"testing"

	"pgregory.net/rapid"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// sampleRecords returns PUT records whose checksummed bytes are short, just under, at and just
// over crcRunShort (from which a record is checked on its own), and long.
func sampleRecords() [][]byte {
	var recs [][]byte
	for i, covered := range []int{24, 40, crcRunShort - 1, crcRunShort, crcRunShort + 1, 1000} {
		key, ver := "key-"+string(rune('0'+i)), kv.VersionFromUint64(uint64(i+1))
		empty := len(appendPut(nil, key, nil, ver)) - crcLen
		recs = append(recs, appendPut(nil, key, bytes.Repeat([]byte{byte('a' + i)}, covered-empty), ver))
	}
	return recs
}

// A run of sound records holds; flipping any one bit of any one record, in its checksum or in
// the bytes it covers, makes the run fail, whatever the record's length.
func TestCrcRunCatchesEverySingleBitFlip(t *testing.T) {
	recs := sampleRecords()
	run := &crcRun{}
	check := func(damaged int, at int, bit uint) bool {
		run.reset()
		for i, r := range recs {
			if i == damaged {
				r = append([]byte(nil), r...)
				r[at] ^= 1 << bit
			}
			run.add(r)
		}
		return run.holds()
	}
	if !check(-1, 0, 0) {
		t.Fatal("a run of sound records fails")
	}
	for i, r := range recs {
		for at := range len(r) {
			for bit := range uint(8) {
				if check(i, at, bit) {
					t.Fatalf("record %d (%d bytes): the flip of bit %d of byte %d passes", i, len(r), bit, at)
				}
			}
		}
	}
}

// oneByOne is the size and number of the records from data[pos:] that soundPut accepts one
// after another: what repeated checkedPuts calls must take.
func oneByOne(data []byte, pos int) (n, count int) {
	for pos+n < len(data) {
		size := soundPut(data[pos+n:])
		if size == 0 {
			break
		}
		n += size
		count++
	}
	return n, count
}

// runsTaken takes runs with checkedPuts from pos, as scanRange does, until one is empty.
func runsTaken(data []byte, pos int) (n, count int) {
	run := &crcRun{}
	for {
		k, c := checkedPuts(data, pos+n, len(data), run)
		if k == 0 {
			return n, count
		}
		n, count = n+k, count+c
	}
}

// badChecksums counts the records that are whole PUTs but for a checksum that fails.
func badChecksums(data []byte) (bad int) {
	for pos := 0; pos < len(data); {
		size, _, _ := framePut(data[pos:])
		if size == 0 {
			return bad
		}
		if soundPut(data[pos:]) == 0 {
			bad++
		}
		pos += size
	}
	return bad
}

// Runs take exactly the records a one-by-one check takes, in logs longer than several runs,
// with one record damaged anywhere or none.
func TestCheckedPutsTakeWhatOneByOneTakes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var data []byte
		for i := range rapid.IntRange(0, 3000).Draw(t, "records") {
			v := make([]byte, rapid.IntRange(0, 300).Draw(t, "value"))
			data = appendPut(data, rapid.StringMatching(`[a-z0-9]{0,20}`).Draw(t, "key"), v, kv.VersionFromUint64(uint64(i+1)))
		}
		if rapid.Bool().Draw(t, "tail") {
			data = appendCursor(data, kv.CursorFromUint64(9))
		}
		if len(data) > 0 && rapid.Bool().Draw(t, "damage") {
			data[rapid.IntRange(0, len(data)-1).Draw(t, "at")] ^= byte(rapid.IntRange(1, 255).Draw(t, "flip"))
		}
		wantN, wantCount := oneByOne(data, 0)
		if n, count := runsTaken(data, 0); n != wantN || count != wantCount {
			t.Fatalf("runs took %d records (%d bytes), one by one %d (%d bytes)", count, n, wantCount, wantN)
		}
	})
}

// FuzzCheckedPuts: for any bytes in which at most one whole PUT fails its checksum, runs take
// exactly what a one-by-one check takes. (Two damaged records escape a run only when their
// remainders cancel, once in 2^32 for random damage; a fuzzer does not search for that.)
func FuzzCheckedPuts(f *testing.F) {
	f.Add([]byte{})
	for _, r := range sampleRecords() {
		f.Add(r)
	}
	f.Add(bytes.Join(sampleRecords(), nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		if badChecksums(data) > 1 {
			return
		}
		wantN, wantCount := oneByOne(data, 0)
		if n, count := runsTaken(data, 0); n != wantN || count != wantCount {
			t.Fatalf("runs took %d records (%d bytes), one by one %d (%d bytes)", count, n, wantCount, wantN)
		}
	})
}
