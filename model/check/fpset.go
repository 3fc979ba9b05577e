package check

import (
	"hash/maphash"
)

// processSeed is the maphash seed of this process: fixed for a run, so every state maps to one
// fingerprint throughout it.
var processSeed = maphash.MakeSeed()

// mix64 is the splitmix64 finaliser, a bijection on uint64 with good avalanche: distinct inputs
// stay distinct, and packed state encodings spread over the table.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// fingerprinter returns the state fingerprint function for m. Zero is reserved as the empty
// slot marker of fpSet, so a zero fingerprint is remapped to a fixed non-zero value.
func fingerprinter[S comparable](m Model[S]) func(S) uint64 {
	if f, ok := m.(Fingerprinter[S]); ok {
		return func(s S) uint64 {
			// +1 then a bijection: 0 is produced only by MaxUint64, so an injective
			// encoding below MaxUint64 never needs the zero remap and stays injective.
			h := mix64(f.Fingerprint(s) + 1)
			if h == 0 {
				h = 0x9e3779b97f4a7c15
			}
			return h
		}
	}
	return func(s S) uint64 {
		h := maphash.Comparable(processSeed, s)
		if h == 0 {
			h = 0x9e3779b97f4a7c15
		}
		return h
	}
}

const (
	shardBits   = 6
	numShards   = 1 << shardBits
	numGroups   = 16 // phase-2 insertion groups; fixed so results do not depend on Workers
	chunkStates = 1024
)

// shardOf returns the shard of a fingerprint (its top bits); slots within a shard use the low
// bits, so the two are independent.
func shardOf(fp uint64) int { return int(fp >> (64 - shardBits)) }

// groupOf returns the phase-2 insertion group owning a fingerprint's shard.
func groupOf(fp uint64) int { return shardOf(fp) % numGroups }

// fpShard is an open-addressing, linear-probing set of non-zero uint64 keys.
type fpShard struct {
	keys  []uint64
	count int
}

// fpSet is the seen-set: numShards independent shards. Concurrent contains calls are safe when
// no insert runs; inserts into distinct shards may run concurrently.
type fpSet struct {
	shards [numShards]fpShard
}

func newFPSet() *fpSet {
	t := &fpSet{}
	for i := range t.shards {
		t.shards[i].keys = make([]uint64, 1024)
	}
	return t
}

func (t *fpSet) contains(fp uint64) bool {
	sh := &t.shards[shardOf(fp)]
	mask := uint64(len(sh.keys) - 1)
	for i := fp & mask; ; i = (i + 1) & mask {
		k := sh.keys[i]
		if k == fp {
			return true
		}
		if k == 0 {
			return false
		}
	}
}

// insert adds fp and reports whether it was absent.
func (t *fpSet) insert(fp uint64) bool {
	sh := &t.shards[shardOf(fp)]
	if (sh.count+1)*4 > len(sh.keys)*3 {
		sh.grow()
	}
	mask := uint64(len(sh.keys) - 1)
	for i := fp & mask; ; i = (i + 1) & mask {
		k := sh.keys[i]
		if k == fp {
			return false
		}
		if k == 0 {
			sh.keys[i] = fp
			sh.count++
			return true
		}
	}
}

func (sh *fpShard) grow() {
	old := sh.keys
	sh.keys = make([]uint64, 2*len(old))
	mask := uint64(len(sh.keys) - 1)
	for _, k := range old {
		if k == 0 {
			continue
		}
		i := k & mask
		for sh.keys[i] != 0 {
			i = (i + 1) & mask
		}
		sh.keys[i] = k
	}
}
