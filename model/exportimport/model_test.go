package exportimport

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
	"github.com/slipstream-go/slipstream/protocol"
)

func cfg(layout Layout, resync Resync, mut Mutation) Config {
	return Config{N: 2, MaxRev: 3, Layout: layout, Resync: resync, Mutation: mut}
}

type cached struct {
	m *Model
	r *check.Result[State]
}

// results memoises runs by configuration (tests run sequentially): several tests inspect the
// same default-tier run, which costs about a second each.
var results = map[string]cached{}

func run(t *testing.T, c Config) (*Model, *check.Result[State]) {
	t.Helper()
	key := fmt.Sprintf("%d/%d/%v/%v/%v", c.N, c.MaxRev, c.Layout, c.Resync, c.Mutation)
	plainKernels := c.Kernels.PointerPublishAllowed == nil && c.Kernels.PayloadPrunable == nil && c.Kernels.ResumeWindowOK == nil
	if plainKernels {
		if r, ok := results[key]; ok {
			return r.m, r.r
		}
	}
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	r := check.Run[State](m, check.Options{})
	if plainKernels {
		results[key] = cached{m, r}
	}
	return m, r
}

func TestDefaultKernelsAreTheProductionFunctions(t *testing.T) {
	k := DefaultKernels()
	same := func(name string, got, want any) {
		if reflect.ValueOf(got).Pointer() != reflect.ValueOf(want).Pointer() {
			t.Errorf("DefaultKernels().%s is not the production protocol.%s", name, name)
		}
	}
	same("PointerPublishAllowed", k.PointerPublishAllowed, protocol.PointerPublishAllowed)
	same("PayloadPrunable", k.PayloadPrunable, protocol.PayloadPrunable)
	same("ResumeWindowOK", k.ResumeWindowOK, protocol.ResumeWindowOK)
	// A model built without overrides runs the defaults (and the protocol-rule mutations keep them).
	for _, mut := range []Mutation{MutNone, MutLwwPointer, MutPruneAgeOnly, MutSilentClamp} {
		m := MustNew(cfg(PointerSwap, ResyncFailStop, mut))
		same("PointerPublishAllowed", m.k.PointerPublishAllowed, protocol.PointerPublishAllowed)
		same("PayloadPrunable", m.k.PayloadPrunable, protocol.PayloadPrunable)
		same("ResumeWindowOK", m.k.ResumeWindowOK, protocol.ResumeWindowOK)
	}
}

func TestMutantKernelsDifferFromProductionAtTheBoundary(t *testing.T) {
	if protocol.PointerPublishAllowed(protocol.PointerAt(5), 4) || !K1AllowsOneBelow(protocol.PointerAt(5), 4) {
		t.Error("K1AllowsOneBelow must differ from K1 exactly at candidate = n-1")
	}
	equal := protocol.PruneCandidate{Rank: 5, RankKnown: true, PointerRank: 5, AgedOut: true}
	if protocol.PayloadPrunable(equal) || !K2PrunesEqualRank(equal) {
		t.Error("K2PrunesEqualRank must differ from K2 exactly at equal rank")
	}
	if protocol.ResumeWindowOK(3, 5) || !K3OffByOne(3, 5) {
		t.Error("K3OffByOne must differ from K3 exactly at first = revision+2")
	}
}

func TestInvalidConfigsAreRejected(t *testing.T) {
	for _, c := range []Config{{N: 0, MaxRev: 3}, {N: 4, MaxRev: 3}, {N: 2, MaxRev: 0}, {N: 2, MaxRev: 6}, {N: 2, MaxRev: 3, Mutation: 99}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted an invalid configuration", c)
		}
	}
}

// The five holding configurations: every always/terminal property holds and every sometimes
// property is reached, with the property sets of the ported model (12, 11, 8, 7, 7).
func TestDefaultTierConfigurationsHold(t *testing.T) {
	cases := []struct {
		c     Config
		props int
		must  []string
	}{
		{cfg(PointerSwap, ResyncFailStop, MutNone), 12, []string{PropLiveness, PropNeverSilentlyDiverge, PropSwapRefuses, PropPruneRaceRetry}},
		{cfg(PointerSwap, ResyncNone, MutNone), 11, []string{PropHazardNoResync, PropTargetFetchable}},
		{cfg(Legacy, ResyncFailStop, MutNone), 8, []string{PropHazardRegresses, PropHazardTornPair, PropRegressionNonFatal, PropNoMixedImport, PropNeverSilentlyDiverge, PropLiveness}},
		{cfg(Legacy, ResyncDegrade, MutNone), 7, []string{PropHazardDegrade, PropHazardTornPair}},
		{cfg(Legacy, ResyncNone, MutNone), 7, []string{PropHazardNoResync, PropHazardRegresses}},
	}
	for _, tc := range cases {
		t.Run(tc.c.Layout.String()+"_"+tc.c.Resync.String(), func(t *testing.T) {
			m, r := run(t, tc.c)
			checktest.RequireAll(t, r)
			if len(r.Properties) != tc.props {
				t.Fatalf("%d properties, want %d: %q", len(r.Properties), tc.props, names(r))
			}
			for _, name := range tc.must {
				if r.Property(name) == nil {
					t.Fatalf("property %q missing from %q", name, names(r))
				}
			}
			// Every witness replays from the initial state and ends in a state satisfying it.
			for _, p := range r.Properties {
				if p.Kind != check.Sometimes {
					continue
				}
				if err := check.Replay[State](m, *p.Trace); err != nil {
					t.Fatalf("witness of %q does not replay: %v", p.Name, err)
				}
				if !holds(m, p.Name, p.Trace.Last()) {
					t.Fatalf("witness of %q ends in a state that does not satisfy it", p.Name)
				}
			}
		})
	}
}

func names(r *check.Result[State]) []string {
	var out []string
	for _, p := range r.Properties {
		out = append(out, p.Name)
	}
	return out
}

func holds(m *Model, name string, s State) bool {
	for _, p := range m.Properties() {
		if p.Name == name {
			return p.Holds(s)
		}
	}
	panic("no property " + name)
}

// replayByName re-executes a trace action by action through Next, selecting each action by its
// name and actor only, checks each state equals the trace's, and returns the final state.
func replayByName(t *testing.T, m *Model, tr check.Trace[State]) State {
	t.Helper()
	init := m.Init()
	if len(init) != 1 || init[0] != tr.Init {
		t.Fatalf("trace starts at %v, not the initial state %v", tr.Init, init)
	}
	s := init[0]
	for i, st := range tr.Steps {
		next, ok := apply(m, s, st.Action)
		if !ok {
			t.Fatalf("step %d: %v is not enabled in %v", i+1, st.Action, s)
		}
		if next != st.State {
			t.Fatalf("step %d: %v gives %v, the trace says %v", i+1, st.Action, next, st.State)
		}
		s = next
	}
	return s
}

// apply runs the action named a from s, if enabled.
func apply(m *Model, s State, a check.Action) (State, bool) {
	var out State
	found := false
	m.Next(s, func(b check.Action, t State) {
		if b == a && !found {
			out, found = t, true
		}
	})
	return out, found
}

// Each mutation must be caught by the property it targets (or, for a kernel
// mutation, the property that kernel carries); the counterexample is replayed by action name.
func TestMutationsAreCaught(t *testing.T) {
	cases := []struct {
		mut  Mutation
		prop string
		also []string // further properties an exhaustive search finds the mutation breaks
	}{
		{MutLwwPointer, PropNeverRegresses, []string{PropMonotonePointer, PropTargetFetchable, PropFetchMissOnlyStale}},
		{MutPruneAgeOnly, PropTargetFetchable, []string{PropFetchMissOnlyStale}},
		{MutSilentClamp, PropNeverSilentlyDiverge, nil},
		{MutK1AllowsOneBelow, PropNeverRegresses, nil},
		{MutK2PrunesEqualRank, PropTargetFetchable, nil},
		{MutK3OffByOne, PropNeverSilentlyDiverge, nil},
	}
	for _, tc := range cases {
		t.Run(tc.mut.String(), func(t *testing.T) {
			m, r := run(t, cfg(PointerSwap, ResyncFailStop, tc.mut))
			if r.Property(PropLiveness) != nil {
				t.Fatal("mutation configurations carry no liveness property")
			}
			cex := checktest.RequireViolated(t, r, tc.prop)
			last := replayByName(t, m, cex)
			if holds(m, tc.prop, last) {
				t.Fatalf("the replayed counterexample ends in a state satisfying %q", tc.prop)
			}
			for i, st := range cex.Steps[:len(cex.Steps)-1] {
				if !holds(m, tc.prop, st.State) || (i == 0 && !holds(m, tc.prop, cex.Init)) {
					t.Fatalf("the counterexample violates %q before its last step: not the shortest", tc.prop)
				}
			}
			for _, p := range tc.also {
				checktest.RequireViolated(t, r, p)
			}
			if tc.mut == MutLwwPointer {
				if p := r.Property(PropSwapRefuses); p.Verdict != check.Unreached {
					t.Fatalf("under LwwPointer the refusal witness must be unreachable, got %v", p.Verdict)
				}
			}
			if tc.mut == MutSilentClamp {
				if got := r.Failed(); !reflect.DeepEqual(got, []string{PropNeverSilentlyDiverge}) {
					t.Fatalf("SilentClamp must break only the convergence invariant, broke %q", got)
				}
			}
			// The same trace under the shipped kernels and no mutation never violates it.
			shipped := MustNew(cfg(PointerSwap, ResyncFailStop, MutNone))
			s := shipped.Init()[0]
			for _, st := range cex.Steps {
				next, ok := apply(shipped, s, st.Action)
				if !ok {
					break // the fix disables the step (e.g. nothing to prune)
				}
				if !holds(shipped, tc.prop, next) {
					t.Fatalf("the shipped protocol violates %q along the mutant's counterexample", tc.prop)
				}
				s = next
			}
		})
	}
}

// The clobber hazard (legacy): A exports and uploads at c1; B applies further, exports c2 > c1,
// uploads, publishes; A publishes → regressed. Under the pointer swap, that same last step is
// refused by K1.
func TestHazardTraceLegacyClobber(t *testing.T) {
	m, r := run(t, cfg(Legacy, ResyncFailStop, MutNone))
	w := checktest.RequireReached(t, r, PropHazardRegresses)
	// Shortest: two revisions (2 steps), applies 1+2 (3), two exports, two uploads, two
	// publishes (6): 11 actions.
	if w.Len() != 11 {
		t.Fatalf("clobber witness has %d steps, want the shortest 11:\n%v", w.Len(), w)
	}
	last := replayByName(t, m, w)
	if !last.Regressed {
		t.Fatal("the clobber witness does not end regressed")
	}
	before := w.Steps[len(w.Steps)-2].State
	fin := w.Steps[len(w.Steps)-1].Action
	if fin.Name != ActPublish {
		t.Fatalf("the clobber must end with the slow exporter's Publish, got %v", fin)
	}
	slow := before.Exporters[fin.Actor]
	if slow.Kind != PayloadUp || before.Manifest.IsNone() || before.Manifest.Node == uint8(fin.Actor) || before.Manifest.Cursor <= slow.A.Cursor {
		t.Fatalf("before the last step the other exporter's newer artifact must be published: %v", before)
	}
	// The same schedule against the shipped layout: the last Publish is refused by K1.
	shipped := MustNew(cfg(PointerSwap, ResyncFailStop, MutNone))
	s := shipped.Init()[0]
	for i, st := range w.Steps {
		next, ok := apply(shipped, s, st.Action)
		if !ok {
			t.Fatalf("step %d %v not enabled in the shipped layout", i+1, st.Action)
		}
		s = next
	}
	if s.Regressed || !s.Refused || s.Manifest != before.Manifest {
		t.Fatalf("under the pointer swap the slow publish must be refused and the pointer stay put: %v", s)
	}
}

// The torn-pair hazard (legacy): the manifest is m; another exporter's UploadPayload overwrites the
// payload with a ≠ m; the importer reads manifest m, then the payload → CrossCheckFailed.
func TestHazardTraceLegacyTornPair(t *testing.T) {
	m, r := run(t, cfg(Legacy, ResyncFailStop, MutNone))
	w := checktest.RequireReached(t, r, PropHazardTornPair)
	// Shortest: Churn, two applies, two exports, Upload+Publish of one, Upload of the other,
	// ReadManifest, ReadPayload: 10 actions.
	if w.Len() != 10 {
		t.Fatalf("torn-pair witness has %d steps, want the shortest 10:\n%v", w.Len(), w)
	}
	last := replayByName(t, m, w)
	if last.Importer.Kind != CrossCheckFailed {
		t.Fatalf("the witness ends with importer %v", last.Importer)
	}
	before := w.Steps[len(w.Steps)-2].State
	if a := w.Steps[len(w.Steps)-1].Action; a.Name != ActReadPayload {
		t.Fatalf("the torn pair is observed by ReadPayload, got %v", a)
	}
	if before.Importer.Kind != GotManifest || before.Payload == before.Importer.A || before.Payload.IsNone() {
		t.Fatalf("before ReadPayload the importer must hold manifest m and the payload be another artifact: %v", before)
	}
	// The shipped layout can never reach it (the cross-check property holds there).
	_, rs := run(t, cfg(PointerSwap, ResyncFailStop, MutNone))
	checktest.RequireHolds(t, rs, PropCrossCheckNeverFires)
}

// The FetchMissed and stale-key scenarios are witnesses the model must reach.
func TestHazardTracesFetchMissedAndStaleKey(t *testing.T) {
	m, r := run(t, cfg(PointerSwap, ResyncNone, MutNone))
	w := checktest.RequireReached(t, r, PropPruneRaceRetry)
	replayByName(t, m, w)
	// The importer read a pointer, a newer one was published, the old payload pruned.
	var sawRead, sawPrune bool
	for _, st := range w.Steps {
		sawRead = sawRead || st.Action.Name == ActReadManifest
		sawPrune = sawPrune || (sawRead && st.Action.Name == ActPrune)
	}
	if !sawRead || !sawPrune || w.Last().Importer.Kind != FetchMissed {
		t.Fatalf("FetchMissed witness is not read-pointer → prune → miss:\n%v", w)
	}
	st := checktest.RequireReached(t, r, PropHazardNoResync)
	fin := replayByName(t, m, st)
	if !(fin.DeleteRev != 0 && fin.DeleteRev <= fin.Floor && fin.Importer.A.HasKey && fin.Floor > fin.Importer.A.Cursor) {
		t.Fatalf("stale-key witness must have the key in the artifact, its delete marker evicted and the cursor expired: %v", fin)
	}
}

// canonical wraps a model with invariants of the state encoding: unused variant fields are
// zero, the layout-specific variables stay at their initial value in the other layout, and
// exporter slots beyond N stay zero — the conditions for the distinct count to equal TLC's.
type canonical struct{ *Model }

func (c canonical) Properties() []check.Property[State] {
	N := c.cfg.N
	shipped := c.cfg.Layout == PointerSwap
	return []check.Property[State]{{Name: "canonical encoding", Kind: check.Always, Holds: func(s State) bool {
		if shipped && !s.Payload.IsNone() || !shipped && s.Uploaded != 0 || !shipped && s.Refused {
			return false
		}
		if s.Payload.IsNone() && s.Payload != (Artifact{}) || s.Manifest.IsNone() && s.Manifest != (Artifact{}) {
			return false
		}
		for n, e := range s.Exporters {
			if n >= N && (e != ExporterPC{} || s.Applied[n] != 0) {
				return false
			}
			switch e.Kind {
			case Idle:
				if e != (ExporterPC{}) {
					return false
				}
			case Exported, PayloadUp:
				if e.C != 0 || e.A.IsNone() || int(e.A.Node) != n {
					return false
				}
			case Done:
				if e.A != (Artifact{}) {
					return false
				}
			}
		}
		switch s.Importer.Kind {
		case Start, CrossCheckFailed, FetchMissed:
			if s.Importer.A != (Artifact{}) || s.Importer.St != Synced {
				return false
			}
		case GotManifest, Imported:
			if s.Importer.A.IsNone() || s.Importer.St != Synced {
				return false
			}
		}
		return s.Floor <= s.Head && s.DeleteRev <= s.Head && s.Applied[0] <= s.Head
	}}}
}

func TestStateEncodingIsCanonical(t *testing.T) {
	for _, c := range []Config{cfg(PointerSwap, ResyncFailStop, MutNone), cfg(Legacy, ResyncDegrade, MutNone)} {
		r := check.Run[State](canonical{MustNew(c)}, check.Options{})
		checktest.RequireAll(t, r)
	}
}

func TestCountsDoNotDependOnWorkers(t *testing.T) {
	c := cfg(Legacy, ResyncDegrade, MutNone)
	_, r1 := run(t, c)
	r2 := check.Run[State](MustNew(c), check.Options{Workers: r1.Workers + 1, Lean: true})
	if r1.Distinct != r2.Distinct || r1.Generated != r2.Generated || r1.Depth != r2.Depth {
		t.Fatalf("workers=%d: %d/%d/%d, workers=%d lean: %d/%d/%d", r1.Workers, r1.Distinct, r1.Generated, r1.Depth, r2.Workers, r2.Distinct, r2.Generated, r2.Depth)
	}
	for i := range r1.Properties {
		if !reflect.DeepEqual(r1.Properties[i].Trace, r2.Properties[i].Trace) {
			t.Fatalf("property %q: traces differ between workers=%d and workers=%d lean", r1.Properties[i].Name, r1.Workers, r2.Workers)
		}
	}
}

// recorder collects every reachable state (run it with one worker).
type recorder struct {
	*Model
	seen  map[[2]uint64]State
	codes map[uint64]State
	bad   *string
}

func (r recorder) Properties() []check.Property[State] {
	return []check.Property[State]{{Name: "packing is injective", Kind: check.Always, Holds: func(s State) bool {
		w1, w2 := pack(&s)
		if prev, ok := r.seen[[2]uint64{w1, w2}]; ok && prev != s {
			*r.bad = "pack: " + prev.String() + " and " + s.String()
			return false
		}
		r.seen[[2]uint64{w1, w2}] = s
		if r.exact {
			c := r.code(&s)
			if prev, ok := r.codes[c]; ok && prev != s {
				*r.bad = "code: " + prev.String() + " and " + s.String()
				return false
			}
			r.codes[c] = s
		}
		return true
	}}}
}

// The exact encoding and the packing behind Fingerprint are injective on every reachable state of configurations that
// exercise every field (both layouts, three exporters, the degrade path), and hashing with it finds exactly the states the generic hash finds.
func TestFingerprintPackingIsInjective(t *testing.T) {
	for _, c := range []Config{
		{N: 2, MaxRev: 2, Layout: PointerSwap, Resync: ResyncNone},
		{N: 3, MaxRev: 1, Layout: PointerSwap, Resync: ResyncFailStop},
		cfg(Legacy, ResyncDegrade, MutNone),
	} {
		var bad string
		rec := recorder{Model: MustNew(c), seen: map[[2]uint64]State{}, codes: map[uint64]State{}, bad: &bad}
		if !rec.exact {
			t.Fatalf("%+v: the exact encoding must fit in 64 bits", c)
		}
		r := check.Run[State](rec, check.Options{Workers: 1})
		if !r.OK() {
			t.Fatalf("%+v: two states pack alike: %s", c, bad)
		}
		if uint64(len(rec.seen)) != r.Distinct || uint64(len(rec.codes)) != r.Distinct {
			t.Fatalf("%+v: %d packings for %d distinct states", c, len(rec.seen), r.Distinct)
		}
		generic := check.Run[State](plain{MustNew(c)}, check.Options{})
		if generic.Distinct != r.Distinct || generic.Generated != r.Generated {
			t.Fatalf("%+v: generic hash %d/%d states, model fingerprint %d/%d", c, generic.Distinct, generic.Generated, r.Distinct, r.Generated)
		}
	}
}

// plain hides the model's Fingerprint method, so the checker hashes states generically.
type plain struct{ m *Model }

func (p plain) Init() []State                                { return p.m.Init() }
func (p plain) Next(s State, emit func(check.Action, State)) { p.m.Next(s, emit) }
func (p plain) Properties() []check.Property[State]          { return p.m.Properties() }

// The exact encoding fits every configuration the project registers; beyond them the
// fingerprint falls back to a hash.
func TestExactEncodingFits(t *testing.T) {
	for _, c := range []Config{
		{N: 2, MaxRev: 5, Layout: PointerSwap, Resync: ResyncFailStop},
		{N: 3, MaxRev: 3, Layout: PointerSwap, Resync: ResyncFailStop},
		{N: 3, MaxRev: 3, Layout: Legacy, Resync: ResyncFailStop},
	} {
		if !MustNew(c).FingerprintInjective() {
			t.Errorf("%+v: the exact encoding does not fit in 64 bits", c)
		}
	}
	if MustNew(Config{N: 3, MaxRev: 5}).FingerprintInjective() {
		t.Error("N=3, maxRev=5 has more than 2^64 encodings; the exact encoding cannot fit")
	}
}

// coverage records the actions that fire (run it with one worker).
type coverage struct {
	*Model
	fired map[string]int
}

func (c coverage) Next(s State, emit func(check.Action, State)) {
	c.Model.Next(s, func(a check.Action, t State) {
		c.fired[a.Name]++
		emit(a, t)
	})
}

// Every action of the model fires somewhere in the default tier (an action that never
// fires is the commonest silent modelling bug): all but ResumeResyncDegraded under the shipped
// layout with fail-stop resync, all but Prune under the legacy layout with degrading resync.
func TestEveryActionFires(t *testing.T) {
	all := []string{ActChurn, ActDeleteKey, ActCompact, ActApply, ActExport, ActUploadPayload, ActPublish, ActCrash,
		ActNextRound, ActPrune, ActReadManifest, ActReadPayload, ActRetry, ActResume, ActResumeResyncDegraded}
	for _, tc := range []struct {
		c      Config
		absent string
	}{
		{cfg(PointerSwap, ResyncFailStop, MutNone), ActResumeResyncDegraded},
		{cfg(Legacy, ResyncDegrade, MutNone), ActPrune},
	} {
		cov := coverage{Model: MustNew(tc.c), fired: map[string]int{}}
		check.Run[State](cov, check.Options{Workers: 1})
		for _, a := range all {
			if n := cov.fired[a]; (n == 0) != (a == tc.absent) {
				t.Errorf("%v/%v: action %s fired %d times", tc.c.Layout, tc.c.Resync, a, n)
			}
		}
	}
}
