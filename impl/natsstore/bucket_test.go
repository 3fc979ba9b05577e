package natsstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// The same config twice gives two working handles on one bucket.
func TestOpenBucketIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	cfg := kv.StoreConfig{Name: "twice", MaxHistory: 3, MaxBytes: 8 << 20}
	s1, err := c.OpenBucket(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c.OpenBucket(testCtx(t), cfg)
	if err != nil {
		t.Fatalf("second OpenBucket with the same config: %v", err)
	}
	rev, err := s1.kv.Put(testCtx(t), "k", []byte("through-1"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := s2.kv.Get(testCtx(t), "k")
	if err != nil || string(e.Value()) != "through-1" || e.Revision() != rev {
		t.Fatalf("handle 2 does not read handle 1's write: %v", err)
	}
	if s1.Name() != "twice" || s2.Name() != "twice" {
		t.Fatalf("names %q, %q", s1.Name(), s2.Name())
	}
}

// An existing bucket is returned as it is: a different config is not reconciled.
func TestOpenBucketDoesNotReconcile(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "keep", MaxHistory: 5}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []kv.DiscardPolicy{kv.DiscardNew, kv.DiscardOld} {
		if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "keep", MaxHistory: 1, Discard: d, Storage: kv.StorageMemory}); err != nil {
			t.Fatal(err)
		}
	}
	info := streamInfoOf(t, srv, "keep")
	if info.Config.MaxMsgsPerSubject != 5 || info.Config.Discard != jetstream.DiscardNew || info.Config.Storage != jetstream.FileStorage {
		t.Fatalf("existing bucket was changed: history %d, discard %v, storage %v",
			info.Config.MaxMsgsPerSubject, info.Config.Discard, info.Config.Storage)
	}
}

// StorageType is honoured on both creation paths. The nats.go path
// leaves deny_delete set and the raw path does not, which shows which path made the stream.
func TestStorageTypeHonouredOnBothPaths(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	for _, tc := range []struct {
		name    string
		storage kv.StorageType
		discard kv.DiscardPolicy
		want    jetstream.StorageType
		raw     bool
	}{
		{"mem_new", kv.StorageMemory, kv.DiscardNew, jetstream.MemoryStorage, false},
		{"file_new", kv.StorageFile, kv.DiscardNew, jetstream.FileStorage, false},
		{"mem_old", kv.StorageMemory, kv.DiscardOld, jetstream.MemoryStorage, true},
		{"file_old", kv.StorageFile, kv.DiscardOld, jetstream.FileStorage, true},
	} {
		if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: tc.name, Storage: tc.storage, Discard: tc.discard}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		info := streamInfoOf(t, srv, tc.name)
		if info.Config.Storage != tc.want {
			t.Errorf("%s: storage %v, want %v", tc.name, info.Config.Storage, tc.want)
		}
		if raw := !info.Config.DenyDelete; raw != tc.raw {
			t.Errorf("%s: created by the raw path = %v, want %v", tc.name, raw, tc.raw)
		}
	}
	// The raw path is also the fallback for DiscardNew: force it and read memory back.
	f := injectFaultyJS(c)
	f.createErr = errors.New("injected create failure")
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "mem_fallback", Storage: kv.StorageMemory}); err != nil {
		t.Fatal(err)
	}
	if info := streamInfoOf(t, srv, "mem_fallback"); info.Config.Storage != jetstream.MemoryStorage || info.Config.DenyDelete {
		t.Fatalf("fallback: storage %v, deny_delete %v", info.Config.Storage, info.Config.DenyDelete)
	}
}

// The discard policy reads back as set, and behaves so: DiscardOld evicts, the default
// (DiscardNew, which nats.go's creation always sends) rejects writes when full.
func TestDiscardPolicyReadBackAndBehaviour(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	old, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "feed", Discard: kv.DiscardOld, MaxBytes: 1 << 20, MaxHistory: 1})
	if err != nil {
		t.Fatal(err)
	}
	def, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "config", MaxBytes: 1 << 20, MaxHistory: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d := streamInfoOf(t, srv, "feed").Config.Discard; d != jetstream.DiscardOld {
		t.Fatalf("DiscardOld bucket reads back discard=%v", d)
	}
	if d := streamInfoOf(t, srv, "config").Config.Discard; d != jetstream.DiscardNew {
		t.Fatalf("default bucket reads back discard=%v", d)
	}
	value := make([]byte, 64<<10)
	ctx := testCtx(t)
	var rejected error
	for i := range 40 { // 2.5 MiB into 1 MiB buckets
		key := "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if _, err := old.kv.Put(ctx, key, value); err != nil {
			t.Fatalf("DiscardOld bucket rejected write %d: %v", i, err)
		}
		if rejected == nil {
			_, rejected = def.kv.Put(ctx, key, value)
		}
	}
	if rejected == nil {
		t.Fatal("DiscardNew bucket accepted 2.5 MiB into 1 MiB")
	}
	if n := streamInfoOf(t, srv, "feed").State.Msgs; n >= 40 {
		t.Fatalf("DiscardOld bucket kept all %d messages: nothing was evicted", n)
	}
}

// MaxHistory above 64 (e.g. 65, or 256, which a uint8 conversion would wrap to 0) and invalid
// bucket names are rejected with ErrInvalidConfig before any request is sent.
func TestInvalidConfigRejectedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	spy := spyOn(t, srv, "$JS.API.>")
	c := connectTo(t, srv, Config{})
	var zero Conn
	for _, cfg := range []kv.StoreConfig{
		{Name: "hist", MaxHistory: 65},
		{Name: "hist", MaxHistory: 256},
		{Name: "a.b"},
		{Name: "a b"},
		{Name: "a*"},
		{Name: "a>"},
		{Name: ""},
		{Name: "neg", MaxAge: -time.Second},
	} {
		for _, conn := range []*Conn{c, &zero} {
			_, err := conn.OpenBucket(testCtx(t), cfg)
			if !errors.Is(err, kv.ErrInvalidConfig) {
				t.Fatalf("%+v: OpenBucket = %v, want ErrInvalidConfig", cfg, err)
			}
		}
	}
	if msgs := spy.seen(t, c.nc); len(msgs) != 0 {
		t.Fatalf("invalid configs sent %d JetStream API requests, first on %s", len(msgs), msgs[0].Subject)
	}
	_, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "hist", MaxHistory: 65})
	if !strings.Contains(err.Error(), "64") {
		t.Fatalf("history error %q does not state the limit", err)
	}
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "hist", MaxHistory: 64}); err != nil {
		t.Fatalf("MaxHistory 64 is valid: %v", err)
	}
	if h := streamInfoOf(t, srv, "hist").Config.MaxMsgsPerSubject; h != 64 {
		t.Fatalf("MaxHistory 64 read back as %d", h)
	}
	for h, ok := range map[uint32]bool{0: false, 1: true, 64: true, 65: false, 256: false, 1<<32 - 1: false} {
		got, err := historyUint8(kv.StoreConfig{MaxHistory: h})
		if (err == nil) != ok || (ok && uint32(got) != h) {
			t.Errorf("historyUint8(%d) = %d, %v", h, got, err)
		}
	}
}

// AllowTTL creates the bucket with per-message TTLs and expiry markers on both paths, and the
// store reports the TTL capability from the stream.
func TestAllowTTLOnBothPaths(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{MarkerTTL: 5 * time.Minute})
	for _, d := range []kv.DiscardPolicy{kv.DiscardNew, kv.DiscardOld} {
		name := "ttl_" + d.String()
		s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: name, AllowTTL: true, Discard: d})
		if err != nil {
			t.Fatal(err)
		}
		info := streamInfoOf(t, srv, name)
		if !info.Config.AllowMsgTTL || info.Config.SubjectDeleteMarkerTTL != 5*time.Minute {
			t.Fatalf("%s: allow_msg_ttl %v, marker TTL %v", name, info.Config.AllowMsgTTL, info.Config.SubjectDeleteMarkerTTL)
		}
		if !s.allowTTL || !s.Capabilities().TTL {
			t.Fatalf("%s: the store does not know its bucket allows TTLs", name)
		}
		// Reopening an existing TTL bucket reads the capability from the stream, not the config.
		again, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: name})
		if err != nil || !again.allowTTL {
			t.Fatalf("%s reopened without AllowTTL: allowTTL %v, %v", name, again != nil && again.allowTTL, err)
		}
	}
	plain, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "ttl_none", Discard: kv.DiscardOld})
	if err != nil || plain.allowTTL {
		t.Fatalf("bucket without AllowTTL: allowTTL %v, %v", plain != nil && plain.allowTTL, err)
	}
}
