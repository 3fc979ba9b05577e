package natsstore

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

func entryKeys(es []kv.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key
	}
	return out
}

// consumers returns the number of consumers on the bucket's stream.
func (d *bucketFixture) consumers() int { return d.streamInfo().State.Consumers }

// Scan returns the last value of each key and skips deleted keys, leaving no consumer behind.
func TestScanReturnsLastValuePerKeyAndSkipsDeletes(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "scan")
	d.put("node.a", "1")
	d.put("node.a", "2")
	d.put("node.b", "3")
	d.put("other.c", "4")
	d.del("node.b")
	got, err := d.store.Scan(testCtx(t), "node.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "node.a" || string(got[0].Value) != "2" {
		t.Fatalf("scan(node.) = %+v", got)
	}
	if n := d.consumers(); n != 0 {
		t.Fatalf("scan left %d consumers behind", n)
	}
}

// A scanned version is the key's real revision (a CAS with it succeeds): it is read from the
// right token of the ACK subject, never from the trailing num_pending.
func TestScanVersionMatchesLiveRevision(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "scanver")
	d.put("node.a", "1")
	vb := d.put("node.b", "2")
	d.put("node.c", "3")
	got, err := d.store.Scan(testCtx(t), "node")
	if err != nil {
		t.Fatal(err)
	}
	var found kv.Entry
	for _, e := range got {
		if e.Key == "node.b" {
			found = e
		}
	}
	if found.Version != vb {
		t.Fatalf("scan version of node.b is %v, its put returned %v", found.Version, vb)
	}
	if _, err := d.store.Update(testCtx(t), "node.b", []byte("x"), found.Version); err != nil {
		t.Fatalf("CAS with the scanned version: %v", err)
	}
}

// Keys hides deleted, out-of-prefix and empty-value keys exactly as Get and Scan do.
func TestKeysHidesTombstonesLikeGetAndScan(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "keys")
	d.put("node.a", "1")
	vb := d.put("node.b", "2")
	d.put("node.c", "3")
	d.put("other.x", "4")
	d.del("node.c")
	if _, err := d.store.Update(testCtx(t), "node.b", nil, vb); err != nil { // empty-value tombstone
		t.Fatal(err)
	}
	keys, err := d.store.Keys(testCtx(t), "node.")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"node.a"}) {
		t.Fatalf("keys(node.) = %q", keys)
	}
	scan, _ := d.store.Scan(testCtx(t), "node.")
	if !slices.Equal(entryKeys(scan), []string{"node.a"}) {
		t.Fatalf("scan(node.) = %q", entryKeys(scan))
	}
	if _, ok, _ := d.store.Get(testCtx(t), "node.b"); ok {
		t.Fatal("get must hide node.b")
	}
	if n := d.consumers(); n != 0 {
		t.Fatalf("keys left %d consumers behind", n)
	}
}

// The empty prefix lists the whole bucket; an empty bucket lists as empty, without an error.
func TestEmptyPrefixListsEverything(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "all")
	d.put("node.a", "1")
	d.put("other.b", "2")
	d.put("third.c", "3")
	d.del("other.b")
	scan, err := d.store.Scan(testCtx(t), "")
	if err != nil || !slices.Equal(entryKeys(scan), []string{"node.a", "third.c"}) {
		t.Fatalf("scan(\"\") = %q, %v", entryKeys(scan), err)
	}
	keys, err := d.store.Keys(testCtx(t), "")
	if err != nil || !slices.Equal(keys, []string{"node.a", "third.c"}) {
		t.Fatalf("keys(\"\") = %q, %v", keys, err)
	}
	empty := newTestBucket(t, "none")
	if k, err := empty.store.Keys(testCtx(t), ""); err != nil || len(k) != 0 {
		t.Fatalf("keys of an empty bucket: %q, %v", k, err)
	}
	if s, err := empty.store.Scan(testCtx(t), "x"); err != nil || len(s) != 0 {
		t.Fatalf("scan of an empty bucket: %v, %v", s, err)
	}
}

// A prefix is a subtree at a token boundary; "node" and "node." are the same, and
// "node" does not select "nodes.x". Invalid prefixes are refused before any request.
func TestPrefixIsASubtree(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "subtree")
	d.put("node.a", "1")
	d.put("nodes.x", "2")
	d.put("node", "3")
	d.put("node.b.c", "4")
	for _, p := range []string{"node", "node."} {
		keys, err := d.store.Keys(testCtx(t), p)
		if err != nil || !slices.Equal(keys, []string{"node.a", "node.b.c"}) {
			t.Fatalf("keys(%q) = %q, %v", p, keys, err)
		}
	}
	before := d.outMsgs()
	for _, p := range []string{"node.*", ">", "a..b", ".a", "a b"} {
		_, err := d.store.Keys(testCtx(t), p)
		mustKind(t, err, kv.ErrInvalidScope, "keys("+p+")")
		_, err = d.store.Scan(testCtx(t), p)
		mustKind(t, err, kv.ErrInvalidScope, "scan("+p+")")
	}
	if d.outMsgs() != before {
		t.Fatal("an invalid prefix sent a request")
	}
}

// More keys than the default max_ack_pending (1000), which would stall an acknowledging consumer.
func TestScanAndKeysCoverMoreThanAnAckWindow(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "big", func(c *kv.StoreConfig) { c.MaxBytes = 64 << 20 })
	const n = 1500
	for i := range n {
		if _, err := d.js.PublishAsync(fmt.Sprintf("$KV.big.k.%04d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-d.js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		t.Fatal("seeding did not complete")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	scan, err := d.store.Scan(ctx, "")
	if err != nil || len(scan) != n {
		t.Fatalf("scan returned %d of %d: %v", len(scan), n, err)
	}
	keys, err := d.store.Keys(ctx, "k")
	if err != nil || len(keys) != n {
		t.Fatalf("keys returned %d of %d: %v", len(keys), n, err)
	}
	for i, e := range scan {
		if e.Key != fmt.Sprintf("k.%04d", i) || rev(t, e.Version) != uint64(i)+1 || keys[i] != e.Key {
			t.Fatalf("entry %d: %s %v / %s", i, e.Key, e.Version, keys[i])
		}
	}
}

// A scan cancelled after its consumer exists returns an error (never a partial result) and
// still deletes its consumer; so does a scan whose context is already cancelled.
func TestCancelledScanFailsAndCleansUp(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "cancel")
	for i := range 20 {
		d.put(fmt.Sprintf("k.%d", i), "v")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := d.store.Scan(ctx, ""); err == nil {
		t.Fatalf("a cancelled scan returned %d entries and no error", len(got))
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	created := 0
	d.store.hooks.consumerCreated = func(string) {
		created = d.consumers()
		cancel()
	}
	if got, err := d.store.Keys(ctx, ""); err == nil {
		t.Fatalf("a scan cancelled mid-way returned %d keys and no error", len(got))
	}
	if created != 1 {
		t.Fatalf("the hook saw %d consumers, want the listing's 1", created)
	}
	if n := d.consumers(); n != 0 {
		t.Fatalf("%d consumers left behind", n)
	}
}

// The per-message bound: a server that goes away while a listing drains makes it fail with
// kv.ErrTimeout within about the request timeout (plus the bounded consumer delete), never a
// hang and never a partial result.
func TestListingStallIsATimeout(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	const timeout = 500 * time.Millisecond
	d := openTestBucket(t, srv, Config{URL: srv.URL(), RequestTimeout: timeout}, "stall")
	for i := range 20 {
		d.put(fmt.Sprintf("k.%d", i), "v")
	}
	d.store.hooks.consumerCreated = func(string) { srv.Stop() }
	start := time.Now()
	got, err := d.store.Scan(context.Background(), "")
	mustKind(t, err, kv.ErrTimeout, "scan with the server gone mid-drain")
	if got != nil {
		t.Fatalf("a failed scan returned %d entries", len(got))
	}
	if el := time.Since(start); el > 4*timeout {
		t.Fatalf("the stalled scan took %v with a %v request timeout", el, timeout)
	}
}

// A key that arrives twice during a listing (written while it ran) is kept once, at the
// position of its later record, with the earlier record released; a later tombstone removes it.
func TestSupersededRecordsAreDropped(t *testing.T) {
	t.Parallel()
	e := func(k string, r uint64) kv.Entry {
		return kv.Entry{Key: k, Value: []byte(k), Version: kv.VersionFromUint64(r)}
	}
	l := liveSet[kv.Entry]{keyOf: func(x kv.Entry) string { return x.Key }}
	l.record(e("a", 1), true)
	l.record(e("b", 2), true)
	l.record(e("c", 3), true)
	l.record(e("a", 4), true)  // a written during the listing
	l.record(e("b", 5), false) // b deleted during the listing
	if l.items[0].Value != nil || l.items[1].Value != nil {
		t.Fatal("superseded records still hold their values")
	}
	got := l.result()
	same := func(x, y kv.Entry) bool {
		return x.Key == y.Key && string(x.Value) == string(y.Value) && x.Version == y.Version
	}
	if len(got) != 2 || !same(got[0], e("c", 3)) || !same(got[1], e("a", 4)) {
		t.Fatalf("result = %v, want c@3 then a@4", got)
	}
	keys := liveSet[string]{keyOf: func(k string) string { return k }}
	if r := keys.result(); r == nil || len(r) != 0 {
		t.Fatalf("an empty listing gives %#v, want an empty, non-nil slice", r)
	}
}
