package linearizability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want Outcome
	}{
		{nil, OutcomeOK},
		{kv.NewError("create", "k", kv.ErrAlreadyExists, nil), OutcomeAlreadyExists},
		{kv.NewError("update", "k", kv.ErrRevisionMismatch, nil), OutcomeRevisionMismatch},
		{kv.NewError("update", "k", kv.ErrWriteInFlight, nil), OutcomeWriteInFlight},
		{kv.NewError("update", "k", kv.ErrInvalidVersion, nil), OutcomeNotSent},
		{kv.NewError("put", "k", kv.ErrTimeout, context.DeadlineExceeded), OutcomeUnknown},
		{kv.NewError("put", "k", kv.ErrNotConnected, nil), OutcomeUnknown},
		{errors.New("anything else"), OutcomeUnknown},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}

// TestKVRecordsEveryCall drives every adapter method once against the fake bucket and checks
// what was recorded: inputs, outputs, outcome classes and ordered times.
func TestKVRecordsEveryCall(t *testing.T) {
	ctx := context.Background()
	rec := NewRecorder()
	b := newFakeBucket()
	k := NewKV(rec.NewClient(), b, b, b)

	v1, err := k.Create(ctx, "a", []byte("v1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Create(ctx, "a", []byte("v2")); !errors.Is(err, kv.ErrAlreadyExists) {
		t.Fatalf("second create: %v", err)
	}
	if _, err := k.Update(ctx, "a", []byte("v3"), kv.VersionFromUint64(99)); !errors.Is(err, kv.ErrRevisionMismatch) {
		t.Fatalf("stale update: %v", err)
	}
	v4, err := k.Update(ctx, "a", []byte("v4"), v1)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.LeaderGet(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := k.DeleteWithVersion(ctx, "a", v4); err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.DirectGet(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	ops := rec.Operations()
	want := []struct {
		kind     Kind
		outcome  Outcome
		rev      uint64
		expected uint64
		found    bool
	}{
		{KindCreate, OutcomeOK, 1, 0, false},
		{KindCreate, OutcomeAlreadyExists, 0, 0, false},
		{KindUpdate, OutcomeRevisionMismatch, 0, 99, false},
		{KindUpdate, OutcomeOK, 2, 1, false},
		{KindLeaderGet, OutcomeOK, 2, 0, true},
		{KindDeleteWithVersion, OutcomeOK, 0, 2, false},
		{KindDirectGet, OutcomeOK, 0, 0, false},
		{KindDelete, OutcomeOK, 0, 0, false},
	}
	if len(ops) != len(want) {
		t.Fatalf("recorded %d operations, want %d: %+v", len(ops), len(want), ops)
	}
	for i, w := range want {
		op := ops[i]
		if op.Kind != w.kind || op.Outcome != w.outcome || op.Revision != w.rev || op.Expected != w.expected || op.Found != w.found {
			t.Errorf("op %d = %+v, want %+v", i, op, w)
		}
	}
	if ops[4].Read != "v4" {
		t.Errorf("leader get read %q, want v4", ops[4].Read)
	}
	if err := ValidateHistory(ops); err != nil {
		t.Fatalf("recorded history does not validate: %v", err)
	}
}

// TestUnknownOutcomeRenewsClient: after a timeout the client continues under a new id, and
// the history stays valid for porcupine.
func TestUnknownOutcomeRenewsClient(t *testing.T) {
	ctx := context.Background()
	rec := NewRecorder()
	b := newFakeBucket()
	k := NewKV(rec.NewClient(), b, b, b)
	before := k.Client().ID()
	b.failNext = kv.NewError("put", "a", kv.ErrTimeout, context.DeadlineExceeded)
	if _, err := k.Put(ctx, "a", []byte("x")); !errors.Is(err, kv.ErrTimeout) {
		t.Fatalf("put: %v", err)
	}
	after := k.Client().ID()
	if after == before {
		t.Fatalf("client id stayed %d after an unknown outcome", before)
	}
	b.failNext = kv.NewError("update", "a", kv.ErrWriteInFlight, nil)
	if _, err := k.Update(ctx, "a", []byte("y"), kv.VersionFromUint64(1)); !errors.Is(err, kv.ErrWriteInFlight) {
		t.Fatalf("update: %v", err)
	}
	if got := k.Client().ID(); got != after {
		t.Fatalf("client id changed from %d to %d after a write-in-flight (nothing decided, nothing pending)", after, got)
	}
	ops := rec.Operations()
	if ops[0].Outcome != OutcomeUnknown || ops[0].Client != before || ops[1].Client != after {
		t.Fatalf("unexpected history %+v", ops)
	}
	if err := ValidateHistory(ops); err != nil {
		t.Fatal(err)
	}
}

// TestRecorderConcurrentClients records from several goroutines (run with -race) and checks
// each client's stream is sequential and complete.
func TestRecorderConcurrentClients(t *testing.T) {
	rec := NewRecorder()
	b := newFakeBucket()
	const clients, each = 8, 200
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := NewKV(rec.NewClient(), b, b, b)
			for i := range each {
				key := fmt.Sprintf("k%d", i%3)
				if _, err := k.Put(context.Background(), key, fmt.Appendf(nil, "c%d-%d", c, i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	ops := rec.Operations()
	if len(ops) != clients*each || rec.Len() != len(ops) {
		t.Fatalf("recorded %d operations, want %d", len(ops), clients*each)
	}
	if err := ValidateHistory(ops); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHistory(&buf, ops); err != nil {
		t.Fatal(err)
	}
	back, err := ReadHistory(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(ops) {
		t.Fatalf("round trip kept %d of %d operations", len(back), len(ops))
	}
	for i := range ops {
		if back[i] != ops[i] {
			t.Fatalf("operation %d changed in the round trip: %+v → %+v", i, ops[i], back[i])
		}
	}
}

func TestClientUsedConcurrentlyPanics(t *testing.T) {
	c := NewRecorder().NewClient()
	defer func() {
		if recover() == nil {
			t.Fatal("a nested Record on one client did not panic")
		}
	}()
	c.Record(Operation{Key: "a", Kind: KindPut}, func(*Operation) {
		c.Record(Operation{Key: "a", Kind: KindPut}, func(*Operation) {})
	})
}
