package natsstore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Put returns the new version, and Get returns that key, value and version.
func TestPutThenGetRoundtrips(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "rt")
	v := d.put("node.a", "hello")
	e, ok, err := d.store.Get(testCtx(t), "node.a")
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	if e.Key != "node.a" || string(e.Value) != "hello" || e.Version != v || rev(t, v) == 0 {
		t.Fatalf("get returned %+v, put version %v", e, v)
	}
}

// A missing key is not an error: Get and Entry give ok=false.
func TestGetMissingKey(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "missing")
	if _, ok, err := d.store.Get(testCtx(t), "nope"); ok || err != nil {
		t.Fatalf("get of a missing key: ok=%v err=%v", ok, err)
	}
	if _, ok, err := d.store.Entry(testCtx(t), "nope"); ok || err != nil {
		t.Fatalf("entry of a missing key: ok=%v err=%v", ok, err)
	}
}

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

// Delete hides the key, and deleting an absent key succeeds.
func TestDeleteRemovesKey(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "del")
	d.put("k", "1")
	d.del("k")
	if _, ok, err := d.store.Get(testCtx(t), "k"); ok || err != nil {
		t.Fatalf("get after delete: %v %v", ok, err)
	}
	d.del("never-existed") // succeeds whether or not the key existed
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

// An unknown or non-NATS version is refused with ErrInvalidVersion before any request.
func TestInvalidVersionIsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "badver")
	d.put("k", "1")
	ten, _ := kv.VersionFromBytes([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	before := d.outMsgs()
	for _, v := range []kv.Version{{}, ten} {
		_, err := d.store.Update(testCtx(t), "k", []byte("x"), v)
		mustKind(t, err, kv.ErrInvalidVersion, "update with "+v.String())
		mustKind(t, d.store.DeleteWithVersion(testCtx(t), "k", v), kv.ErrInvalidVersion, "guarded delete with "+v.String())
	}
	if after := d.outMsgs(); after != before {
		t.Fatalf("%d messages were sent for invalid versions", after-before)
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

// Get hides an empty value; Entry shows it.
func TestGetTreatsEmptyValueAsAbsent(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "empty")
	v := d.put("k", "")
	if _, ok, err := d.store.Get(testCtx(t), "k"); ok || err != nil {
		t.Fatalf("get of an empty value: %v %v", ok, err)
	}
	e, ok, err := d.store.Entry(testCtx(t), "k")
	if err != nil || !ok || len(e.Value) != 0 || e.Version != v {
		t.Fatalf("entry of an empty value: %+v %v %v", e, ok, err)
	}
}

// DeleteWithVersion on a never-written key gives ErrRevisionMismatch.
func TestDeleteWithVersionOnMissingKeyIsMismatch(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "dwvmissing")
	mustKind(t, d.store.DeleteWithVersion(testCtx(t), "ghost", kv.VersionFromUint64(1)), kv.ErrRevisionMismatch, "guarded delete of a missing key")
}

func TestInvalidKeyAndValueAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "badinput", func(c *kv.StoreConfig) { c.MaxBytes = 64 << 20 })
	ctx := testCtx(t)
	before := d.outMsgs()
	for _, k := range []string{"", ".a", "a.", "a..b", "a b", "a*", "a.>"} {
		_, err := d.store.Put(ctx, k, []byte("x"))
		mustKind(t, err, kv.ErrInvalidKey, "put "+k)
		_, _, err = d.store.Get(ctx, k)
		mustKind(t, err, kv.ErrInvalidKey, "get "+k)
		_, err = d.store.Create(ctx, k, nil)
		mustKind(t, err, kv.ErrInvalidKey, "create "+k)
		mustKind(t, d.store.Delete(ctx, k), kv.ErrInvalidKey, "delete "+k)
		mustKind(t, d.store.Purge(ctx, k), kv.ErrInvalidKey, "purge "+k)
	}
	limit := d.store.maxValueSize()
	if limit <= 0 || limit >= int(d.store.js.Conn().MaxPayload()) {
		t.Fatalf("max value size %d for max payload %d", limit, d.store.js.Conn().MaxPayload())
	}
	if got := d.store.Capabilities().MaxValueSize; got != limit {
		t.Fatalf("Capabilities().MaxValueSize = %d, writes accept %d", got, limit)
	}
	big := bytes.Repeat([]byte("x"), limit+1)
	_, err := d.store.Put(ctx, "big", big)
	mustKind(t, err, kv.ErrValueTooLarge, "put of max+1 bytes")
	_, err = d.store.Update(ctx, "big", big, kv.VersionFromUint64(1))
	mustKind(t, err, kv.ErrValueTooLarge, "update of max+1 bytes")
	if after := d.outMsgs(); after != before {
		t.Fatalf("%d messages were sent for invalid input", after-before)
	}
	// The largest accepted value really is accepted by the server.
	if _, err := d.store.Put(ctx, "big", big[:limit]); err != nil {
		t.Fatalf("put of exactly the limit (%d bytes): %v", limit, err)
	}
}

func TestClosedConnIsNotConnected(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "closed")
	d.put("k", "1")
	if err := d.conn.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	_, _, err := d.store.Get(ctx, "k")
	mustKind(t, err, kv.ErrNotConnected, "get")
	_, _, err = d.store.LeaderReads().Entry(ctx, "k")
	mustKind(t, err, kv.ErrNotConnected, "leader entry")
	_, err = d.store.Put(ctx, "k", []byte("x"))
	mustKind(t, err, kv.ErrNotConnected, "put")
	_, err = d.store.Update(ctx, "k", []byte("x"), kv.VersionFromUint64(1))
	mustKind(t, err, kv.ErrNotConnected, "update")
	mustKind(t, d.store.Delete(ctx, "k"), kv.ErrNotConnected, "delete")
	mustKind(t, d.store.Purge(ctx, "k"), kv.ErrNotConnected, "purge")
	_, err = d.store.Scan(ctx, "")
	mustKind(t, err, kv.ErrNotConnected, "scan")
	_, err = d.store.Keys(ctx, "")
	mustKind(t, err, kv.ErrNotConnected, "keys")
	mustKind(t, d.store.Watch(ctx, kv.All(), kv.Cursor{}, make(chan kv.Update)), kv.ErrNotConnected, "watch")
	_, err = d.store.CreateWithTTL(ctx, "k", []byte("x"), time.Minute)
	mustKind(t, err, kv.ErrNotConnected, "create with ttl")
}

// Purge reclaims the key's bytes; purging an absent key, or twice, succeeds.
func TestPurgeReclaimsBytes(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "purge")
	val := strings.Repeat("v", 4096)
	for i := range 50 {
		d.put("k."+string(rune('A'+i%26))+string(rune('a'+i/26)), val)
	}
	before := d.streamInfo().State.Bytes
	for i := range 25 {
		if err := d.store.Purge(testCtx(t), "k."+string(rune('A'+i%26))+string(rune('a'+i/26))); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 2*time.Second, fmt.Sprintf("stream bytes fall below %d after purging half the keys", before),
		func() bool { return d.streamInfo().State.Bytes < before })
	if err := d.store.Purge(testCtx(t), "never.existed"); err != nil {
		t.Fatalf("purge of an absent key must succeed: %v", err)
	}
	if err := d.store.Purge(testCtx(t), "k.Aa"); err != nil {
		t.Fatalf("purging twice must succeed: %v", err)
	}
	if _, ok, _ := d.store.Entry(testCtx(t), "k.Aa"); ok {
		t.Fatal("a purged key is gone")
	}
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
