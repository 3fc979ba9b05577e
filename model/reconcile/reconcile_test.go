package reconcile

import (
	"slices"
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
	for _, name := range []string{PropMarkerRepaired, PropKeyRepaired, PropMissFetched, PropRolledBack} {
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
		{"ListingOnly", Config{Mode: ListingOnly, DenyDelete: true}, PropNeverSpurious},
		{"ListingOnlyPositionAfter", Config{Mode: ListingOnlyPositionAfter, DenyDelete: true}, PropNeverLoses},
		{"ListingOnlyDeleteNewer", Config{Mode: ListingOnly, DenyDelete: true, Kernels: Kernels{Repair: MutDeleteNewerThanListing}}, PropNeverLoses},
		{"ListingOnlyRollbackNewer", Config{Mode: ListingOnly, DenyDelete: true, Kernels: Kernels{Repair: MutRollbackNewerThanListing}}, PropNeverLoses},
		{"RollbackOnStaleRead", Config{Kernels: Kernels{Confirm: MutRollbackOnStaleRead}}, PropNeverLoses},
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

// The kernels as they were before rollbacks: a message delete of K's latest record leaves a
// settled round with a fold that differs from the bucket, and the counterexample goes
// through that delete.
func TestWithoutRollbackARawDeleteDiverges(t *testing.T) {
	m, r := run(Config{Kernels: Kernels{Repair: MutNoRollbackRepair, Confirm: MutNoRollbackConfirm}})
	tr := checktest.RequireViolated(t, r, PropSettledConverges)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
	}
	if !slices.ContainsFunc(tr.Actions(), func(a check.Action) bool { return a.Name == ActRawDelete }) {
		t.Fatalf("the counterexample has no raw delete:\n%v", tr)
	}
}

// On a bucket that denies message deletes the listing-only mode keeps every fold that agreed
// with the bucket, so each listing-only mutation caught as a lost update is caught by the
// check it removes. With message deletes the listing alone is unsound: a delete makes a key's
// previous record current again after the listing was taken.
func TestListingOnlyLosesOnlyWithMessageDeletes(t *testing.T) {
	_, r := run(Config{Mode: ListingOnly, DenyDelete: true})
	checktest.RequireHolds(t, r, PropNeverLoses)
	m, r := run(Config{Mode: ListingOnly})
	tr := checktest.RequireViolated(t, r, PropNeverLoses)
	if err := check.Replay[State](m, tr); err != nil {
		t.Fatalf("counterexample does not replay: %v\n%v", err, tr)
	}
}

// With the confirming read, a broken listing filter cannot make a repair unsound: the
// filter's mutations only change which keys are read again.
func TestConfirmationMakesTheFilterMutationsHarmless(t *testing.T) {
	for _, k := range []Kernels{{Repair: MutDeleteNewerThanListing}, {Repair: MutRepairAboveFrontier}, {Repair: MutRollbackNewerThanListing}} {
		_, r := run(Config{Kernels: k})
		checktest.RequireAll(t, r)
	}
}
