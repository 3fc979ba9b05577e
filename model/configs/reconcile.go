package configs

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/reconcile"
)

// reconcileConfigs returns the configurations of the anti-entropy reconciliation model, all in
// the default tier: the shipped order and kernels, the hazard without reconciliation, and one
// mutation per ordering rule or kernel check, each violating the property it carries. The
// listing-only mutations run on a bucket that denies message deletes, where nothing but the
// rule each breaks makes them unsound.
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
			reconcile.Config{Kernels: reconcile.Kernels{Repair: reconcile.MutRepairAboveFrontier, Confirm: reconcile.MutConfirmAboveFrontier}}),
		rc("Reconcile_MutListingOnly", "ordering mutation: repairing from the listing without the confirming read must be caught as a spurious repair",
			reconcile.Config{Mode: reconcile.ListingOnly, DenyDelete: true}),
		rc("Reconcile_MutListingOnlyPositionAfter", "ordering mutation: listing alone, position read after the listing, must be caught as a lost update",
			reconcile.Config{Mode: reconcile.ListingOnlyPositionAfter, DenyDelete: true}),
		rc("Reconcile_MutListingOnlyDeleteNewer", "kernel mutation: listing alone, deleting a key whose fold entry is newer than the listing, must be caught as a lost update",
			reconcile.Config{Mode: reconcile.ListingOnly, DenyDelete: true, Kernels: reconcile.Kernels{Repair: reconcile.MutDeleteNewerThanListing}}),
		rc("Reconcile_MutListingOnlyRollbackNewer", "kernel mutation: listing alone, rolling back a key whose fold entry is newer than the listing, must be caught as a lost update",
			reconcile.Config{Mode: reconcile.ListingOnly, DenyDelete: true, Kernels: reconcile.Kernels{Repair: reconcile.MutRollbackNewerThanListing}}),
		rc("Reconcile_MutNoRollback", "kernel mutation: the kernels without rollback leave a message-deleted latest record in the fold, caught as a settled round that differs from the bucket",
			reconcile.Config{Kernels: reconcile.Kernels{Repair: reconcile.MutNoRollbackRepair, Confirm: reconcile.MutNoRollbackConfirm}}),
		rc("Reconcile_MutRollbackOnStaleRead", "kernel mutation: rolling back on a confirming read that may lag must be caught as a lost update",
			reconcile.Config{Kernels: reconcile.Kernels{Confirm: reconcile.MutRollbackOnStaleRead}}),
	}
}
