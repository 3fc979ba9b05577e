package pebble

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// tablesPerLevel reports how many sstables each LSM level holds.
func tablesPerLevel(s *Store) []int64 {
	m := s.db.Metrics()
	out := make([]int64, len(m.Levels))
	for i := range m.Levels {
		out[i] = m.Levels[i].TablesCount
	}
	return out
}

func TestSettleCompactsAndPreservesState(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	rng := rand.New(rand.NewPCG(3, 4))
	m := model{}
	var rev uint64
	for range 200 {
		b := randomBatch(rng, &rev, 50)
		if err := s.Apply(b, kv.CursorFromUint64(rev)); err != nil {
			t.Fatal(err)
		}
		m.apply(b)
	}
	before := dump(t, s, "")
	if !reflect.DeepEqual(before, m.entries()) {
		t.Fatal("the fold differs from the model before settling")
	}
	if lv := tablesPerLevel(s); lv[len(lv)-1] != 0 {
		t.Fatalf("tables per level before Settle %v: the bottom level is already populated", lv)
	}

	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	lv := tablesPerLevel(s)
	for i, n := range lv[:len(lv)-1] {
		if n != 0 {
			t.Fatalf("after Settle level %d holds %d tables (per level %v), want all in the bottom level", i, n, lv)
		}
	}
	if lv[len(lv)-1] == 0 {
		t.Fatalf("after Settle no level holds a table (%v)", lv)
	}
	assertState(t, s, kv.CursorFromUint64(rev), before)
	mustClose(t, s)
	s = open(t, dir, Options{})
	defer mustClose(t, s)
	assertState(t, s, kv.CursorFromUint64(rev), before)
}

func TestSettleRunsAlongsideApply(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	rng := rand.New(rand.NewPCG(5, 6))
	m := model{}
	var rev uint64
	apply := func(n int) {
		for range n {
			b := randomBatch(rng, &rev, 20)
			if err := s.Apply(b, kv.CursorFromUint64(rev)); err != nil {
				t.Error(err)
				return
			}
			m.apply(b)
		}
	}
	apply(50)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Settle(); err != nil {
			t.Error(err)
		}
	})
	apply(50)
	wg.Wait()
	assertState(t, s, kv.CursorFromUint64(rev), m.entries())
}
