package natsstore

import (
	"fmt"
	"strings"
	"testing"
	"time"
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
