package pebble

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// model is the fold kept in a map, for comparing with what a store recovers.
type model map[string]kv.Entry

func (m model) apply(batch []kv.Update) {
	for _, u := range batch {
		if u.IsDelete() {
			delete(m, u.Key)
		} else {
			m[u.Key] = kv.Entry{Key: u.Key, Value: u.Value, Version: u.Version}
		}
	}
}

func (m model) entries() []kv.Entry {
	out := []kv.Entry{}
	for _, e := range m {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b kv.Entry) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// randomBatch returns n updates over a small key space, revisions continuing from *rev.
func randomBatch(rng *rand.Rand, rev *uint64, n int) []kv.Update {
	batch := make([]kv.Update, 0, n)
	for range n {
		*rev++
		k := fmt.Sprintf("k%02d", rng.IntN(30))
		if rng.IntN(4) == 0 {
			batch = append(batch, del(k, *rev))
		} else {
			// Values of a few hundred bytes fill Pebble's 32 KiB log blocks within the test, so
			// that without Sync some applies reach the file system and some do not.
			batch = append(batch, put(k, fmt.Sprintf("%s@%d:%0*d", k, *rev, rng.IntN(400), 0), *rev))
		}
	}
	return batch
}

// A simulated power loss after each Apply, keeping a random share of the unsynced writes,
// never recovers a cursor whose data is absent or data that its cursor does not account for:
// the recovered fold is exactly the fold of the batches up to the recovered cursor. With Sync,
// nothing applied is ever lost.
func TestPowerLossRecoversAConsistentPrefix(t *testing.T) {
	for _, sync := range []bool{false, true} {
		t.Run(fmt.Sprintf("sync=%v", sync), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			mem := vfs.NewCrashableMem()
			s := open(t, "db", Options{Sync: sync, FS: mem})
			defer mustClose(t, s)
			m := model{}
			states := map[kv.Cursor][]kv.Entry{{}: {}} // the fold at each cursor ever applied
			var rev uint64
			lost, partial := 0, 0
			for i := range 60 {
				batch := randomBatch(rng, &rev, 1+rng.IntN(12))
				cursor := kv.CursorFromUint64(rev)
				if err := s.Apply(batch, cursor); err != nil {
					t.Fatal(err)
				}
				m.apply(batch)
				states[cursor] = m.entries()

				crashed := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: rng.IntN(101), RNG: rand.New(rand.NewPCG(uint64(i), 7))})
				r := open(t, "db", Options{FS: crashed})
				got := r.Cursor()
				want, ok := states[got]
				if !ok {
					t.Fatalf("after batch %d: recovered cursor %v was never applied", i, got)
				}
				if sync && got != cursor {
					t.Fatalf("after batch %d with Sync: recovered cursor %v, want %v", i, got, cursor)
				}
				if entries := dump(t, r, ""); !reflect.DeepEqual(entries, want) {
					t.Fatalf("after batch %d: recovered cursor %v with state %v, want %v", i, got, entries, want)
				}
				if got != cursor {
					lost++
					if !got.IsZero() {
						partial++
					}
				}
				mustClose(t, r)
			}
			t.Logf("%d of 60 crashes lost the latest applies, %d of them keeping an earlier prefix", lost, partial)
			if !sync && partial == 0 {
				t.Fatal("no crash recovered a non-empty earlier prefix: the check exercised nothing")
			}
		})
	}
}
