package nemesis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestParseKinds(t *testing.T) {
	all, err := ParseKinds("")
	if err != nil || !slices.Equal(all, AllKinds) {
		t.Fatalf("empty: %v %v", all, err)
	}
	ks, err := ParseKinds("kill, stepdown,kill")
	if err != nil || !slices.Equal(ks, []Kind{Kill, StepDown}) {
		t.Fatalf("list: %v %v", ks, err)
	}
	if ks, err := ParseKinds("none"); err != nil || len(ks) != 0 {
		t.Fatalf("none: %v %v", ks, err)
	}
	if _, err := ParseKinds("kill,meteor"); err == nil {
		t.Fatal("an unknown fault type was accepted")
	}
}

func TestPlanInjectsEveryKindFirstAndIsSeeded(t *testing.T) {
	a := Schedule(7, AllKinds, 3, DefaultSpacing, 30)
	b := Schedule(7, AllKinds, 3, DefaultSpacing, 30)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed drew two schedules")
	}
	if c := Schedule(8, AllKinds, 3, DefaultSpacing, 30); slices.Equal(a, c) {
		t.Fatal("two seeds drew the same schedule")
	}
	first := map[Kind]bool{}
	for _, f := range a[:len(AllKinds)] {
		first[f.Kind] = true
	}
	if len(first) != len(AllKinds) {
		t.Fatalf("the first %d faults cover only %v", len(AllKinds), first)
	}
	for i, f := range a {
		if f.Heal < f.At || (i > 0 && f.At <= a[i-1].Heal) {
			t.Fatalf("faults overlap or run backwards: %v then %v", a[max(i-1, 0)], f)
		}
		if (f.Kind == StepDown) != (f.Heal == f.At) {
			t.Fatalf("only a step-down has nothing to heal: %v", f)
		}
	}
}

// fakeTarget records the actions applied to it, in order.
type fakeTarget struct {
	mu      sync.Mutex
	actions []string
	healthy error
}

func (f *fakeTarget) rec(format string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actions = append(f.actions, fmt.Sprintf(format, args...))
	return nil
}
func (f *fakeTarget) Nodes() int                            { return 3 }
func (f *fakeTarget) StreamLeader(context.Context) int      { return 1 }
func (f *fakeTarget) Crash(n int) error                     { return f.rec("crash %d", n) }
func (f *fakeTarget) Restart(n int) error                   { return f.rec("restart %d", n) }
func (f *fakeTarget) Stop(n int) error                      { return f.rec("stop %d", n) }
func (f *fakeTarget) Pause(n int) error                     { return f.rec("pause %d", n) }
func (f *fakeTarget) Resume(n int) error                    { return f.rec("resume %d", n) }
func (f *fakeTarget) StepDown(context.Context) error        { return f.rec("stepdown") }
func (f *fakeTarget) PartitionPeers(n int) error            { return f.rec("partition %d", n) }
func (f *fakeTarget) PartitionClients(n int) error          { return f.rec("client-partition %d", n) }
func (f *fakeTarget) Slow(n int) error                      { return f.rec("slow %d", n) }
func (f *fakeTarget) HealNetwork() error                    { return f.rec("heal-network") }
func (f *fakeTarget) WaitHealthy(ctx context.Context) error { return f.healthy }

// run drives a sequencer with several concurrent clients until ops tickets were taken and
// returns its log.
func run(t *testing.T, seed uint64, ops int64, target *fakeTarget) []Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	spacing := Spacing{HoldMin: 10, HoldMax: 40, GapMin: 5, GapMax: 20}
	s := NewSequencer(SequencerOptions{Plan: NewPlan(seed, AllKinds, 3, spacing), Target: target})
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range s.Tickets() {
				if n == ops-1 {
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return s.Events()
}

// Two runs with the same seed inject the same faults on the same nodes before the same
// operation numbers, whatever the clients' interleaving.
func TestSequencerReplaysTheSameSeed(t *testing.T) {
	ta, tb := &fakeTarget{}, &fakeTarget{}
	a, b := run(t, 42, 2000, ta), run(t, 42, 2000, tb)
	strip := func(es []Event) []Event {
		out := make([]Event, len(es))
		for i, e := range es {
			e.At = 0 // wall-clock position differs between runs; the operation number does not
			out[i] = e
		}
		return out
	}
	// The final heal happens at whatever ticket the cancellation landed on; compare the rest.
	sa, sb := strip(a), strip(b)
	n := min(len(sa), len(sb)) - 1
	if n < len(AllKinds) {
		t.Fatalf("only %d events in 2000 operations", n)
	}
	if !slices.Equal(sa[:n], sb[:n]) {
		t.Fatalf("same seed, different logs:\n%v\n%v", sa[:n], sb[:n])
	}
	if len(ta.actions) < n || len(tb.actions) < n {
		t.Fatalf("%d events but %d and %d actions", n, len(ta.actions), len(tb.actions))
	}
	if !slices.Equal(ta.actions[:n], tb.actions[:n]) {
		t.Fatalf("same seed, different actions:\n%v\n%v", ta.actions[:n], tb.actions[:n])
	}
	kinds := map[Kind]bool{}
	for _, e := range a {
		if e.Op != e.Fault.At && e.Op != e.Fault.Heal && e != a[len(a)-1] {
			t.Fatalf("event %v not at its scheduled point", e)
		}
		kinds[e.Fault.Kind] = true
	}
	if len(kinds) != len(AllKinds) {
		t.Fatalf("kinds injected: %v", kinds)
	}
	if c := strip(run(t, 43, 2000, &fakeTarget{})); slices.Equal(c[:min(n, len(c))], sa[:min(n, len(c))]) {
		t.Fatal("a different seed replayed the same log")
	}
}

// A cluster that does not recover stops the fault schedule with ErrUnhealthy.
func TestSequencerReportsAnUnhealthyCluster(t *testing.T) {
	target := &fakeTarget{healthy: errors.New("no leader")}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := NewSequencer(SequencerOptions{Plan: NewPlan(1, AllKinds, 3, DefaultSpacing), Target: target})
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for n := range s.Tickets() {
		if n == 1000 {
			cancel()
		}
	}
	if err := <-done; !errors.Is(err, ErrUnhealthy) {
		t.Fatalf("got %v, want ErrUnhealthy", err)
	}
	if len(target.actions) != 0 {
		t.Fatalf("faults injected into an unhealthy cluster: %v", target.actions)
	}
}
