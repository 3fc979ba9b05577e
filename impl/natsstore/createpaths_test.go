package natsstore

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// faultyJS wraps the real JetStream context and injects failures into the bucket lookup and
// the nats.go creation.
type faultyJS struct {
	jetstream.JetStream
	mu           sync.Mutex
	lookupErrs   []error // returned by the next KeyValue calls, one each
	lookupAlways error   // returned by every KeyValue call once lookupErrs is used up
	createErr    error   // returned by every CreateKeyValue call
	lookups      int
	creates      int
}

func (f *faultyJS) KeyValue(ctx context.Context, bucket string) (jetstream.KeyValue, error) {
	f.mu.Lock()
	f.lookups++
	var err error
	if len(f.lookupErrs) > 0 {
		err, f.lookupErrs = f.lookupErrs[0], f.lookupErrs[1:]
	} else {
		err = f.lookupAlways
	}
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.JetStream.KeyValue(ctx, bucket)
}

func (f *faultyJS) CreateKeyValue(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	f.mu.Lock()
	f.creates++
	err := f.createErr
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return f.JetStream.CreateKeyValue(ctx, cfg)
}

func (f *faultyJS) counts() (lookups, creates int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lookups, f.creates
}

// injectFaultyJS installs a fake JetStream context on c (before any store is opened).
func injectFaultyJS(c *Conn) *faultyJS {
	f := &faultyJS{JetStream: c.js}
	c.js = f
	return f
}

// DiscardOld goes only through the raw STREAM.CREATE (nats.go cannot express it), and the
// request carries the fields of a KV stream; DiscardNew tries nats.go first and needs no raw
// request.
func TestCreatePathsOnTheWire(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	spy := spyOn(t, srv, "$JS.API.STREAM.CREATE.>")
	c := connectTo(t, srv, Config{})
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "wire_old", Discard: kv.DiscardOld, MaxHistory: 7,
		MaxAge: time.Hour, MaxBytes: 2 << 20, Storage: kv.StorageMemory}); err != nil {
		t.Fatal(err)
	}
	msgs := spy.seen(t, c.nc)
	if len(msgs) != 1 || msgs[0].Subject != "$JS.API.STREAM.CREATE.KV_wire_old" {
		t.Fatalf("DiscardOld sent %d create requests, want exactly the raw one", len(msgs))
	}
	var body map[string]any
	if err := json.Unmarshal(msgs[0].Data, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "KV_wire_old", "max_msgs_per_subject": 7.0, "max_bytes": float64(2 << 20),
		"max_age": float64(time.Hour), "storage": "memory", "allow_rollup_hdrs": true, "deny_delete": false,
		"deny_purge": false, "allow_direct": true, "discard": "old", "num_replicas": 1.0, "retention": "limits",
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("raw create field %s = %v, want %v", k, body[k], v)
		}
	}
	if subj, _ := body["subjects"].([]any); len(subj) != 1 || subj[0] != "$KV.wire_old.>" {
		t.Errorf("raw create subjects = %v", body["subjects"])
	}
	// MaxAge ages keys out, so the bucket gets subject delete markers (and per-message TTLs,
	// which markers need) even without AllowTTL.
	if body["allow_msg_ttl"] != true || body["subject_delete_marker_ttl"] != float64(DefaultMarkerTTL) {
		t.Errorf("raw create with MaxAge: allow_msg_ttl %v, subject_delete_marker_ttl %v; want markers for %v",
			body["allow_msg_ttl"], body["subject_delete_marker_ttl"], DefaultMarkerTTL)
	}
	info := streamInfoOf(t, srv, "wire_old")
	if info.Config.MaxAge != time.Hour || info.Config.MaxBytes != 2<<20 || info.Config.MaxMsgsPerSubject != 7 {
		t.Fatalf("raw-created stream reads back %+v", info.Config)
	}

	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "wire_new"}); err != nil {
		t.Fatal(err)
	}
	msgs = spy.seen(t, c.nc)
	if len(msgs) != 2 || !strings.Contains(string(msgs[1].Data), `"deny_delete":true`) {
		t.Fatalf("DiscardNew should send only nats.go's create; saw %d requests", len(msgs))
	}
}

// A failing or timed-out nats.go create falls through to the raw path, and a
// failing lookup falls through to creation.
func TestFailuresFallThrough(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	for _, injected := range []error{context.DeadlineExceeded, nats.ErrTimeout, errors.New("injected: permission denied")} {
		c := connectTo(t, srv, Config{})
		f := injectFaultyJS(c)
		f.createErr = injected
		name := "fall_" + strings.NewReplacer(" ", "_", ":", "").Replace(injected.Error())[:8]
		s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: name})
		if err != nil {
			t.Fatalf("create failing with %q: OpenBucket = %v, want the raw fallback to succeed", injected, err)
		}
		if lookups, creates := f.counts(); lookups != 2 || creates != 1 {
			t.Fatalf("create failing with %q: %d lookups, %d creates; want lookup, create, raw, re-verify", injected, lookups, creates)
		}
		if streamInfoOf(t, srv, name).Config.DenyDelete {
			t.Fatalf("create failing with %q: the stream was not made by the raw path", injected)
		}
		roundTrip(t, s, "k", "v")
	}

	// A lookup failure on an existing bucket: create (nats.go says it exists with another
	// config), raw (10058, tolerated), re-verify finds it, unchanged.
	c := connectTo(t, srv, Config{})
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "exists", MaxHistory: 3}); err != nil {
		t.Fatal(err)
	}
	f := injectFaultyJS(c)
	f.lookupErrs = []error{errors.New("injected: lookup failed")}
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "exists", MaxHistory: 1})
	if err != nil {
		t.Fatalf("lookup failing on an existing bucket: %v", err)
	}
	if lookups, creates := f.counts(); lookups != 2 || creates != 1 {
		t.Fatalf("%d lookups, %d creates; want 2 and 1", lookups, creates)
	}
	if h := streamInfoOf(t, srv, "exists").Config.MaxMsgsPerSubject; h != 3 {
		t.Fatalf("existing bucket's history changed to %d", h)
	}
	roundTrip(t, s, "k", "v")
}

// The re-verify after the raw create always runs and its failure is an error (a tolerated
// answer proves nothing):
// ErrConnectionFailed for an error, ErrTimeout for a timeout.
func TestReverifyFailureIsAnError(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	for _, tc := range []struct {
		injected error
		want     error
	}{
		{errors.New("injected: not permitted"), kv.ErrConnectionFailed},
		{context.DeadlineExceeded, kv.ErrTimeout},
	} {
		c := connectTo(t, srv, Config{})
		f := injectFaultyJS(c)
		f.lookupAlways = tc.injected
		_, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "reverify", Discard: kv.DiscardOld})
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "get bucket after raw create") {
			t.Fatalf("re-verify failing with %q: OpenBucket = %v, want %v", tc.injected, err, tc.want)
		}
		if lookups, creates := f.counts(); lookups != 2 || creates != 0 {
			t.Fatalf("%d lookups, %d creates; want 2 lookups and no nats.go create for DiscardOld", lookups, creates)
		}
	}
}

// The account's stream limit: the raw create's "maximum number of streams" is tolerated, the
// re-verify then decides — an existing bucket still opens, a new one fails with a hint.
func TestStreamLimitIsToleratedAndReverified(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "only"}); err != nil {
		t.Fatal(err)
	}
	err := srv.NATS().GlobalAccount().UpdateJetStreamLimits(map[string]server.JetStreamAccountLimits{
		"": {MaxMemory: -1, MaxStore: -1, MaxStreams: 1, MaxConsumers: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	o := &opener{c: c, nc: c.nc, js: c.js, cfg: kv.StoreConfig{Name: "second"}.WithDefaults(), history: 1,
		timeout: 5 * time.Second, markerTTL: time.Hour, log: c.logger()}
	res, err := o.rawCreate(testCtx(t))
	if err != nil || res.outcome != createStreamLimit {
		t.Fatalf("raw create past the stream limit = %v (%d %q), %v; want StreamLimit", res.outcome, res.code, res.description, err)
	}
	_, err = c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "second"})
	if !errors.Is(err, kv.ErrConnectionFailed) || !strings.Contains(err.Error(), "stream limit") {
		t.Fatalf("new bucket past the stream limit: %v", err)
	}
	f := injectFaultyJS(c)
	f.lookupErrs = []error{errors.New("injected: lookup failed")}
	if _, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "only", MaxHistory: 2}); err != nil {
		t.Fatalf("existing bucket at the stream limit: %v", err)
	}
}

// Raw create answers from a real server: created, created again with the same config
// (JetStream is idempotent), already exists (10058) with another config, and a refusal.
func TestRawCreateAgainstServer(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	c := connectTo(t, srv, Config{})
	raw := func(cfg kv.StoreConfig) createResponse {
		t.Helper()
		cfg = cfg.WithDefaults()
		h, err := historyUint8(cfg)
		if err != nil {
			t.Fatal(err)
		}
		o := &opener{c: c, nc: c.nc, js: c.js, cfg: cfg, history: h, timeout: 5 * time.Second, markerTTL: time.Hour, log: c.logger()}
		res, err := o.rawCreate(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if r := raw(kv.StoreConfig{Name: "rc"}); r.outcome != createCreated || r.notJSON {
		t.Fatalf("first raw create: %v %d %q", r.outcome, r.code, r.description)
	}
	if r := raw(kv.StoreConfig{Name: "rc"}); r.outcome != createCreated {
		t.Fatalf("identical raw create: %v %d %q", r.outcome, r.code, r.description)
	}
	if r := raw(kv.StoreConfig{Name: "rc", MaxHistory: 9}); r.outcome != createAlreadyExists || r.errCode != 10058 {
		t.Fatalf("raw create with another config: %v code %d err_code %d %q", r.outcome, r.code, r.errCode, r.description)
	}
	if r := raw(kv.StoreConfig{Name: "rc3", Replicas: 3}); r.outcome != createFailed || r.code == 0 {
		t.Fatalf("raw create with 3 replicas on one server: %v %d %q", r.outcome, r.code, r.description)
	}
	_, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "rc3", Replicas: 3})
	var ke *kv.Error
	if !errors.Is(err, kv.ErrConnectionFailed) || !strings.Contains(err.Error(), "JetStream error") ||
		!errors.As(err, &ke) || ke.Hint == "" {
		t.Fatalf("OpenBucket refused by the server = %v, want ErrConnectionFailed with the JetStream error and a hint", err)
	}
}

// A server without JetStream: OpenBucket fails with ErrConnectionFailed saying to enable it.
// A fake JetStream API answering the raw create with bytes that are not JSON: the answer is
// logged as hex and the re-verify (which finds nothing) decides — never taken on faith.
func TestRawCreateWithoutJetStream(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t, embedded.Options{Configure: func(o *server.Options) { o.JetStream = false }})
	var logs logBuffer
	c := connectTo(t, srv, Config{RequestTimeout: 2 * time.Second, Logger: logs.logger()})
	_, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "nojs"})
	if !errors.Is(err, kv.ErrConnectionFailed) || !strings.Contains(err.Error(), "enable JetStream") {
		t.Fatalf("OpenBucket without JetStream = %v", err)
	}

	fake, _ := rawClient(t, srv)
	if _, err := fake.Subscribe("$JS.API.STREAM.CREATE.KV_garbled", func(m *nats.Msg) {
		_ = m.Respond([]byte{0xff, 0x00, 0x7b})
	}); err != nil {
		t.Fatal(err)
	}
	if err := fake.Flush(); err != nil {
		t.Fatal(err)
	}
	_, err = c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "garbled", Discard: kv.DiscardOld})
	if !errors.Is(err, kv.ErrConnectionFailed) || !strings.Contains(err.Error(), "get bucket after raw create") {
		t.Fatalf("non-JSON raw answer without a bucket behind it = %v, want the re-verify to fail", err)
	}
	if !strings.Contains(logs.String(), "0xff007b") {
		t.Fatalf("the non-JSON answer was not logged as hex:\n%s", logs.String())
	}
}
