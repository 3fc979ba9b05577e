package transport

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// recreate deletes the data bucket and creates it again under the same name: a new
// incarnation, whose revisions restart at 1.
func (e *env) recreate() {
	e.t.Helper()
	if err := e.js.DeleteKeyValue(tctx(e.t), "routes"); err != nil {
		e.t.Fatal(err)
	}
	b, err := e.conn.OpenBucket(tctx(e.t), kv.StoreConfig{Name: "routes"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.data = b
}

func TestPointerKeyIsTheBaseForTheZeroIncarnationAndDistinctOtherwise(t *testing.T) {
	a, _ := kv.NewIncarnation("routes", time.Unix(1_700_000_000, 1))
	b, _ := kv.NewIncarnation("routes", time.Unix(1_700_000_000, 2))
	if PointerKey("fold", kv.Incarnation{}) != "fold" {
		t.Fatal("the zero incarnation does not keep the legacy pointer key")
	}
	ka, kb := PointerKey("fold", a), PointerKey("fold", b)
	if ka == kb || ka == "fold" || checkKey(ka) != nil || checkKey(kb) != nil {
		t.Fatalf("pointer keys %q and %q: want two distinct valid keys", ka, kb)
	}
}

// After the bucket is re-created, an export round of the new incarnation publishes under a
// fresh pointer even though its cursor ranks below the old incarnation's artifact (its
// revisions restarted); the old pointer is left as it was; and a node bootstrapped from the old
// pointer takes the resync path and ends equal to the new bucket, never combining the two.
func TestRecreatedBucketPublishesUnderAFreshPointer(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	a := e.startNode(filepath.Join(t.TempDir(), "a.log"))
	a.waitStored(e.putN("old", 10))
	oldKey := e.liveKey("fold")
	resOld, err := RunExportRound(tctx(t), e.round(e.lease(c, "node-a"), time.Minute, a, tr))
	if err != nil || resOld == nil || resOld.Outcome.Status != Published || resOld.PointerKey != oldKey {
		t.Fatalf("old incarnation's round: %+v, %v", resOld, err)
	}
	a.stop()

	e.recreate()
	newKey := e.liveKey("fold")
	if newKey == oldKey {
		t.Fatalf("the re-created bucket has the old pointer key %q", newKey)
	}
	b := e.startNode(filepath.Join(t.TempDir(), "b.log"))
	head := e.putN("new", 3)
	b.waitStored(head)
	c.advance(2 * time.Minute)
	resNew, err := RunExportRound(tctx(t), e.round(e.lease(c, "node-b"), time.Minute, b, tr))
	if err != nil || resNew == nil || resNew.Outcome.Status != Published || resNew.PointerKey != newKey {
		t.Fatalf("new incarnation's round at %d: %+v, %v; want Published under %q", head, resNew, err, newKey)
	}
	if got := pointerCursorAt(t, tr, newKey); got != kv.CursorFromUint64(head) {
		t.Fatalf("new pointer at %v, want %d", got, head)
	}
	if got := pointerCursorAt(t, tr, oldKey); got != resOld.Manifest.Cursor {
		t.Fatalf("old pointer at %v, want it untouched at %v", got, resOld.Manifest.Cursor)
	}

	dest := filepath.Join(t.TempDir(), "fold")
	m, err := ImportRemote(tctx(t), tr, oldKey, e.scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if live, _ := e.data.Incarnation(tctx(t)); m.Incarnation == live || m.Incarnation.IsZero() {
		t.Fatalf("the old pointer's manifest names %v, the live bucket %v", m.Incarnation, live)
	}
	n := e.startNode(appendlog.ImportedPath(dest))
	eventually(t, "the bootstrapped node resynced to the new bucket", func() bool {
		st := n.prog.Stats()
		return st.IncarnationResyncs == 1 && st.Stored == kv.CursorFromUint64(head)
	})
	if fold, want := n.fold(), e.bucketState(); !sameMap(fold, want) {
		t.Fatalf("bootstrapped fold %v, bucket %v", fold, want)
	}
}
