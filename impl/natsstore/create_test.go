package natsstore

import (
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A Create on a deleted key succeeds even when another client's delete replaces the marker
// between Create's read of it and its guarded write: the key was deleted the whole time, so
// "already exists" would be a wrong answer (a linearizability check of a real history caught it).
func TestCreateOnADeletedKeySurvivesAConcurrentDelete(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "createrace")
	d.put("k", "1")
	d.del("k")
	var attempts []int
	d.store.hooks.createRetry = func(attempt int) {
		attempts = append(attempts, attempt)
		if attempt == 2 {
			d.del("k") // replaces the marker Create has just read
		}
	}
	v, err := d.store.Create(testCtx(t), "k", []byte("2"))
	if err != nil {
		t.Fatalf("create on a deleted key whose marker was replaced: %v", err)
	}
	if !slices.Equal(attempts, []int{2, 3}) {
		t.Errorf("retries %v, want [2 3] (one re-read after the replaced marker)", attempts)
	}
	e, ok, err := d.store.LeaderReads().Get(testCtx(t), "k")
	if err != nil || !ok || string(e.Value) != "2" || e.Version != v {
		t.Fatalf("leader read after create: %q %v %v %v, want \"2\" at %v", e.Value, e.Version, ok, err, v)
	}
}

// A marker replaced on every attempt ends Create with ErrWriteInFlight (nothing decided), never
// with ErrAlreadyExists, and the key stays deleted.
func TestCreateGivesUpUndecidedWhenTheMarkerKeepsChanging(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "createchurn")
	d.put("k", "1")
	d.del("k")
	d.store.hooks.createRetry = func(int) { d.del("k") }
	_, err := d.store.Create(testCtx(t), "k", []byte("2"))
	mustKind(t, err, kv.ErrWriteInFlight, "create against a marker replaced on every attempt")
	if _, ok, err := d.store.LeaderReads().Get(testCtx(t), "k"); err != nil || ok {
		t.Fatalf("the key should still be deleted: ok=%v err=%v", ok, err)
	}
}

// A live value still answers ErrAlreadyExists at once, without a retry.
func TestCreateOnALiveKeyDoesNotRetry(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "createlive")
	d.put("k", "1")
	d.store.hooks.createRetry = func(int) { t.Error("Create retried against a live value") }
	_, err := d.store.Create(testCtx(t), "k", []byte("2"))
	mustKind(t, err, kv.ErrAlreadyExists, "create on a live key")
}
