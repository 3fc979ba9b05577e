package applied

import (
	"errors"
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
	"github.com/slipstream-go/slipstream/protocol"
)

func run(t *testing.T, cfg Config) (*Model, *check.Result[State]) {
	t.Helper()
	m := MustNew(cfg)
	return m, check.Run[State](m, check.Options{})
}

func property(t *testing.T, m *Model, name string) check.Property[State] {
	t.Helper()
	for _, p := range m.Properties() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("model has no property %q", name)
	return check.Property[State]{}
}

// requireReplayedViolation replays the counterexample of the named property from the initial
// state through Next, action by action, and requires its last state to violate the property.
func requireReplayedViolation(t *testing.T, m *Model, r *check.Result[State], name string) check.Trace[State] {
	t.Helper()
	tr := checktest.RequireViolated(t, r, name)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("counterexample to %q does not replay: %v\n%v", name, err, tr)
	}
	if property(t, m, name).Holds(tr.Last()) {
		t.Fatalf("the replayed counterexample's last state satisfies %q:\n%v", name, tr)
	}
	return tr
}

func TestDefaultKernelsAreTheProtocolFunctions(t *testing.T) {
	d := DefaultKernels()
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"BatchHigh", d.BatchHigh, protocol.BatchHigh},
		{"StoreFailure", d.StoreFailure, protocol.StoreFailure},
		{"Requeue", d.Requeue, protocol.Requeue[[]byte]},
		{"RestartAfter", d.RestartAfter, protocol.WatchRestartAfter},
	} {
		if reflect.ValueOf(c.got).Pointer() != reflect.ValueOf(c.want).Pointer() {
			t.Errorf("DefaultKernels().%s is not protocol.%s", c.name, c.name)
		}
	}
	// New fills unset kernels with exactly these functions.
	k := MustNew(Config{}).k
	if reflect.ValueOf(k.BatchHigh).Pointer() != reflect.ValueOf(protocol.BatchHigh).Pointer() ||
		reflect.ValueOf(k.StoreFailure).Pointer() != reflect.ValueOf(protocol.StoreFailure).Pointer() ||
		reflect.ValueOf(k.Requeue).Pointer() != reflect.ValueOf(protocol.Requeue[[]byte]).Pointer() {
		t.Fatal("New(Config{}) does not run the production kernels")
	}
	if reflect.ValueOf(MustNew(Config{Mutation: DropFailedBatch}).k.Requeue).Pointer() != reflect.ValueOf(MutRequeueDrop).Pointer() {
		t.Fatal("DropFailedBatch does not swap in the dropping re-queue kernel")
	}
}

// baseTable is the base model's transition table transcribed directly, without kernels: the
// audit that routing the flush's decisions through the production kernels leaves the base
// model's transitions unchanged.
func baseTable(mut Mutation, s State, emit func(string, State)) {
	if s.Head < MaxRev {
		t := s
		t.Head++
		emit(ActChurn, t)
	}
	if s.Delivered < s.Head {
		t := s
		t.Delivered++
		emit(ActDeliver, t)
	}
	if s.Delivered > s.QFrom {
		t := s
		if s.QFrom > s.StoreCursor {
			t.Holes = true
		}
		t.StoreCursor, t.QFrom, t.AppliedMem = s.Delivered, s.Delivered, s.Delivered
		emit(ActFlushOk, t)
		t = s
		t.AppliedMem = s.Delivered
		if mut == DropFailedBatch {
			t.QFrom = s.Delivered
		}
		emit(ActFlushFail, t)
	}
	resume := s.StoreCursor
	if mut == ResumeFromMemApplied {
		resume = s.AppliedMem
	}
	t := s
	if resume > s.StoreCursor {
		t.Holes = true
	}
	t.Delivered, t.QFrom, t.AppliedMem = resume, max(resume, s.StoreCursor), resume
	emit(ActCrashRestart, t)
}

func TestTransitionsEqualTheBaseTable(t *testing.T) {
	for _, mut := range []Mutation{Shipped, DropFailedBatch, ResumeFromMemApplied} {
		t.Run(mut.String(), func(t *testing.T) {
			checktest.RequireSameTransitions[State](t, MustNew(Config{Mutation: mut}), func(s State, emit func(string, State)) {
				baseTable(mut, s, emit)
			}, 100)
		})
	}
}

func TestShippedFlushSemanticsPreserveCursorAuthority(t *testing.T) {
	_, r := run(t, Config{})
	checktest.RequireAll(t, r)
}

// Both mutations of the base model, checked with their hazard witness: the hazard is reachable.
func TestMutationsReachTheHazard(t *testing.T) {
	for _, mut := range []Mutation{DropFailedBatch, ResumeFromMemApplied} {
		m, r := run(t, Config{Mutation: mut, Properties: HazardWitness})
		checktest.RequireAll(t, r)
		tr := checktest.RequireReached(t, r, PropHazard)
		if err := check.Replay[State](m, tr); err != nil {
			t.Fatalf("%v: hazard witness does not replay: %v", mut, err)
		}
		if !tr.Last().Holes {
			t.Fatalf("%v: hazard witness ends without holes:\n%v", mut, tr)
		}
	}
}

// The contrast: under each mutation the shipped invariant itself has a counterexample, and so
// do the other two shipped invariants, once the exploration is exhaustive.
func TestDroppingFailedBatchesCorruptsTheFold(t *testing.T) {
	m, r := run(t, Config{Mutation: DropFailedBatch})
	tr := requireReplayedViolation(t, m, r, PropStoreComplete)
	// The shortest corruption: a failed flush drops revision 1, a later flush commits
	// revision 2 with cursor 2 over the gap.
	names := actionNames(tr)
	if want := []string{ActChurn, ActChurn, ActDeliver, ActFlushFail, ActDeliver, ActFlushOk}; !reflect.DeepEqual(names, want) {
		t.Errorf("shortest corruption is %v, want %v:\n%v", names, want, tr)
	}
	requireReplayedViolation(t, m, r, PropRequeueAnchored)
	requireReplayedViolation(t, m, r, PropQuiescence)
}

func TestResumingFromMemoryCursorCorruptsTheFold(t *testing.T) {
	m, r := run(t, Config{Mutation: ResumeFromMemApplied})
	tr := requireReplayedViolation(t, m, r, PropStoreComplete)
	if want := []string{ActChurn, ActDeliver, ActFlushFail, ActCrashRestart}; !reflect.DeepEqual(actionNames(tr), want) {
		t.Errorf("shortest corruption is %v, want %v:\n%v", actionNames(tr), want, tr)
	}
	requireReplayedViolation(t, m, r, PropRequeueAnchored)
	requireReplayedViolation(t, m, r, PropQuiescence)
}

func actionNames(tr check.Trace[State]) []string {
	var out []string
	for _, a := range tr.Actions() {
		out = append(out, a.Name)
	}
	return out
}

func TestUnknownVersionsExtensionHolds(t *testing.T) {
	_, r := run(t, Config{UnknownVersions: true})
	checktest.RequireAll(t, r)
	if r.Property(PropUnknownPending) == nil {
		t.Fatal("the UnknownVersions extension does not check its witness property")
	}
}

// A batch high-water that moves on an unknown version clobbers the flushed position: the
// store ends quiescent behind the head.
func TestBatchHighMovingOnUnknownVersionIsCaught(t *testing.T) {
	m, r := run(t, Config{UnknownVersions: true, Kernels: Kernels{BatchHigh: MutBatchHighOnUnknown}})
	tr := requireReplayedViolation(t, m, r, PropQuiescence)
	// The clobbering flush is one whose batch has positioned updates followed by the unknown
	// one: the unknown update was received after the last delivery (a real order).
	names := actionNames(tr)
	lastDeliver, unknown := -1, -1
	for i, n := range names {
		switch n {
		case ActDeliver:
			lastDeliver = i
		case ActReceiveUnknown:
			unknown = i
		}
	}
	if unknown < lastDeliver || unknown < 0 || names[len(names)-1] != ActFlushOk {
		t.Fatalf("counterexample does not end with deliveries, an unknown update, and its flush: %v", names)
	}
	if tr.Last().StoreCursor >= tr.Last().Head {
		t.Fatalf("counterexample ends with the store at the head:\n%v", tr)
	}
}

func TestFailStopExtensionHolds(t *testing.T) {
	_, r := run(t, Config{FailStop: true})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropDeadStore)
	fails := 0
	for _, n := range actionNames(tr) {
		if n == ActFlushFail {
			fails++
		}
	}
	if fails != protocol.MaxStoreApplyFailures {
		t.Fatalf("the shortest fail-stop takes %d failed flushes, want %d:\n%v", fails, protocol.MaxStoreApplyFailures, tr)
	}
}

func TestFailStopThresholdOffByOneIsCaught(t *testing.T) {
	for _, n := range []uint{FailStopAt - 1, FailStopAt + 1} {
		m, r := run(t, Config{FailStop: true, Kernels: Kernels{StoreFailure: MutStoreFailureAt(n)}})
		tr := requireReplayedViolation(t, m, r, PropFailStopAt16)
		last := tr.Last()
		if n < FailStopAt && !(last.Stopped && last.Streak == uint8(n)) {
			t.Errorf("threshold %d: counterexample should stop at streak %d: %v", n, n, last)
		}
		if n > FailStopAt && !(!last.Stopped && last.Streak == FailStopAt) {
			t.Errorf("threshold %d: counterexample should run on at streak %d: %v", n, FailStopAt, last)
		}
	}
}

// A re-queue kernel supplied together with DropFailedBatch (which is itself a re-queue
// kernel) is refused, not silently replaced; either one alone is accepted.
func TestNewRefusesTwoRequeueKernels(t *testing.T) {
	m, err := New(Config{Mutation: DropFailedBatch, Kernels: Kernels{Requeue: protocol.Requeue[[]byte]}})
	if !errors.Is(err, ErrKernelConflict) || m != nil {
		t.Fatalf("New with both re-queue kernels = %v, %v; want nil, ErrKernelConflict", m, err)
	}
	if _, err := New(Config{Mutation: DropFailedBatch}); err != nil {
		t.Fatalf("DropFailedBatch alone: %v", err)
	}
	if _, err := New(Config{Kernels: Kernels{Requeue: MutRequeueDrop}}); err != nil {
		t.Fatalf("a re-queue kernel alone: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustNew accepted a conflicting configuration")
		}
	}()
	MustNew(Config{Mutation: DropFailedBatch, Kernels: Kernels{Requeue: MutRequeueDrop}})
}
