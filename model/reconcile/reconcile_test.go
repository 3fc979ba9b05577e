package reconcile

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

func run(cfg Config) (*Model, *check.Result[State]) {
	m := New(cfg)
	return m, check.Run[State](m, check.Options{})
}

// The shipped order and kernels: every property holds and every witness replays.
func TestShippedReconciliationIsSoundAndConverges(t *testing.T) {
	m, r := run(Config{})
	checktest.RequireAll(t, r)
	for _, name := range []string{PropMarkerRepaired, PropKeyRepaired, PropMissFetched} {
		if err := check.Replay[State](m, checktest.RequireReached(t, r, name)); err != nil {
			t.Fatalf("witness of %q does not replay: %v", name, err)
		}
	}
}

// Without reconciliation a purge leaves a terminal state whose fold differs from the bucket,
// and the witness goes through a purge.
func TestWithoutReconciliationAPurgeDivergesForever(t *testing.T) {
	m, r := run(Config{Mode: NoReconcile})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropHazardDiverged)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("hazard witness does not replay: %v", err)
	}
	purged := false
	for _, a := range tr.Actions() {
		purged = purged || a.Name == ActPurgeMarker || a.Name == ActPurgeKey
	}
	if !purged {
		t.Fatalf("the hazard witness has no purge:\n%v", tr)
	}
}

// Each mutation is caught by the property it breaks, with a counterexample that replays.
func TestMutationsAreCaught(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		prop string
	}{
		{"RepairAboveFrontier", Config{Kernels: Kernels{Repair: MutRepairAboveFrontier, Confirm: MutConfirmAboveFrontier}}, PropNeverSpurious},
		{"ListingOnly", Config{Mode: ListingOnly}, PropNeverSpurious},
		{"ListingOnlyPositionAfter", Config{Mode: ListingOnlyPositionAfter}, PropNeverLoses},
		{"ListingOnlyDeleteNewer", Config{Mode: ListingOnly, Kernels: Kernels{Repair: MutDeleteNewerThanListing}}, PropNeverLoses},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, r := run(c.cfg)
			tr := checktest.RequireViolated(t, r, c.prop)
			if err := check.Replay[State](m, tr); err != nil {
				t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
			}
		})
	}
}

// With the confirming read, a broken listing filter cannot make a repair unsound: the
// filter's mutations only change which keys are read again.
func TestConfirmationMakesTheFilterMutationsHarmless(t *testing.T) {
	for _, k := range []Kernels{{Repair: MutDeleteNewerThanListing}, {Repair: MutRepairAboveFrontier}} {
		_, r := run(Config{Kernels: k})
		checktest.RequireAll(t, r)
	}
}
