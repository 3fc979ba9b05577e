package applied

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/protocol"
)

// fakeLister is a kv.Reader whose listing and current records are scripted.
type fakeLister struct {
	kv.Reader // only Revisions and Latest are called
	latest    map[string]kv.Record
	lagging   bool // Latest answers reads that are not linearizable
	mu        sync.Mutex
	reads     []string
}

func (f *fakeLister) Revisions(context.Context, string) (kv.Revisions, error) {
	return kv.Revisions{}, nil
}

func (f *fakeLister) Latest(_ context.Context, key string) (kv.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, key)
	rec := f.latest[key]
	rec.Linearizable = !f.lagging
	return rec, nil
}

func TestReconcileEveryZeroIsTheDefaultNegativeIsOff(t *testing.T) {
	for every, want := range map[time.Duration]time.Duration{
		0: DefaultReconcileEvery, ReconcileOff: 0, -time.Hour: 0, 5 * time.Second: 5 * time.Second,
	} {
		c := Config[string]{ReconcileEvery: every}
		if got := c.reconcileEvery(); got != want {
			t.Errorf("ReconcileEvery %v runs every %v, want %v", every, got, want)
		}
	}
	st := openFold(t)
	lister := &fakeLister{}
	on := newLoop(&Config[string]{Store: st, Reader: lister}, kv.Cursor{})
	if on.lister == nil || on.every != DefaultReconcileEvery {
		t.Fatal("the zero config with a store and a revision lister does not reconcile by default")
	}
	for name, cfg := range map[string]Config[string]{
		"off":              {Store: st, Reader: lister, ReconcileEvery: ReconcileOff},
		"no store":         {Reader: lister},
		"no lister":        {Store: st, Reader: struct{ kv.Reader }{}},
		"no reader at all": {Store: st},
	} {
		if l := newLoop(&cfg, kv.Cursor{}); l.lister != nil || l.reconcileCh != nil {
			t.Errorf("%s: reconciliation is on", name)
		}
	}
}

func TestDefaultReconcileKernelsAreProtocol(t *testing.T) {
	k := kernels{}.withDefaults()
	if funcPtr(k.reconcile) != funcPtr(protocol.ReconcileRepair) || funcPtr(k.confirm) != funcPtr(protocol.ConfirmRepair) {
		t.Fatal("the default reconciliation kernels are not the protocol functions")
	}
}

func openFold(t *testing.T) *appendlog.Store {
	t.Helper()
	st, err := appendlog.Open(filepath.Join(t.TempDir(), "fold.snap"), appendlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// The listing is only a filter: each candidate is repaired as its current record says. Here
// the listing shows "gone" a marker at 4 (at the frontier 5), but the key was re-put at 6
// meanwhile (above the frontier: the watch's), so it is left alone; "purged" has no record at
// all and is deleted; "missed" is a put at 5 the fold lacks, fetched with its value. The
// repairs never move the cursor, and each is counted by kind.
func TestReconcileConfirmsEveryCandidate(t *testing.T) {
	st := openFold(t)
	v := kv.VersionFromUint64
	if err := st.Apply([]kv.Update{
		{Op: kv.OpPut, Key: "gone", Value: []byte("g"), Version: v(1)},
		{Op: kv.OpPut, Key: "purged", Value: []byte("p"), Version: v(2)},
		{Op: kv.OpPut, Key: "same", Value: []byte("s"), Version: v(3)},
	}, kv.CursorFromUint64(5)); err != nil {
		t.Fatal(err)
	}
	lister := &fakeLister{latest: map[string]kv.Record{
		"gone":   {Present: true, Live: true, Version: v(6), Value: []byte("new")},
		"same":   {Present: true, Live: true, Version: v(3), Value: []byte("s")},
		"missed": {Present: true, Live: true, Version: v(5), Value: []byte("m")},
	}}
	var applied [][]string
	cfg := Config[string]{Store: st, Reader: lister, Progress: &Progress{},
		Parse: func(u kv.Update) (string, bool) { return u.Op.String() + " " + u.Key, true },
		Apply: func(b []string) error { applied = append(applied, append([]string(nil), b...)); return nil }}
	l := newLoop(&cfg, kv.CursorFromUint64(5))
	listing := kv.Revisions{Position: v(5), Records: map[string]kv.Listed{
		"gone":   {Version: v(4)},
		"same":   {Version: v(3), Live: true},
		"missed": {Version: v(5), Live: true},
	}}
	if err := l.onReconcile(context.Background(), reconcileRequest{listing: listing, done: make(chan struct{})}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lister.reads) // read concurrently
	if got, want := lister.reads, []string{"gone", "missed", "purged"}; !slices.Equal(got, want) {
		t.Errorf("confirming reads %v, want %v (the candidates; never the key in sync)", got, want)
	}
	if len(applied) != 1 || !slices.Equal(applied[0], []string{"put missed", "delete purged"}) {
		t.Errorf("Apply saw %v, want one batch in key order [put missed, delete purged]", applied)
	}
	if e, ok, _ := st.Get("missed"); !ok || string(e.Value) != "m" || e.Version != v(5) {
		t.Errorf("missed = %+v (%v), want the fetched put at 5", e, ok)
	}
	if _, ok, _ := st.Get("purged"); ok {
		t.Error("purged is still folded")
	}
	if e, ok, _ := st.Get("gone"); !ok || string(e.Value) != "g" {
		t.Error("gone was repaired although its current record is the watch's to deliver")
	}
	if st.Cursor() != kv.CursorFromUint64(5) || l.applied != kv.CursorFromUint64(5) {
		t.Errorf("the repair moved the cursor: store %v, loop %v", st.Cursor(), l.applied)
	}
	if s := l.prog.Stats(); s.Reconciliations != 1 || s.ReconcileDeletes != 1 || s.ReconcileFetches != 1 {
		t.Errorf("stats %+v, want 1 round, 1 delete, 1 fetch", s)
	}
}

// A key whose fold entry at 6 the listing shows older, at 5 (written before the listing began,
// so the record at 6 was removed), is rolled back to its current record at 5 when the
// confirming read is linearizable, counted as a rollback; on a read that may lag it is left
// alone and counted as deferred.
func TestReconcileRollsBackOnlyOnALinearizableRead(t *testing.T) {
	v := kv.VersionFromUint64
	for _, lagging := range []bool{false, true} {
		st := openFold(t)
		if err := st.Apply([]kv.Update{{Op: kv.OpPut, Key: "k", Value: []byte("v2"), Version: v(6)}}, kv.CursorFromUint64(6)); err != nil {
			t.Fatal(err)
		}
		lister := &fakeLister{lagging: lagging, latest: map[string]kv.Record{
			"k": {Present: true, Live: true, Version: v(5), Value: []byte("v1")},
		}}
		cfg := Config[string]{Store: st, Reader: lister, Progress: &Progress{}}
		l := newLoop(&cfg, kv.CursorFromUint64(6))
		listing := kv.Revisions{Position: v(6), Records: map[string]kv.Listed{"k": {Version: v(5), Live: true}}}
		if err := l.onReconcile(context.Background(), reconcileRequest{listing: listing, done: make(chan struct{})}); err != nil {
			t.Fatal(err)
		}
		e, ok, err := st.Get("k")
		if err != nil || !ok {
			t.Fatalf("lagging=%v: k absent (%v)", lagging, err)
		}
		s := l.prog.Stats()
		if lagging {
			if string(e.Value) != "v2" || e.Version != v(6) || s.ReconcileDeferred != 1 || s.ReconcileRollbacks != 0 {
				t.Errorf("lagging read: k = %q@%v, stats %+v; want v2@6 kept and 1 deferred", e.Value, e.Version, s)
			}
			continue
		}
		if string(e.Value) != "v1" || e.Version != v(5) || s.ReconcileRollbacks != 1 || s.ReconcileFetches != 0 || s.ReconcileDeferred != 0 {
			t.Errorf("linearizable read: k = %q@%v, stats %+v; want v1@5 and 1 rollback", e.Value, e.Version, s)
		}
		if st.Cursor() != kv.CursorFromUint64(6) {
			t.Errorf("the rollback moved the cursor to %v", st.Cursor())
		}
	}
}
