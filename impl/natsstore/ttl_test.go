package natsstore

import (
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func TestCreateWithTTLNeedsABucketThatAllowsIt(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "nottl")
	before := d.outMsgs()
	_, err := d.store.CreateWithTTL(testCtx(t), "k", []byte("v"), time.Minute)
	mustKind(t, err, kv.ErrUnsupported, "TTL on a bucket without TTLs")
	if d.outMsgs() != before {
		t.Fatal("an unsupported TTL write sent a request")
	}
	if d.store.Capabilities().TTL {
		t.Fatal("Capabilities must not advertise TTL on this bucket (it was not created with AllowTTL)")
	}
}

func TestCreateWithTTLExpires(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "ttl", func(c *kv.StoreConfig) { c.AllowTTL = true })
	if !d.store.Capabilities().TTL {
		t.Fatal("a bucket created with AllowTTL must report TTL")
	}
	_, err := d.store.CreateWithTTL(testCtx(t), "k", []byte("v"), 100*time.Millisecond)
	mustKind(t, err, kv.ErrUnsupported, "a TTL below one second")
	w := d.startWatch(kv.All(), kv.Cursor{})
	v, err := d.store.CreateWithTTL(testCtx(t), "k", []byte("v"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, w.next(t), kv.OpPut, "k", "v")
	if _, err := d.store.CreateWithTTL(testCtx(t), "k", []byte("w"), time.Second); err == nil {
		t.Fatal("CreateWithTTL on a live key must fail like Create")
	}
	if e, ok, _ := d.store.Get(testCtx(t), "k"); !ok || e.Version != v {
		t.Fatal("the value must be readable before it expires")
	}
	u := w.next(t) // the server's expiry marker, within 5 s
	if !u.IsDelete() || u.Key != "k" {
		t.Fatalf("after the TTL the watch saw %v %s, want a delete or purge", u.Op, u.Key)
	}
	if _, ok, err := d.store.Get(testCtx(t), "k"); ok || err != nil {
		t.Fatalf("get after expiry: %v %v", ok, err)
	}
	if _, err := d.store.Create(testCtx(t), "k", []byte("again")); err != nil {
		t.Fatalf("an expired key is free for Create: %v", err)
	}
}
