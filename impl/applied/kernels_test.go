package applied

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// The mutants below re-declare model/applied's broken kernels (impl/ must not import model/):
// each must make a behaviour test of Run fail, which shows that Run's call site really goes
// through the kernel it names.

// mutRequeueDrop drops the failed batch and keeps only the newer updates.
func mutRequeueDrop(failed, newer []kv.Update) []kv.Update { return append([]kv.Update(nil), newer...) }

// mutBatchHighOnUnknown lets every update move the mark, an unknown version included.
func mutBatchHighOnUnknown(high, version []byte) []byte { return version }

// mutStoreFailureAt stops the loop at the n-th consecutive failure instead of the 16th.
func mutStoreFailureAt(n uint) func(uint, bool) (uint, bool) {
	return func(streak uint, failed bool) (uint, bool) {
		next, _ := protocol.StoreFailure(streak, failed)
		return next, failed && next >= n
	}
}

func funcPtr(f any) uintptr { return reflect.ValueOf(f).Pointer() }

// Run's default kernels are the protocol functions themselves.
func TestDefaultKernelsAreProtocol(t *testing.T) {
	k := kernels{}.withDefaults()
	if funcPtr(k.batchHigh) != funcPtr(protocol.BatchHigh) ||
		funcPtr(k.storeFailure) != funcPtr(protocol.StoreFailure) ||
		funcPtr(k.requeue) != funcPtr(protocol.Requeue[kv.Update]) ||
		funcPtr(k.expiryAdmit) != funcPtr(protocol.ExpiryAdmit) ||
		funcPtr(k.contactLost) != funcPtr(protocol.ExpiryContactLost) ||
		funcPtr(k.contactAdvance) != funcPtr(protocol.ExpiryContactAdvance) {
		t.Fatal("the default kernels are not the protocol functions")
	}
	if funcPtr(k.requeue) == funcPtr(mutRequeueDrop) {
		t.Fatal("the pointer comparison cannot tell functions apart")
	}
}

// The unknown-version behaviour depends on BatchHigh: the mutant clobbers the cursor.
func TestBatchHighCallSite(t *testing.T) {
	c, _ := runUnknownVersion(t, kernels{batchHigh: mutBatchHighOnUnknown})
	if rev(t, c) == 5 {
		t.Fatal("with the BatchHigh mutant the unknown version did not clobber the cursor: the call site bypasses the kernel")
	}
}

// runFailOnce folds a@1, b@2 with max 1 over a store whose first Apply fails, reopens the
// disk and returns it: the re-queued a must be committed together with b under cursor 2.
func runFailOnce(t *testing.T, k kernels) *memStore {
	t.Helper()
	disk := newDisk()
	st := openMem(disk)
	st.fail = func(call int, _ []kv.Update) (int, error) {
		if call == 1 {
			return -1, errInjected
		}
		return 0, nil
	}
	p := &Progress{}
	cfg := Config[string]{
		Watcher:  &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}},
		Store:    st,
		Batch:    BatchConfig{Window: time.Hour, Max: 1},
		Progress: p,
		kernels:  k,
	}
	if _, err := Run(bg(), cfg); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.StoreFailures != 1 {
		t.Fatalf("store failures %d, want 1", s.StoreFailures)
	}
	return openMem(disk)
}

// A transient store failure never leaves a gap below the store's cursor.
func TestTransientStoreFailureLeavesNoGap(t *testing.T) {
	st := runFailOnce(t, kernels{})
	if got := st.dump(); got != "a=1@1 b=2@2" || rev(t, st.Cursor()) != 2 {
		t.Fatalf("reopened store %q at %v; want a and b at cursor 2", got, st.Cursor())
	}
}

// The re-queue depends on Requeue: the mutant drops a and the store claims cursor 2 without it.
func TestRequeueCallSite(t *testing.T) {
	st := runFailOnce(t, kernels{requeue: mutRequeueDrop})
	if _, ok, _ := st.Get("a"); ok {
		t.Fatal("with the Requeue mutant a still reached the store: the call site bypasses the kernel")
	}
}

// runDeadStore runs over a store that always fails and returns the number of Apply calls
// before Run stopped, and its error.
func runDeadStore(t *testing.T, k kernels) (int, error) {
	t.Helper()
	st := openMem(newDisk())
	st.fail = func(int, []kv.Update) (int, error) { return -1, errInjected }
	var stream []rec
	for i := uint64(1); i <= 40; i++ {
		stream = append(stream, put(i, fmt.Sprintf("k%d", i), "v"))
	}
	cfg := Config[string]{Watcher: &scriptWatcher{stream: stream}, Store: st,
		Batch: BatchConfig{Window: time.Hour, Max: 1}, kernels: k}
	_, err := Run(bg(), cfg)
	return st.applyCalls(), err
}

// A dead store stops the loop at exactly the 16th consecutive failure.
func TestStoreFailStopAtSixteenth(t *testing.T) {
	calls, err := runDeadStore(t, kernels{})
	if !errors.Is(err, ErrStoreFailed) || !errors.Is(err, errInjected) || calls != protocol.MaxStoreApplyFailures {
		t.Fatalf("stopped after %d store applies with %v; want ErrStoreFailed at the 16th", calls, err)
	}
}

// The fail-stop depends on StoreFailure: a mutant stopping at 15 (or 17) is caught.
func TestStoreFailureCallSite(t *testing.T) {
	for _, n := range []uint{15, 17} {
		calls, err := runDeadStore(t, kernels{storeFailure: mutStoreFailureAt(n)})
		if !errors.Is(err, ErrStoreFailed) {
			t.Fatalf("mutant %d: %v", n, err)
		}
		if calls == protocol.MaxStoreApplyFailures {
			t.Fatalf("with the StoreFailure mutant (stop at %d) the loop still stopped at 16: the call site bypasses the kernel", n)
		}
	}
}

// A panicking store is fatal at once, not retried.
func TestStorePanicIsFatal(t *testing.T) {
	st := openMem(newDisk())
	st.fail = func(int, []kv.Update) (int, error) { panic("store exploded") }
	_, err := Run(bg(), Config[string]{Watcher: &scriptWatcher{stream: []rec{put(1, "a", "1")}}, Store: st})
	if !errors.Is(err, ErrStoreFailed) || st.applyCalls() != 1 {
		t.Fatalf("Run error %v after %d applies", err, st.applyCalls())
	}
}
