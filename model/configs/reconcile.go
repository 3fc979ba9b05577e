package configs

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/reconcile"
)

// reconcileConfigs returns the configurations of the anti-entropy reconciliation model, all in
// the default tier: the shipped order and kernels, the hazard without reconciliation, and one
// mutation per ordering rule or kernel check, each violating the property it carries.
func reconcileConfigs() []Config {
	rc := func(name, desc string, c reconcile.Config) Config {
		return Model(name, desc, func() check.Model[reconcile.State] { return reconcile.New(c) })
	}
	return []Config{
		rc("Reconcile_Shipped", "shipped reconciliation beside the live watch: sound and converging (6 properties)",
			reconcile.Config{}),
		rc("Reconcile_HazardNoReconcile", "known-bad variant without reconciliation: a purge leaves the fold diverged forever",
			reconcile.Config{Mode: reconcile.NoReconcile}),
		rc("Reconcile_MutRepairAboveFrontier", "kernel mutation: repairing a key above the watch frontier must be caught as a spurious repair",
			reconcile.Config{Kernels: reconcile.Kernels{Repair: reconcile.MutRepairAboveFrontier, Foldable: reconcile.MutFoldableAboveFrontier}}),
		rc("Reconcile_MutPositionAfterListing", "ordering mutation: the listing position read after the listing must be caught as a lost update",
			reconcile.Config{Mode: reconcile.PositionAfterListing}),
		rc("Reconcile_MutDeleteNewerThanListing", "kernel mutation: deleting a key whose fold entry is newer than the listing must be caught as a lost update",
			reconcile.Config{Kernels: reconcile.Kernels{Repair: reconcile.MutDeleteNewerThanListing}}),
	}
}
