package natsstore

import (
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
