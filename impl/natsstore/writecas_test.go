package natsstore

import (
	"errors"
	"sync"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A second Create of a live key gives ErrAlreadyExists.
func TestCreateConflictsOnLiveKey(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "create")
	if _, err := d.store.Create(testCtx(t), "k", []byte("1")); err != nil {
		t.Fatal(err)
	}
	_, err := d.store.Create(testCtx(t), "k", []byte("2"))
	mustKind(t, err, kv.ErrAlreadyExists, "second create")
}

// Update with the current version succeeds; a stale one gives ErrRevisionMismatch and writes nothing.
func TestUpdateCASSucceedsThenDetectsConflict(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "cas")
	v1 := d.put("k", "1")
	v2, err := d.store.Update(testCtx(t), "k", []byte("2"), v1)
	if err != nil || v2 == v1 || rev(t, v2) <= rev(t, v1) {
		t.Fatalf("update with the current version: %v %v", v2, err)
	}
	_, err = d.store.Update(testCtx(t), "k", []byte("3"), v1)
	mustKind(t, err, kv.ErrRevisionMismatch, "update with a stale version")
	if errors.Is(err, kv.ErrWriteInFlight) {
		t.Fatal("a single-node stale CAS is decided (10071), not in flight")
	}
	if e, _, _ := d.store.Get(testCtx(t), "k"); string(e.Value) != "2" {
		t.Fatalf("the failed update must not write: %q", e.Value)
	}
	// Version 0 means "never written".
	if _, err := d.store.Update(testCtx(t), "fresh", []byte("x"), kv.VersionFromUint64(0)); err != nil {
		t.Fatalf("update at version 0 of a fresh key: %v", err)
	}
	_, err = d.store.Update(testCtx(t), "fresh", []byte("y"), kv.VersionFromUint64(0))
	mustKind(t, err, kv.ErrRevisionMismatch, "update at version 0 of a written key")
}

// DeleteWithVersion is compare-and-swap gated and writes a real delete marker (watchers see a Delete).
func TestDeleteWithVersionIsCASGated(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "dwv")
	v := d.put("k", "1")
	err := d.store.DeleteWithVersion(testCtx(t), "k", kv.VersionFromUint64(999999))
	mustKind(t, err, kv.ErrRevisionMismatch, "guarded delete with a wrong version")
	if e, ok, _ := d.store.Get(testCtx(t), "k"); !ok || string(e.Value) != "1" {
		t.Fatal("a refused delete must leave the key")
	}
	if err := d.store.DeleteWithVersion(testCtx(t), "k", v); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.store.Get(testCtx(t), "k"); ok || err != nil {
		t.Fatalf("get after guarded delete: %v %v", ok, err)
	}
	if _, ok, err := d.store.Entry(testCtx(t), "k"); ok || err != nil {
		t.Fatalf("a real delete marker hides the key from Entry too: %v %v", ok, err)
	}
	// Version 0 guards "never written": on a written key it is a mismatch, not an unguarded delete.
	d.put("z", "1")
	err = d.store.DeleteWithVersion(testCtx(t), "z", kv.VersionFromUint64(0))
	mustKind(t, err, kv.ErrRevisionMismatch, "guarded delete at version 0 of a written key")
	if _, ok, _ := d.store.Get(testCtx(t), "z"); !ok {
		t.Fatal("DeleteWithVersion(0) must not delete unconditionally")
	}
}

// Create succeeds on a key whose last record is a plain delete marker.
func TestCreateSucceedsAfterPlainDelete(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "recreate")
	d.put("k", "1")
	d.del("k")
	v, err := d.store.Create(testCtx(t), "k", []byte("2"))
	if err != nil || rev(t, v) == 0 {
		t.Fatalf("create after delete: %v %v", v, err)
	}
	if e, ok, _ := d.store.Get(testCtx(t), "k"); !ok || string(e.Value) != "2" {
		t.Fatalf("get after re-create: %q %v", e.Value, ok)
	}
}

// DeleteWithVersion frees the key for Create (a real marker), while the empty-value tombstone
// older writers leave with a compare-and-swap does not — and all readers hide that tombstone.
func TestCreateAfterTheTwoTombstones(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "tomb")
	v := d.put("a", "1")
	if err := d.store.DeleteWithVersion(testCtx(t), "a", v); err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.Create(testCtx(t), "a", []byte("again")); err != nil {
		t.Fatalf("create after a guarded delete: %v", err)
	}
	w := d.put("b", "1")
	if _, err := d.store.Update(testCtx(t), "b", nil, w); err != nil { // the empty-value tombstone of older writers
		t.Fatal(err)
	}
	_, err := d.store.Create(testCtx(t), "b", []byte("x"))
	mustKind(t, err, kv.ErrAlreadyExists, "create over an empty-value tombstone")
	if _, ok, _ := d.store.Get(testCtx(t), "b"); ok {
		t.Fatal("get must hide the empty-value tombstone")
	}
}

// DeleteWithVersion on a never-written key gives ErrRevisionMismatch.
func TestDeleteWithVersionOnMissingKeyIsMismatch(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "dwvmissing")
	mustKind(t, d.store.DeleteWithVersion(testCtx(t), "ghost", kv.VersionFromUint64(1)), kv.ErrRevisionMismatch, "guarded delete of a missing key")
}

// Concurrent creates: exactly one winner (the lease's primitive).
func TestConcurrentCreateHasOneWinner(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "race")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.store.Create(testCtx(t), "lease", []byte{byte(i)})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, kv.ErrAlreadyExists):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d creates won", wins)
	}
}
