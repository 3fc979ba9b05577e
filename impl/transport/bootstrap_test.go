package transport

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

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

// agedArtifact publishes an artifact of k.a, k.b and k.c from a node that then stops, and
// rewrites every key after it (k.b deleted, k.a twice), so that with one revision kept per key
// the stream's first sequence passes the artifact's cursor. It returns the export round's
// result and the bucket's last revision.
func (e *env) agedArtifact(tr Transport) (*RoundResult, uint64) {
	e.t.Helper()
	a := e.startNode(filepath.Join(e.t.TempDir(), "a.log"))
	e.put("k.a", "1")
	e.put("k.b", "1")
	a.waitStored(e.put("k.c", "1"))
	res, err := RunExportRound(tctx(e.t), e.round(e.lease(nil, "node-a"), time.Minute, a, tr))
	if err != nil || res == nil {
		e.t.Fatalf("export round: %+v, %v", res, err)
	}
	a.stop()
	e.put("k.a", "2")
	e.del("k.b")
	e.put("k.a", "3")
	head := e.put("k.c", "2")
	exportRev, _ := res.Manifest.Cursor.Uint64()
	if first := e.firstSeq(); first <= exportRev+1 {
		e.t.Fatalf("precondition: first sequence %d still covers the artifact at %d", first, exportRev)
	}
	return res, head
}

// An artifact whose cursor fell out of the bucket's retention resumes into an expired cursor;
// the live loop takes the resync path and the fold ends equal to the bucket, including a key
// deleted while the artifact aged. The bucket's cap evicts (discard-old), so the records the
// server no longer holds may have included a key's latest one.
func TestExpiredArtifactResyncsTheFold(t *testing.T) {
	e := newEnv(t)
	e.evictOldest()
	tr := e.nats()
	_, head := e.agedArtifact(tr)
	c, _ := e.bootstrap(tr)
	c.waitStored(head)
	if st := c.prog.Stats(); st.Resyncs != 1 {
		t.Fatalf("resyncs = %d, want 1 (the imported cursor expired)", st.Resyncs)
	}
	if fold, want := c.fold(), e.bucketState(); !sameMap(fold, want) || fold["k.a"] != "3" || len(fold) != 2 {
		t.Fatalf("fold after the resync %v, bucket %v", fold, want)
	}
	if c.store.Cursor() != kv.CursorFromUint64(head) {
		t.Fatalf("fold cursor %v, want %d", c.store.Cursor(), head)
	}
}

// The same aged artifact on a bucket of default settings (a cap under discard-new, which refuses
// writes rather than remove records): only supersession moved the first sequence, so the import
// resumes with no resync, receives only what the stream still holds after the artifact's
// cursor, and ends equal to the bucket without the deleted key.
func TestAgedArtifactOnADefaultBucketResumesWithoutResync(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	res, head := e.agedArtifact(tr)
	c, _ := e.bootstrap(tr)
	c.waitStored(head)
	st := c.prog.Stats()
	if st.Resyncs != 0 {
		t.Fatalf("resyncs = %d, want 0: only superseded records were removed", st.Resyncs)
	}
	exportRev, _ := res.Manifest.Cursor.Uint64()
	if held := e.msgsAfter(exportRev); st.Received != held || held != 3 {
		t.Fatalf("received %d updates, want the %d the stream holds after the artifact's cursor (k.a, k.b's delete, k.c)", st.Received, held)
	}
	if fold, want := c.fold(), e.bucketState(); !sameMap(fold, want) || fold["k.a"] != "3" || len(fold) != 2 {
		t.Fatalf("fold after the resume %v, bucket %v", fold, want)
	}
}

// evictOldest switches the data bucket's stream to the discard-old policy, under which its cap
// removes the oldest records.
func (e *env) evictOldest() {
	e.t.Helper()
	cfg := e.dataStream().Config
	cfg.Discard = jetstream.DiscardOld
	if _, err := e.js.UpdateStream(tctx(e.t), cfg); err != nil {
		e.t.Fatalf("switch KV_routes to discard-old: %v", err)
	}
}

// msgsAfter is the number of records the data bucket's stream holds after revision rev.
func (e *env) msgsAfter(rev uint64) uint64 {
	e.t.Helper()
	if st := e.dataStream().State; st.FirstSeq > rev {
		return st.Msgs
	}
	e.t.Fatalf("the stream still holds revision %d", rev)
	return 0
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

func (e *env) firstSeq() uint64 { return e.dataStream().State.FirstSeq }
