package appendlog

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// indexModel is the fold and its index under test, beside a Go map doing the same.
type indexModel struct {
	f     fold
	x     index
	model map[string]fentry
	rev   uint64
}

func (m *indexModel) put(t *rapid.T, key string) {
	m.rev++
	value := []byte(fmt.Sprint(m.rev))
	ver := kv.VersionFromUint64(m.rev)
	rec := appendPut(nil, key, value, ver)
	old, had := m.x.put(&m.f, key, rec)
	want, wantHad := m.model[key]
	if had != wantHad || (had && !bytes.Equal(old.rec, want.rec)) {
		t.Fatalf("put %q replaced (%q, %v), want (%q, %v)", key, old.rec, had, want.rec, wantHad)
	}
	m.model[key] = fentry{rec: rec}
}

func (m *indexModel) del(t *rapid.T, key string) {
	old, had := m.x.del(&m.f, key)
	want, wantHad := m.model[key]
	if had != wantHad || (had && (old.key() != key || !bytes.Equal(old.rec, want.rec))) {
		t.Fatalf("delete %q removed (%q, %v), want (%q, %v)", key, old.rec, had, want.rec, wantHad)
	}
	delete(m.model, key)
}

// check compares the whole fold with the model: lookups of every key (and of absent ones),
// the count, and the sorted iteration.
func (m *indexModel) check(t *rapid.T, absent []string) {
	if len(m.f) != len(m.model) || m.x.n != len(m.model) {
		t.Fatalf("len %d, index count %d, want %d", len(m.f), m.x.n, len(m.model))
	}
	for k, want := range m.model {
		p, ok := m.x.get(m.f, k)
		if !ok || m.f[p].key() != k || !bytes.Equal(m.f[p].rec, want.rec) {
			t.Fatalf("get %q: position %d, found %v; want record %q", k, p, ok, want.rec)
		}
	}
	for _, k := range absent {
		if _, live := m.model[k]; !live {
			if _, ok := m.x.get(m.f, k); ok {
				t.Fatalf("get %q found a deleted key", k)
			}
		}
	}
	var keys []string
	for e := range m.f.sorted() {
		keys = append(keys, e.Key)
	}
	if len(keys) != len(m.model) || !slices.IsSorted(keys) {
		t.Fatalf("sorted yielded %d keys (in order: %v), want %d", len(keys), slices.IsSorted(keys), len(m.model))
	}
}

// The index behaves as a Go map under any sequence of puts and deletes: growth from empty,
// overwrites, deletes that shift probe runs back, swap-removal of the dense array, and
// deleting everything.
func TestIndexMatchesMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pool := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z0-9.]{0,6}`), 1, 300, rapid.ID[string]).Draw(t, "keys")
		key := rapid.SampledFrom(pool)
		m := &indexModel{model: map[string]fentry{}}
		if rapid.Bool().Draw(t, "presized") {
			m.x = newIndex(rapid.IntRange(0, 400).Draw(t, "size hint"))
		}
		t.Repeat(map[string]func(*rapid.T){
			"put":    func(t *rapid.T) { m.put(t, key.Draw(t, "key")) },
			"delete": func(t *rapid.T) { m.del(t, key.Draw(t, "key")) },
			"put many": func(t *rapid.T) {
				for _, k := range pool[:rapid.IntRange(1, len(pool)).Draw(t, "first n")] {
					m.put(t, k)
				}
			},
			"delete many": func(t *rapid.T) {
				for _, k := range pool[rapid.IntRange(0, len(pool)-1).Draw(t, "from"):] {
					m.del(t, k)
				}
			},
			"": func(t *rapid.T) { m.check(t, pool) },
		})
	})
}

// fill, the bulk build a load uses, indexes a fold of distinct keys as puts one by one would,
// and refuses a fold in which a key repeats.
func TestIndexFill(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfDistinct(rapid.StringMatching(`[a-z]{1,5}`), rapid.ID[string]).Draw(t, "keys")
		f := make(fold, len(keys))
		for i, k := range keys {
			f[i] = fentry{rec: appendPut(nil, k, []byte(k), kv.Version{}), tag: tagOf(k)}
		}
		dup := len(keys) > 0 && rapid.Bool().Draw(t, "repeat a key")
		if dup {
			k := rapid.SampledFrom(keys).Draw(t, "repeated")
			f = append(f, fentry{rec: appendPut(nil, k, nil, kv.Version{}), tag: tagOf(k)})
		}
		x := newIndex(len(f))
		if ok := x.fill(f); ok == dup {
			t.Fatalf("fill of %d entries (a key repeated: %v) reported %v", len(f), dup, ok)
		}
		if dup {
			return
		}
		for i, k := range keys {
			if p, ok := x.get(f, k); !ok || p != i {
				t.Fatalf("get %q: %d, %v; want %d", k, p, ok, i)
			}
		}
		if _, ok := x.get(f, "absent-key"); ok {
			t.Fatal("found a key never put")
		}
	})
}

// slot is what the runtime map the fold replaced held per key: BenchmarkFoldGet's baseline.
type slot struct {
	value []byte
	ver   kv.Version
}

// BenchmarkFoldGet looks up random keys of a 1M-entry fold (100k with -short) in the index and,
// in the same run, in a runtime map of the same entries: get/map is the ratio (the index must
// not be notably slower than the map it replaced).
func BenchmarkFoldGet(b *testing.B) {
	n := benchEntries()
	keys := make([]string, n)
	var f fold
	var x index
	m := make(map[string]slot, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("route.svc-%04d.%08d", i/1000, i)
		x.put(&f, keys[i], appendPut(nil, keys[i], []byte("v"), kv.VersionFromUint64(uint64(i+1))))
		m[keys[i]] = slot{value: []byte("v"), ver: kv.VersionFromUint64(uint64(i + 1))}
	}
	order := rand.New(rand.NewPCG(3, 4)).Perm(n)
	var inIndex, inMap time.Duration
	var sink int
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for _, i := range order {
			p, _ := x.get(f, keys[i])
			sink += len(f[p].value())
		}
		inIndex += time.Since(start)
		start = time.Now()
		for _, i := range order {
			sink += len(m[keys[i]].value)
		}
		inMap += time.Since(start)
	}
	if sink != 2*n*b.N {
		b.Fatal("a lookup missed")
	}
	b.ReportMetric(float64(inIndex)/float64(inMap), "get/map")
	b.ReportMetric(float64(inIndex.Nanoseconds())/float64(b.N*n), "get-ns")
	b.ReportMetric(float64(inMap.Nanoseconds())/float64(b.N*n), "map-ns")
}
