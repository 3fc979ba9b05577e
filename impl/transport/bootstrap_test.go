package transport

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// bootstrap imports the published artifact into a new node and starts its live loop from the
// imported fold's cursor.
func (e *env) bootstrap(tr Transport) (*node, *artifact.Manifest) {
	e.t.Helper()
	dest := filepath.Join(e.t.TempDir(), "fold")
	m, err := ImportRemote(tctx(e.t), tr, e.liveKey("fold"), e.scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	assertEmpty(e.t, e.scratch)
	return e.startNode(appendlog.ImportedPath(dest)), m
}

// A node bootstrapped from an artifact replays only the tail written after the export: exactly
// those deliveries, starting right after the artifact's cursor, ending with the bucket's state.
func TestBootstrapResumesDeltaOnly(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	a := e.startNode(filepath.Join(t.TempDir(), "a.log"))
	a.waitStored(e.putN("route.pre", 12))
	res, err := RunExportRound(tctx(t), e.round(e.lease(nil, "node-a"), time.Minute, a, tr))
	if err != nil || res == nil {
		t.Fatalf("export round: %+v, %v", res, err)
	}
	exportRev, _ := res.Manifest.Cursor.Uint64()
	e.putN("route.post", 6)
	head := e.del("route.pre.03") // the tail: 7 updates
	c, m := e.bootstrap(tr)
	if m.Cursor != res.Manifest.Cursor {
		t.Fatalf("imported %v, exported %v", m.Cursor, res.Manifest.Cursor)
	}
	c.waitStored(head)
	if got := c.prog.Stats().Received; got != head-exportRev || got != 7 {
		t.Fatalf("bootstrapped node received %d updates, want exactly the tail of 7 (export at %d, head %d)", got, exportRev, head)
	}
	if fold, want := c.fold(), e.bucketState(); !sameMap(fold, want) {
		t.Fatalf("bootstrapped fold %v, bucket %v", fold, want)
	}
	if _, ok := c.fold()["route.pre.03"]; ok {
		t.Fatal("the key deleted in the tail survived the bootstrap")
	}
}

// An artifact whose cursor fell out of the bucket's retention resumes into an expired cursor;
// the live loop takes the resync path and the fold ends equal to the bucket, including a key
// deleted while the artifact aged.
func TestExpiredArtifactResyncsTheFold(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	a := e.startNode(filepath.Join(t.TempDir(), "a.log"))
	e.put("k.a", "1")
	e.put("k.b", "1")
	a.waitStored(e.put("k.c", "1"))
	res, err := RunExportRound(tctx(t), e.round(e.lease(nil, "node-a"), time.Minute, a, tr))
	if err != nil || res == nil {
		t.Fatalf("export round: %+v, %v", res, err)
	}
	a.stop()
	// One revision per key is kept, so rewriting every key evicts the head of the stream.
	e.put("k.a", "2")
	e.del("k.b")
	e.put("k.a", "3")
	head := e.put("k.c", "2")
	exportRev, _ := res.Manifest.Cursor.Uint64()
	if first := e.firstSeq(); first <= exportRev+1 {
		t.Fatalf("precondition: first sequence %d still covers the artifact at %d", first, exportRev)
	}
	c, _ := e.bootstrap(tr)
	c.waitStored(head)
	st := c.prog.Stats()
	if st.Resyncs != 1 {
		t.Fatalf("resyncs = %d, want 1 (the imported cursor expired)", st.Resyncs)
	}
	if fold, want := c.fold(), e.bucketState(); !sameMap(fold, want) || fold["k.a"] != "3" || len(fold) != 2 {
		t.Fatalf("fold after the resync %v, bucket %v", fold, want)
	}
	if c.store.Cursor() != kv.CursorFromUint64(head) {
		t.Fatalf("fold cursor %v, want %d", c.store.Cursor(), head)
	}
}

// liveKey is the pointer key of the data bucket's live incarnation under base.
func (e *env) liveKey(base string) string {
	e.t.Helper()
	inc, err := e.data.Incarnation(tctx(e.t))
	if err != nil {
		e.t.Fatal(err)
	}
	return PointerKey(base, inc)
}

func (e *env) firstSeq() uint64 {
	e.t.Helper()
	st, err := e.js.Stream(tctx(e.t), "KV_routes")
	if err != nil {
		e.t.Fatal(err)
	}
	info, err := st.Info(tctx(e.t))
	if err != nil {
		e.t.Fatal(err)
	}
	return info.State.FirstSeq
}
