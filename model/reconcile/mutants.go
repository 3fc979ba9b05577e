package reconcile

import "github.com/slipstream-go/slipstream/protocol"

// MutRepairAboveFrontier is ReconcileRepair without the frontier check, paired with
// MutFoldableAboveFrontier: it repairs records the watch has not reached yet, so it counts
// (and fetches) differences the watch would have fixed by itself.
func MutRepairAboveFrontier(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, _ uint64) protocol.Repair {
	return protocol.ReconcileRepair(fold, listed, listPos, ^uint64(0))
}

// MutFoldableAboveFrontier folds any fetched entry, however far ahead of the watch.
func MutFoldableAboveFrontier(uint64, uint64) bool { return true }

// MutDeleteNewerThanListing is ReconcileRepair without the listing-position check: a key the
// listing lacks is deleted even when the fold's entry was written after the listing began.
func MutDeleteNewerThanListing(fold protocol.FoldRecord, listed protocol.ListedRecord, _, frontier uint64) protocol.Repair {
	return protocol.ReconcileRepair(fold, listed, ^uint64(0), frontier)
}
