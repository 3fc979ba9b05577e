package reconcile

import "github.com/slipstream-go/slipstream/protocol"

// MutRepairAboveFrontier is ReconcileRepair without the frontier check, paired with
// MutConfirmAboveFrontier: it repairs records the watch has not reached yet, so it counts
// (and fetches) differences the watch would have fixed by itself.
func MutRepairAboveFrontier(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, _ uint64) protocol.Repair {
	return protocol.ReconcileRepair(fold, listed, listPos, ^uint64(0))
}

// MutConfirmAboveFrontier is ConfirmRepair without the frontier check.
func MutConfirmAboveFrontier(fold protocol.FoldRecord, current protocol.ListedRecord, _ uint64, linearizable bool) protocol.Repair {
	return protocol.ConfirmRepair(fold, current, ^uint64(0), linearizable)
}

// MutDeleteNewerThanListing is ReconcileRepair without the listing-position check: a key the
// listing lacks is flagged for deletion even when the fold's entry was written after the
// listing began.
func MutDeleteNewerThanListing(fold protocol.FoldRecord, listed protocol.ListedRecord, _, frontier uint64) protocol.Repair {
	return protocol.ReconcileRepair(fold, listed, ^uint64(0), frontier)
}

// MutNoRollbackRepair is ReconcileRepair as it was before rollbacks, paired with
// MutNoRollbackConfirm: a fold entry at or above the listed record is left alone, so a
// message delete of a key's latest record, which makes its previous record current again,
// leaves the fold holding the deleted entry forever.
func MutNoRollbackRepair(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, frontier uint64) protocol.Repair {
	if listed.Present && fold.Live && fold.Rev >= listed.Rev {
		return protocol.RepairNone
	}
	return protocol.ReconcileRepair(fold, listed, listPos, frontier)
}

// MutNoRollbackConfirm is ConfirmRepair without the rollback: a current put older than the
// fold's entry leaves the key alone.
func MutNoRollbackConfirm(fold protocol.FoldRecord, current protocol.ListedRecord, frontier uint64, linearizable bool) protocol.Repair {
	if d := protocol.ConfirmRepair(fold, current, frontier, linearizable); d != protocol.RepairRollback {
		return d
	}
	return protocol.RepairNone
}

// MutRollbackNewerThanListing is ReconcileRepair without the listing-position check on a
// rollback: a listed put older than the fold's entry flags a rollback even when that entry
// was written after the listing began (so the listing could not have shown it).
func MutRollbackNewerThanListing(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, frontier uint64) protocol.Repair {
	if listed.Present && listed.Live && fold.Live && fold.Rev > listed.Rev && protocol.WithinFrontier(listed.Rev, frontier) {
		return protocol.RepairRollback
	}
	return protocol.ReconcileRepair(fold, listed, listPos, frontier)
}

// MutRollbackOnStaleRead is ConfirmRepair that takes a rollback on a read that may lag: a
// replica behind the stream answers an older record of the key, and the fold is rolled back
// to it although the key's current record is another.
func MutRollbackOnStaleRead(fold protocol.FoldRecord, current protocol.ListedRecord, frontier uint64, linearizable bool) protocol.Repair {
	if d := protocol.ConfirmRepair(fold, current, frontier, true); d == protocol.RepairRollback {
		return d
	}
	return protocol.ConfirmRepair(fold, current, frontier, linearizable)
}
