package linearizability

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func TestResolve(t *testing.T) {
	ops := []Operation{
		{Client: 0, Key: "a", Kind: KindPut, Value: "v1", Outcome: OutcomeOK, Revision: 1, Call: 0, Return: 10},
		{Client: 1, Key: "a", Kind: KindPut, Value: "v2", Outcome: OutcomeUnknown, Call: 5, Return: 15},                 // landed at 2
		{Client: 2, Key: "a", Kind: KindUpdate, Value: "v3", Expected: 1, Outcome: OutcomeUnknown, Call: 5, Return: 15}, // never landed
		{Client: 3, Key: "a", Kind: KindDelete, Outcome: OutcomeUnknown, Call: 20, Return: 30},                          // no markers: never landed
		{Client: 4, Key: "b", Kind: KindDelete, Outcome: OutcomeOK, Call: 0, Return: 10},
		{Client: 5, Key: "b", Kind: KindDelete, Outcome: OutcomeUnknown, Call: 0, Return: 10}, // b has one marker for one acked delete
		{Client: 6, Key: "c", Kind: KindPut, Value: "x", Outcome: OutcomeOK, Revision: 9, Call: 0, Return: 10},
	}
	observed := []Write{
		{Key: "a", Value: "v1", Revision: 1},
		{Key: "a", Value: "v2", Revision: 2},
		{Key: "b", Revision: 3, Deleted: true},
		{Key: "c", Value: "x", Revision: 9},
	}
	out, st, err := Resolve(ops, observed, true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Landed != 1 || st.NotApplied != 3 || st.Unresolved != 0 || len(st.Contradicted) != 0 {
		t.Fatalf("stats %+v", st)
	}
	if out[1].Outcome != OutcomeUnknown || out[1].Revision != 2 || out[2].Outcome != OutcomeNotApplied ||
		out[3].Outcome != OutcomeNotApplied || out[5].Outcome != OutcomeNotApplied {
		t.Fatalf("resolved %+v", out)
	}
	if ops[1].Revision != 0 || ops[2].Outcome != OutcomeUnknown {
		t.Fatal("Resolve changed its input")
	}
	if err := ValidateHistory(out); err != nil {
		t.Fatal(err)
	}

	// With the time the observer saw it, a landed write becomes acknowledged, returning then.
	timed := slices.Clone(observed)
	timed[1].Seen = 40
	out, st, _ = Resolve(ops, timed, true)
	if st.Landed != 1 || out[1].Outcome != OutcomeOK || out[1].Revision != 2 || out[1].Return != 40 {
		t.Fatalf("landed and seen: %+v (%+v)", out[1], st)
	}
	if err := ValidateHistory(out); err != nil {
		t.Fatal(err)
	}

	// Incomplete observations pin what landed and leave the rest unknown.
	_, st, _ = Resolve(ops, observed, false)
	if st.Landed != 1 || st.NotApplied != 0 || st.Unresolved != 3 {
		t.Fatalf("incomplete observation: %+v", st)
	}

	// The stream contradicts an acknowledged write: its value is missing, or at another revision.
	_, st, _ = Resolve(ops, observed[:3], true)
	if len(st.Contradicted) != 1 || st.Contradicted[0].Value != "x" {
		t.Fatalf("lost acknowledged write: %+v", st.Contradicted)
	}
	moved := append([]Write{{Key: "c", Value: "x", Revision: 8}}, observed[:3]...)
	if _, st, _ = Resolve(ops, moved, false); len(st.Contradicted) != 1 {
		t.Fatalf("acknowledged write at another revision: %+v", st.Contradicted)
	}
	// ... or an acknowledged delete left no marker.
	if _, st, _ = Resolve(ops, append(observed[:2:2], observed[3]), true); len(st.Contradicted) != 1 || st.Contradicted[0].Key != "b" {
		t.Fatalf("lost acknowledged delete: %+v", st.Contradicted)
	}
	// A value observed twice at different revisions breaks the unique-values rule.
	dup := append([]Write{{Key: "a", Value: "v1", Revision: 7}}, observed...)
	if _, _, err := Resolve(ops, dup, true); !errors.Is(err, ErrInvalidHistory) {
		t.Fatalf("duplicate value: %v", err)
	}
}

func TestObserver(t *testing.T) {
	var o Observer
	o.Observe(kv.Update{Op: kv.OpPut, Key: "a", Value: []byte("v2"), Version: kv.VersionFromUint64(2)})
	o.Clock = func() int64 { return 77 }
	o.Observe(kv.Update{Op: kv.OpPut, Key: "z", Value: []byte("timed"), Version: kv.VersionFromUint64(9)})
	if ws := o.Writes(); ws[len(ws)-1].Seen != 77 || ws[0].Seen != 0 {
		t.Fatalf("observation times %+v", ws)
	}
	o = Observer{}
	o.Observe(kv.Update{Op: kv.OpPut, Key: "a", Value: []byte("v2"), Version: kv.VersionFromUint64(2)})
	o.Observe(kv.Update{Op: kv.OpPut, Key: "a", Value: []byte("v1"), Version: kv.VersionFromUint64(1)})
	o.Observe(kv.Update{Op: kv.OpDelete, Key: "a", Version: kv.VersionFromUint64(4)})
	o.Observe(kv.Update{Op: kv.OpPut, Key: "a", Value: []byte("ignored")}) // no revision
	ws := o.Writes()
	want := []Write{{Key: "a", Value: "v1", Revision: 1}, {Key: "a", Value: "v2", Revision: 2}, {Key: "a", Revision: 4, Deleted: true}}
	if len(ws) != len(want) {
		t.Fatalf("writes %+v", ws)
	}
	for i := range want {
		if ws[i] != want[i] {
			t.Fatalf("write %d = %+v, want %+v", i, ws[i], want[i])
		}
	}
	if !o.Complete(1, 2) || o.Complete(1, 4) || !o.Complete(4, 4) {
		t.Fatal("Complete misjudged the gap at revision 3")
	}
	o.Observe(kv.Update{Op: kv.OpPut, Key: "b", Value: []byte("w"), Version: kv.VersionFromUint64(3)})
	if !o.Complete(1, 4) {
		t.Fatal("Complete after the gap was filled")
	}
}

// staleCache is a deliberately broken read path: it answers each key from the first value it
// read and never asks again (a stale local cache).
type staleCache struct {
	inner Getter
	cache map[string]kv.Entry
}

func (s *staleCache) Get(ctx context.Context, key string) (kv.Entry, bool, error) {
	if e, ok := s.cache[key]; ok {
		return e, true, nil
	}
	e, ok, err := s.inner.Get(ctx, key)
	if ok {
		s.cache[key] = e
	}
	return e, ok, err
}

// TestBrokenClientIsCaught records a workload through the KV adapter whose leader reads come
// from a stale cache; the check must fail and name the key it broke, and a correct client on
// the same workload must hold.
func TestBrokenClientIsCaught(t *testing.T) {
	run := func(broken bool) Report {
		ctx := context.Background()
		rec := NewRecorder()
		b := newFakeBucket()
		var reads Getter = b
		if broken {
			reads = &staleCache{inner: b, cache: map[string]kv.Entry{}}
		}
		writer := NewKV(rec.NewClient(), b, b, b)
		reader := NewKV(rec.NewClient(), b, reads, b)
		for i, key := range []string{"a", "b", "a", "a"} {
			if _, err := writer.Put(ctx, key, []byte{'v', byte('0' + i)}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := reader.LeaderGet(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := Check(rec.Operations(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := run(false); rep.Verdict != Holds {
		t.Fatalf("correct client: %s", rep)
	}
	if rep := run(true); rep.Verdict != Violates || len(rep.ViolatingKeys()) != 1 || rep.ViolatingKeys()[0] != "a" {
		t.Fatalf("stale-cache client: %s", rep)
	}
}
