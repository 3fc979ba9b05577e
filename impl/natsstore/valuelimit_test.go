package natsstore

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// assertValueLimit checks that st accepts values of exactly limit bytes through Put, Create and
// Update, and refuses limit+1 with kv.ErrValueTooLarge through every value-bearing write
// without sending anything.
func assertValueLimit(t *testing.T, st *Store, limit int) {
	t.Helper()
	ctx := testCtx(t)
	if got := st.Capabilities().MaxValueSize; got != limit {
		t.Fatalf("Capabilities().MaxValueSize = %d, want %d", got, limit)
	}
	big := bytes.Repeat([]byte("x"), limit+1)
	before := st.js.Conn().Stats().OutMsgs
	_, errPut := st.Put(ctx, "big", big)
	_, errCreate := st.Create(ctx, "big", big)
	_, errUpdate := st.Update(ctx, "big", big, kv.VersionFromUint64(1))
	for name, err := range map[string]error{"put": errPut, "create": errCreate, "update": errUpdate} {
		mustKind(t, err, kv.ErrValueTooLarge, name+" of limit+1 bytes")
	}
	if after := st.js.Conn().Stats().OutMsgs; after != before {
		t.Fatalf("%d messages were sent for oversize values", after-before)
	}
	// Exactly the limit is accepted by the server too, also with a compare-and-swap header.
	v, err := st.Create(ctx, "fits", big[:limit])
	if err != nil {
		t.Fatalf("create of exactly %d bytes: %v", limit, err)
	}
	if _, err := st.Update(ctx, "fits", big[:limit], v); err != nil {
		t.Fatalf("update of exactly %d bytes: %v", limit, err)
	}
	if _, err := st.Put(ctx, "fits", big[:limit]); err != nil {
		t.Fatalf("put of exactly %d bytes: %v", limit, err)
	}
}

// A bucket created here with StoreConfig.MaxValueSize accepts exactly that much, on both
// creation paths (nats.go for DiscardNew, the raw STREAM.CREATE for DiscardOld), and its stream
// reads back the limit plus the header room.
func TestBucketValueLimitCreatedHere(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	const limit = 4000
	for _, d := range []kv.DiscardPolicy{kv.DiscardNew, kv.DiscardOld} {
		name := "limit_" + d.String()
		st, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: name, MaxValueSize: limit, Discard: d})
		if err != nil {
			t.Fatal(err)
		}
		if got := streamInfoOf(t, srv, name).Config.MaxMsgSize; got != limit+headerRoom {
			t.Fatalf("discard %v: stream MaxMsgSize = %d, want %d", d, got, limit+headerRoom)
		}
		assertValueLimit(t, st, limit)
		// Reopened, the limit comes from the stream info, not from the config passed again.
		again, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if got := again.Capabilities().MaxValueSize; got != limit {
			t.Fatalf("discard %v: reopened MaxValueSize = %d, want %d", d, got, limit)
		}
	}
	// Without MaxValueSize only the server's limit applies.
	st, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "nolimit"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Capabilities().MaxValueSize, int(valueLimit(st.js.Conn().MaxPayload())); got != want {
		t.Fatalf("no bucket limit: MaxValueSize = %d, want the server's %d", got, want)
	}
}

// A bucket created by another tool (nats.go's own KeyValueConfig.MaxValueSize) has its limit
// read from the stream's MaxMsgSize: this store keeps the header room out of it.
func TestBucketValueLimitCreatedElsewhere(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	_, js := rawClient(t, srv)
	for name, m := range map[string]int32{"other_big": 8192, "other_tiny": 600} {
		if _, err := js.CreateKeyValue(testCtx(t), jetstream.KeyValueConfig{Bucket: name, MaxValueSize: m}); err != nil {
			t.Fatal(err)
		}
		st, err := connectTo(t, srv, Config{}).OpenBucket(testCtx(t), kv.StoreConfig{Name: name, MaxValueSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		assertValueLimit(t, st, int(valueLimit(int64(m))))
	}
	if got := valueLimit(8192); got != 8192-headerRoom {
		t.Fatalf("valueLimit(8192) = %d", got)
	}
	if got := valueLimit(600); got != 300 {
		t.Fatalf("valueLimit(600) = %d: a limit below twice the header room keeps half for headers", got)
	}
	if valueLimit(0) != 0 || valueLimit(-1) != 0 {
		t.Fatal("no limit must give 0")
	}
}

// MaxValueSize is validated before any request: negative, or too large to leave room for headers.
func TestMaxValueSizeValidated(t *testing.T) {
	t.Parallel()
	var zero Conn
	for _, m := range []int32{-1, math.MaxInt32 - headerRoom + 1, math.MaxInt32} {
		_, err := zero.OpenBucket(context.Background(), kv.StoreConfig{Name: "b", MaxValueSize: m})
		if !errors.Is(err, kv.ErrInvalidConfig) {
			t.Errorf("MaxValueSize %d: %v, want ErrInvalidConfig", m, err)
		}
	}
}
