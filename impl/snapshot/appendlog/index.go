package appendlog

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// The fold is hand-written rather than a map[string]slot: loading a log builds it in one bulk
// pass, and there the runtime map cost about 400 ns per insert (pprof of BenchmarkLoad, 1M
// entries of 100 bytes: about 60% of Load, nearly all in cache and TLB misses probing a 64 MB
// table and clearing it). Here the entries sit in one dense array, written in file order, and
// the index over them is a table of 8-byte slots (16 MB for 1M entries) whose probes compare a
// hash tag, reading an entry's key only when the tags match.

// fentry is one live entry of a fold: its PUT record, byte for byte as it was written to the
// log or read from it (checksum, key, value and version in one slice, capped at its end), and
// tag, the top half of its key's hash (see tagOf). Keeping the record rather than its parts
// makes writing the entry again (a compaction, an export) one copy, with its checksum already
// in it, and keeps a key and its value in one allocation.
type fentry struct {
	rec []byte
	tag uint32
}

// The fields of an entry's record (see the format in format.go).
func (e *fentry) keyLen() int { return int(binary.LittleEndian.Uint16(e.rec[5:])) }

func (e *fentry) key() string { return aliasString(e.rec[7 : 7+e.keyLen()]) }

func (e *fentry) value() []byte {
	vo := 11 + e.keyLen()
	vl := int(binary.LittleEndian.Uint32(e.rec[vo-4:]))
	return e.rec[vo : vo+vl : vo+vl]
}

func (e *fentry) ver() kv.Version {
	vo := 11 + e.keyLen()
	vl := int(binary.LittleEndian.Uint32(e.rec[vo-4:]))
	v, _ := kv.VersionFromBytes(e.rec[vo+vl+1:]) // a record's version was checked when it was parsed or written
	return v
}

// entry returns e as a kv.Entry; its key and value are the record's own bytes.
func (e *fentry) entry() kv.Entry { return kv.Entry{Key: e.key(), Value: e.value(), Version: e.ver()} }

// fold is the dense array of a fold's live entries, in no particular order; an index finds
// them by key. len(f) is the number of live entries.
type fold []fentry

// hashSeed seeds every fold's tags: a tag stays valid when a fold moves from a Snapshot to a
// Store.
var hashSeed = maphash.MakeSeed()

// tagOf returns the 32-bit hash tag of key. Its top bits choose the key's home slot in an
// index, all of its bits are compared before a key is.
func tagOf(key string) uint32 { return uint32(maphash.String(hashSeed, key) >> 32) }

// index finds the entries of a fold by key: open addressing with linear probing over slots
// holding tag<<32 | (position in the fold + 1), 0 marking an empty slot. A key's home slot is
// its tag's top bits, so the table can be rebuilt, and deletes shift back the run behind
// them (no tombstones), from the slots alone. It stays at most 3/4 full.
type index struct {
	slots []uint64
	shift uint8 // 32 - log2(len(slots))
	n     int   // used slots
}

const minSlots = 8

// newIndex returns an index with room for n entries.
func newIndex(n int) index {
	size := minSlots
	for size*3/4 < n {
		size *= 2
	}
	return index{slots: make([]uint64, size), shift: uint8(32 - bits.TrailingZeros(uint(size)))}
}

func (x *index) home(tag uint32) int { return int(tag >> x.shift) }

// lookup returns the slot of key (whose tag is tag) and whether it is there; when not, the
// slot is the empty one where it would go.
func (x *index) lookup(f fold, key string, tag uint32) (int, bool) {
	mask := len(x.slots) - 1
	for i := x.home(tag); ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return i, false
		}
		if uint32(s>>32) == tag && f[uint32(s)-1].key() == key {
			return i, true
		}
	}
}

// get returns key's position in f.
func (x *index) get(f fold, key string) (int, bool) {
	if x.n == 0 {
		return 0, false
	}
	i, ok := x.lookup(f, key, tagOf(key))
	return int(uint32(x.slots[i])) - 1, ok
}

// put sets key's record in *f, appending a new entry when key is absent, and returns the entry
// it replaced. rec must be a PUT record of key.
func (x *index) put(f *fold, key string, rec []byte) (old fentry, had bool) {
	tag := tagOf(key)
	if x.slots != nil {
		if i, ok := x.lookup(*f, key, tag); ok {
			e := &(*f)[uint32(x.slots[i])-1]
			old = *e
			e.rec = rec
			return old, true
		}
	}
	if len(*f) == cap(*f) {
		// Double it: append grows a large slice by a quarter, and copying the fold that often
		// was a tenth of a hydration (pprof of BenchmarkHydrate100k).
		grown := make(fold, len(*f), max(2*cap(*f), 64))
		copy(grown, *f)
		*f = grown
	}
	*f = append(*f, fentry{rec: rec, tag: tag})
	if (x.n+1)*4 > len(x.slots)*3 {
		*x = newIndex(max(len(*f), 2*x.n+1))
		x.fill(*f)
		return fentry{}, false
	}
	x.insert(tag, len(*f)-1)
	return fentry{}, false
}

// insert adds the entry at position p, of tag tag, known to be absent.
func (x *index) insert(tag uint32, p int) {
	mask := len(x.slots) - 1
	i := x.home(tag)
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = uint64(tag)<<32 | uint64(p+1)
	x.n++
}

// fill indexes every entry of f in an empty index with room for them. It reports false, the
// index then being unusable, when two entries share a key.
func (x *index) fill(f fold) bool {
	mask := len(x.slots) - 1
	for p := range f {
		tag := f[p].tag
		i := x.home(tag)
		for s := x.slots[i]; s != 0; s = x.slots[i] {
			if uint32(s>>32) == tag && f[uint32(s)-1].key() == f[p].key() {
				return false
			}
			i = (i + 1) & mask
		}
		x.slots[i] = uint64(tag)<<32 | uint64(p+1)
	}
	x.n = len(f)
	return true
}

// del removes key from *f, moving the last entry into its place, and returns the removed
// entry.
func (x *index) del(f *fold, key string) (old fentry, had bool) {
	if x.n == 0 {
		return fentry{}, false
	}
	i, ok := x.lookup(*f, key, tagOf(key))
	if !ok {
		return fentry{}, false
	}
	p := int(uint32(x.slots[i])) - 1
	old = (*f)[p]
	x.unslot(i)
	last := len(*f) - 1
	if p != last {
		moved := (*f)[last]
		(*f)[p] = moved
		j, _ := x.lookup(*f, moved.key(), moved.tag) // finds the moved entry: its key is now at p too
		x.slots[j] = uint64(moved.tag)<<32 | uint64(p+1)
	}
	(*f)[last] = fentry{} // drop the references
	*f = (*f)[:last]
	return old, true
}

// unslot empties slot i and shifts back the entries of the run after it that may move, so
// that no probe stops short of its key.
func (x *index) unslot(i int) {
	mask := len(x.slots) - 1
	for j := (i + 1) & mask; x.slots[j] != 0; j = (j + 1) & mask {
		h := x.home(uint32(x.slots[j] >> 32))
		// The entry at j may fill hole i unless its home lies cyclically in (i, j].
		if (j-h)&mask >= (j-i)&mask {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = 0
	x.n--
}
