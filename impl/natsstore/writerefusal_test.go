package natsstore

import (
	"bytes"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

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
