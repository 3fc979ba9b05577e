package natsstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A bucket's incarnation names it and stays the same across reads and a server restart; the
// same bucket deleted and created again under the same name is another incarnation, seen also
// through the handle opened before; a deleted bucket is kv.ErrKeyNotFound.
func TestIncarnationTellsARecreatedBucketApart(t *testing.T) {
	d := newTestBucket(t, "inc")
	first, err := d.store.Incarnation(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if first.IsZero() || first.Name() != "inc" || !first.Created().Equal(d.streamInfo().Created) {
		t.Fatalf("incarnation %v, want inc@%v", first, d.streamInfo().Created)
	}
	if err := d.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the incarnation after a restart", func() bool {
		again, err := d.store.Incarnation(testCtx(t))
		if err == nil && again != first {
			t.Fatalf("after a restart the incarnation is %v, was %v", again, first)
		}
		return err == nil
	})
	if err := d.js.DeleteKeyValue(testCtx(t), "inc"); err != nil {
		t.Fatal(err)
	}
	_, err = d.store.Incarnation(testCtx(t))
	mustKind(t, err, kv.ErrKeyNotFound, "incarnation of a deleted bucket")
	if _, err := d.conn.OpenBucket(testCtx(t), kv.StoreConfig{Name: "inc"}); err != nil {
		t.Fatal(err)
	}
	second, err := d.store.Incarnation(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if second == first || second.Name() != "inc" {
		t.Fatalf("the re-created bucket reports %v, the first one %v", second, first)
	}
}

// A floor-guard trip is recognisable without importing this package, through
// kv.ErrWatchOverrun.
func TestFloorGuardTripMatchesTheKVSentinel(t *testing.T) {
	if !errors.Is(ErrFloorGuardTripped, kv.ErrWatchOverrun) || errors.Is(ErrFloorGuardTripped, kv.ErrCursorExpired) {
		t.Fatal("ErrFloorGuardTripped does not match exactly kv.ErrWatchOverrun")
	}
}

// A watch of a deleted bucket ends with kv.ErrKeyNotFound, not kv.ErrWatch: no new watch can
// outlive it, so a caller that restarts watches on kv.ErrWatch stops here.
func TestWatchOfADeletedBucketIsNotFound(t *testing.T) {
	d := newTestBucket(t, "gone")
	if err := d.js.DeleteKeyValue(testCtx(t), "gone"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background()) // a watch's ctx carries no deadline
	defer cancel()
	for _, from := range []kv.Cursor{{}, kv.CursorFromUint64(1)} {
		err := d.store.Watch(ctx, kv.All(), from, make(chan kv.Update, 1))
		mustKind(t, err, kv.ErrKeyNotFound, "watch of a deleted bucket from "+from.String())
		if errors.Is(err, kv.ErrWatch) {
			t.Fatalf("watch of a deleted bucket from %v also matches kv.ErrWatch: %v", from, err)
		}
	}
}
