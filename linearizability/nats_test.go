package linearizability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// TestRealNATSHistoryHolds records concurrent clients against a real (embedded, single-node)
// NATS server through the KV adapter and checks the history: the model must agree with what
// NATS actually does (create after delete, compare-and-swap at revision 0, delete markers,
// leader and direct reads), and a watch must see every record.
//
// Deletes are all guarded: an unconditional Delete of an already deleted key, concurrent with a
// Create, makes Create report already-exists on a deleted key (a real finding, kept as a golden
// history in testdata/check/violates.txt), which would fail this test for a reason it does not own.
func TestRealNATSHistoryHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS server")
	}
	srv := embedded.StartT(t)
	ctx := context.Background()
	conn, err := natsstore.Connect(ctx, natsstore.Config{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	store, err := conn.OpenBucket(ctx, kv.StoreConfig{Name: "lin", Storage: kv.StorageMemory, MaxHistory: kv.MaxHistoryLimit})
	if err != nil {
		t.Fatal(err)
	}

	rec := NewRecorder()
	obs := Observer{Clock: rec.Now}
	updates := make(chan kv.Update, 256)
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watchDone := make(chan error, 1)
	go func() { watchDone <- store.Watch(watchCtx, kv.All(), kv.CursorFromUint64(0), updates) }()
	go func() {
		for u := range updates {
			obs.Observe(u)
		}
	}()

	// The watch is live once it has delivered a record written after it started.
	first, err := store.Put(ctx, "sentinel", []byte("start"))
	if err != nil {
		t.Fatal(err)
	}
	firstRev, _ := first.Uint64()
	waitObserved(t, &obs, firstRev)

	var wg sync.WaitGroup
	for c := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := NewKV(rec.NewClient(), store, store.LeaderReads(), store)
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			known := map[string]kv.Version{}
			for i := range 120 {
				key := fmt.Sprintf("k%d", rng.IntN(3))
				val := fmt.Appendf(nil, "c%d-%d", c, i)
				var ver kv.Version
				var err error
				switch r := rng.IntN(8); r {
				case 0:
					ver, err = k.Put(ctx, key, val)
				case 1:
					ver, err = k.Create(ctx, key, val)
				case 2:
					ver, err = k.Update(ctx, key, val, knownOrZero(known[key]))
				case 3: // unconditional deletes race Create (see the create-vs-delete golden history)
					err = k.DeleteWithVersion(ctx, key, knownOrZero(known[key]))
				case 4:
					err = k.DeleteWithVersion(ctx, key, knownOrZero(known[key]))
				case 5:
					var e kv.Entry
					e, _, err = k.DirectGet(ctx, key)
					ver = e.Version
				default:
					var e kv.Entry
					e, _, err = k.LeaderGet(ctx, key)
					ver = e.Version
				}
				if err == nil && !ver.IsUnknown() {
					known[key] = ver
				}
			}
		}()
	}
	wg.Wait()

	last, err := store.Put(ctx, "sentinel", []byte("end"))
	if err != nil {
		t.Fatal(err)
	}
	lastRev, _ := last.Uint64()
	waitObserved(t, &obs, lastRev)
	stopWatch()
	if err := <-watchDone; err != nil {
		t.Fatal(err)
	}

	ops, st, err := Resolve(rec.Operations(), obs.Writes(), true)
	if err != nil || len(st.Contradicted) != 0 {
		t.Fatalf("resolve: %+v, %v", st, err)
	}
	outcomes := map[Outcome]int{}
	for _, op := range ops {
		outcomes[op.Outcome]++
	}
	if outcomes[OutcomeAlreadyExists] == 0 || outcomes[OutcomeRevisionMismatch] == 0 {
		t.Fatalf("the workload never exercised a decided failure: %v", outcomes)
	}
	rep, err := Check(ops, Options{Timeout: time.Minute})
	if err != nil || rep.Verdict != Holds {
		t.Fatalf("%s, %v (outcomes %v)", rep, err, outcomes)
	}
	direct, err := CheckDirect(ops, Options{Timeout: time.Minute})
	if err != nil || direct.Verdict != Holds || direct.DirectGets == 0 {
		t.Fatalf("direct: %+v, %v", direct, err)
	}
	t.Logf("%s; outcomes %v; direct gets %d, stale %d", rep, outcomes, direct.DirectGets, direct.Stale)
}

// waitObserved waits until the observer holds every revision 1..last (a deadline bounds it).
func waitObserved(t *testing.T, obs *Observer, last uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !obs.Complete(1, last) {
		if time.Now().After(deadline) {
			t.Fatalf("the watch did not deliver every revision up to %d", last)
		}
		time.Sleep(10 * time.Millisecond) // polling for the watch to catch up, with a deadline
	}
}

// knownOrZero is the revision a client expects: the last it saw, or 0 (never written).
func knownOrZero(v kv.Version) kv.Version {
	if v.IsUnknown() {
		return kv.VersionFromUint64(0)
	}
	return v
}
