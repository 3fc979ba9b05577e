package expiry

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
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
