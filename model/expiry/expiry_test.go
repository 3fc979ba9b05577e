package expiry

import (
	"reflect"

	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
	"github.com/slipstream-go/slipstream/protocol"
)

func run(cfg Config) (*Model, *check.Result[State]) {
	m := New(cfg)
	return m, check.Run[State](m, check.Options{})
}

// The fix with markers: every run converges, and each way an aged-out key leaves the fold is
// reached: a delivered marker, a resync on a resume after a marker expired in the downtime, and
// a resync of a watch that lagged past a marker's expiry.
func TestGuardedConverges(t *testing.T) {
	m, r := run(Config{Markers: true})
	checktest.RequireAll(t, r)
	for _, name := range []string{PropMarkerFolded, PropDownResync, PropLagResync} {
		if err := check.Replay[State](m, checktest.RequireReached(t, r, name)); err != nil {
			t.Fatalf("witness of %q does not replay: %v", name, err)
		}
	}
}

// Without markers the fix refuses the bucket, and the refusal is the only way it converges.
func TestRefusedWithoutMarkers(t *testing.T) {
	_, r := run(Config{})
	checktest.RequireAll(t, r)
	checktest.RequireReached(t, r, PropRefused)
}

// Both holes of the consumer without the fix are reachable, and each is a real divergence at
// quiescence.
func TestHazards(t *testing.T) {
	for _, c := range []struct {
		markers bool
		props   []string
	}{
		{false, []string{PropHazardNoMarkers}},
		{true, []string{PropHazardOutlived, PropHazardLagged}},
	} {
		m, r := run(Config{Markers: c.markers, Mode: NoFix, Properties: HazardWitness})
		checktest.RequireAll(t, r)
		for _, name := range c.props {
			tr := checktest.RequireReached(t, r, name)
			if err := check.Replay[State](m, tr); err != nil {
				t.Fatalf("%q does not replay: %v", name, err)
			}
			if last := tr.Last(); m.enabled(last) || agrees(last) {
				t.Fatalf("%q does not end in a quiescent divergence:\n%v", name, tr)
			}
		}
	}
}

// Each mutation, of a kernel or of a call site, is caught as a divergence at quiescence.
func TestMutationsAreCaught(t *testing.T) {
	cases := map[string]Config{
		"no markers, no fix":    {Mode: NoFix},
		"markers, no contact":   {Markers: true, Mode: NoFix},
		"admit without markers": {Kernels: Kernels{Admit: MutAdmitWithoutMarkers}},
		"strict lost bound":     {Markers: true, Kernels: Kernels{Lost: MutLostStrict}},
		"advance overshoot":     {Markers: true, Kernels: Kernels{Advance: MutAdvanceOvershoot}},
		"contact at read time":  {Markers: true, Mode: ContactAtReadTime},
		"check on resume only":  {Markers: true, Mode: NoLiveCheck},
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			m, r := run(cfg)
			tr := checktest.RequireViolated(t, r, PropConverges)
			if err := check.Replay[State](m, tr); err != nil {
				t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
			}
			t.Logf("%d states; counterexample:\n%v", r.Distinct, tr)
		})
	}
}

// The model's default kernels are the production functions, and a mutant given in Kernels
// replaces exactly its kernel.
func TestDefaultKernelsAreProtocols(t *testing.T) {
	ptr := func(f any) uintptr { return reflect.ValueOf(f).Pointer() }
	k := New(Config{}).k
	if ptr(k.Admit) != ptr(protocol.ExpiryAdmit) || ptr(k.Lost) != ptr(protocol.ExpiryContactLost) ||
		ptr(k.Advance) != ptr(protocol.ExpiryContactAdvance) {
		t.Fatal("the model's default kernels are not the protocol functions")
	}
	m := New(Config{Kernels: Kernels{Lost: MutLostStrict}}).k
	if ptr(m.Lost) != ptr(MutLostStrict) || ptr(m.Admit) != ptr(protocol.ExpiryAdmit) || ptr(m.Advance) != ptr(protocol.ExpiryContactAdvance) {
		t.Fatal("a mutant replaces more or less than its own kernel")
	}
}

// The mechanism behind convergence, checked over the whole state space as an invariant: while
// the contact is not lost, no marker above the frontier has expired unseen since the contact
// was taken. A marker lost unseen is only ever followed by a resync, and the contact a resync
// sets is its own time. Without the live check the invariant fails, so it is not vacuous.
func TestContactNeverHidesALostMarker(t *testing.T) {
	const name = "a marker lost unseen is followed by a resync before the contact is trusted again"
	inv := func(m *Model) check.Property[State] {
		return check.Property[State]{Name: name, Kind: check.Always, Holds: func(s State) bool {
			// A lost marker leaves the fold holding its key; until a resync (which makes the
			// fold agree) the contact must be lost, or the consumer down and about to check.
			if s.LostBy == NotLost || agrees(s) || !s.Up {
				return true
			}
			_, pending := next(s)
			return pending || m.lost(s)
		}}
	}
	for _, c := range []struct {
		cfg  Config
		want bool
	}{{Config{Markers: true}, true}, {Config{Markers: true, Mode: NoLiveCheck}, false}} {
		m := New(c.cfg)
		r := check.Run[State](onlyProperty{m, inv(m)}, check.Options{})
		if c.want {
			checktest.RequireAll(t, r)
		} else {
			checktest.RequireViolated(t, r, name)
		}
	}
}

// onlyProperty checks one extra property over a model's state space instead of its own.
type onlyProperty struct {
	*Model
	p check.Property[State]
}

func (o onlyProperty) Properties() []check.Property[State] { return []check.Property[State]{o.p} }
