package applied

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// The message and reason Run logs when a fold's cursor belongs to another incarnation.
const (
	msgResyncing    = "applied: resyncing"
	reasonRecreated = "new stream incarnation"
	msgUnverified   = "applied: resuming without verifying the stream incarnation"
	reasonNoStamp   = "no stream incarnation stored with the cursor"
)

// recreate deletes the bucket and creates it again under the same name and configuration: a
// new incarnation, whose revisions restart at 1.
func (l *live) recreate() {
	l.t.Helper()
	if err := l.js.DeleteKeyValue(tctx(l.t), l.name); err != nil {
		l.t.Fatal(err)
	}
	b, err := l.conn.OpenBucket(tctx(l.t), l.cfg)
	if err != nil {
		l.t.Fatal(err)
	}
	l.bucket = b
}

// putN writes n keys prefix.0 … prefix.(n-1) and returns the last revision.
func (l *live) putN(prefix string, n int) uint64 {
	l.t.Helper()
	var head uint64
	for i := range n {
		head = l.put(fmt.Sprintf("%s.k%d", prefix, i), "v")
	}
	return head
}

// stopWhenStored waits until the store's cursor is exactly revision rev (a resync can move it
// down: a re-created bucket's revisions restart), then stops Run and closes the store.
func (s *session) stopWhenStored(t *testing.T, rev uint64) {
	t.Helper()
	eventually(t, fmt.Sprintf("the store at exactly revision %d", rev), func() bool {
		return s.prog.Stats().Stored == kv.CursorFromUint64(rev)
	})
	s.cancel()
	if _, err := s.wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
}

// requireResyncedToBucket checks the end state of every scenario: one resync for a new
// incarnation, its reason logged, the fold equal to the bucket and stamped with its
// incarnation.
func requireResyncedToBucket(t *testing.T, l *live, s *session) {
	t.Helper()
	if st := s.prog.Stats(); st.IncarnationResyncs != 1 || st.Resyncs != 1 {
		t.Fatalf("progress %+v: want exactly one resync, for a new incarnation", st)
	}
	if !s.log.logged(msgResyncing, reasonRecreated) {
		t.Fatalf("no %q logged with reason %q; resync reasons: %v", msgResyncing, reasonRecreated, s.log.reasons(msgResyncing))
	}
	fold, _ := l.folded()
	if want := l.scan(); !maps.Equal(fold, want) {
		t.Fatalf("fold %v differs from the bucket %v", fold, want)
	}
	requireStamped(t, l)
}

// requireStamped checks that the fold on disk names the bucket's live incarnation.
func requireStamped(t *testing.T, l *live) {
	t.Helper()
	live, err := l.bucket.Incarnation(tctx(t))
	if err != nil {
		t.Fatal(err)
	}
	st, err := appendlog.Open(l.snap, appendlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := st.Stamp().Stream; got != live {
		t.Fatalf("the fold is stamped %v, the bucket is %v", got, live)
	}
}

// A bucket deleted and re-created while the fold was down, with more writes than the old
// cursor (a resume would silently skip new.k0…new.k9 and keep old keys) and with fewer: the
// resume takes the resync, and the fold ends equal to the new bucket.
func TestRecreatedBucketIsResyncedNotResumed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes int
	}{{"MoreWritesThanTheCursor", 20}, {"FewerWritesThanTheCursor", 5}} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLive(t, kv.StoreConfig{Name: "recreated"})
			s := l.start(nil)
			s.stopAt(t, l.putN("old", 10))
			requireStamped(t, l)

			l.recreate()
			head := l.putN("new", tc.writes)
			s = l.start(nil)
			s.stopWhenStored(t, head)
			requireResyncedToBucket(t, l, s)
		})
	}
}

// An artifact exported from the old incarnation and imported after the bucket was re-created
// carries the old incarnation (manifest and fold): the loop started on it resyncs, it never
// combines the artifact with the new stream.
func TestArtifactOfAnOldIncarnationIsResynced(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes int
	}{{"MoreWritesThanTheCursor", 20}, {"FewerWritesThanTheCursor", 5}} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLive(t, kv.StoreConfig{Name: "oldartifact"})
			s := l.start(nil)
			s.stopAt(t, l.putN("old", 10))
			old, err := l.bucket.Incarnation(tctx(t))
			if err != nil {
				t.Fatal(err)
			}
			src, err := appendlog.Open(l.snap, appendlog.Options{})
			if err != nil {
				t.Fatal(err)
			}
			art := filepath.Join(t.TempDir(), "artifact")
			m, err := src.ExportArtifact(art)
			if err != nil {
				t.Fatal(err)
			}
			if err := src.Close(); err != nil {
				t.Fatal(err)
			}
			if m.Incarnation != old {
				t.Fatalf("the manifest names %v, the bucket was %v", m.Incarnation, old)
			}

			l.recreate()
			head := l.putN("new", tc.writes)
			dest := filepath.Join(t.TempDir(), "bootstrap")
			imp, _, err := appendlog.Import(art, dest, artifact.ImportOptions{}, appendlog.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := imp.Close(); err != nil {
				t.Fatal(err)
			}
			l.snap = appendlog.ImportedPath(dest) // the bootstrapped node's fold
			s = l.start(nil)
			s.stopWhenStored(t, head)
			requireResyncedToBucket(t, l, s)
		})
	}
}

// A watch that is live when its bucket is deleted and re-created fails (its consumer is gone);
// the restart finds the fold's cursor belongs to the old incarnation and resyncs.
func TestLiveWatchOfARecreatedBucketFailsAndTheRestartResyncs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes int
	}{{"MoreWritesThanTheCursor", 20}, {"FewerWritesThanTheCursor", 5}} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLive(t, kv.StoreConfig{Name: "recreatedlive"})
			s := l.start(nil)
			head := l.putN("old", 10)
			eventually(t, "the live watch folded the old bucket", func() bool {
				return s.prog.Stats().Stored == kv.CursorFromUint64(head)
			})
			l.recreate()
			head = l.putN("new", tc.writes)
			if _, err := s.wait(); !errors.Is(err, kv.ErrWatch) {
				t.Fatalf("the live watch of a deleted bucket ended with %v, want kv.ErrWatch", err)
			}
			if err := s.store.Close(); err != nil {
				t.Fatal(err)
			}
			if fold, _ := l.folded(); fold["new.k0"] != "" {
				t.Fatal("the failed watch folded the new incarnation's updates into the old fold")
			}

			s = l.start(nil)
			s.stopWhenStored(t, head)
			requireResyncedToBucket(t, l, s)
		})
	}
}

// A fold written before incarnations were recorded (no stamp) still resumes, receiving only
// the delta, and says so in the log; its first apply stores the live incarnation.
func TestFoldWithoutIncarnationStillResumes(t *testing.T) {
	l := newLive(t, kv.StoreConfig{Name: "legacy"})
	head := l.putN("old", 10)
	legacy, err := appendlog.Open(l.snap, appendlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var batch []kv.Update
	for i := range 10 {
		batch = append(batch, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("old.k%d", i), Value: []byte("v"), Version: kv.VersionFromUint64(uint64(i + 1))})
	}
	if err := legacy.Apply(batch, kv.CursorFromUint64(head)); err != nil { // as before stamps: no stamp
		t.Fatal(err)
	}
	if err := legacy.Close(); err != nil {
		t.Fatal(err)
	}
	head = l.putN("more", 5)
	s := l.start(nil)
	s.stopWhenStored(t, head)
	if st := s.prog.Stats(); st.Received != 5 || st.Resyncs != 0 {
		t.Fatalf("progress %+v: want the 5-update delta and no resync", st)
	}
	if !s.log.logged(msgUnverified, reasonNoStamp) {
		t.Fatalf("the missing incarnation was not logged")
	}
	fold, _ := l.folded()
	if !maps.Equal(fold, l.scan()) {
		t.Fatalf("fold %v differs from the bucket", fold)
	}
	requireStamped(t, l)
}
