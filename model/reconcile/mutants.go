package reconcile

import "github.com/slipstream-go/slipstream/protocol"

// MutRepairAboveFrontier is ReconcileRepair without the frontier check, paired with
// MutConfirmAboveFrontier: it repairs records the watch has not reached yet, so it counts
// (and fetches) differences the watch would have fixed by itself.
func MutRepairAboveFrontier(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, _ uint64) protocol.Repair {
	return protocol.ReconcileRepair(fold, listed, listPos, ^uint64(0))
}

// MutConfirmAboveFrontier is ConfirmRepair without the frontier check.
func MutConfirmAboveFrontier(fold protocol.FoldRecord, current protocol.ListedRecord, _ uint64) protocol.Repair {
	return protocol.ConfirmRepair(fold, current, ^uint64(0))
}

// MutDeleteNewerThanListing is ReconcileRepair without the listing-position check: a key the
// listing lacks is flagged for deletion even when the fold's entry was written after the
// listing began.
func MutDeleteNewerThanListing(fold protocol.FoldRecord, listed protocol.ListedRecord, _, frontier uint64) protocol.Repair {
	return protocol.ReconcileRepair(fold, listed, ^uint64(0), frontier)
}
