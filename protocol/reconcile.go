package protocol

// Anti-entropy reconciliation: the decisions that compare a key's record in the fold with its
// record in a headers-only listing of the bucket, taken while the live watch keeps folding.
//
// The listing is a last-record-per-key snapshot of the bucket; listPos is the bucket's last
// revision read BEFORE the listing started, so every record the listing lacks was either
// absent at listPos or written after it. The frontier is the watch's applied cursor at the
// moment of the decision: every record at or below it that the stream still holds has been
// delivered to the fold. A record above the frontier is left to the watch; a repair is made
// only where the watch has already passed and will never come back.

// Repair is what reconciliation does to one key.
type Repair uint8

const (
	// RepairNone: the fold agrees with the listing, is newer than it, or the watch will
	// deliver the difference.
	RepairNone Repair = iota
	// RepairDelete: fold a synthetic delete (the bucket no longer has the key, and no record
	// the watch will deliver says so).
	RepairDelete
	// RepairFetch: fold the key's current entry (the watch passed it without the fold
	// taking it).
	RepairFetch
	// RepairRollback: fold the key's current entry although it is OLDER than the fold's (the
	// fold's record was removed from the stream, say by a message delete, and the key's
	// previous record is current again). The fold's store must take it by position, not
	// refuse it as older.
	RepairRollback
	// RepairDeferred: a repair would be due, but the confirming read may lag (it was not
	// linearizable), so the key is left alone until a later round reads it again.
	RepairDeferred
)

// String names the repair.
func (r Repair) String() string {
	switch r {
	case RepairNone:
		return "none"
	case RepairDelete:
		return "delete"
	case RepairFetch:
		return "fetch"
	case RepairRollback:
		return "rollback"
	case RepairDeferred:
		return "deferred"
	}
	return "repair(?)"
}

// FoldRecord is a key's state in the fold: live with the revision of its entry, or absent
// (the fold forgets the revision of a delete).
type FoldRecord struct {
	Live bool
	Rev  uint64
}

// ListedRecord is a key's latest record in the listing: Present is false when the bucket
// holds no record of the key at all (purged, or never written); Live is false for a delete or
// purge marker.
type ListedRecord struct {
	Present, Live bool
	Rev           uint64
}

// WithinFrontier reports whether the watch has passed revision rev (rev <= frontier): a record
// there is one the watch will never deliver again.
func WithinFrontier(rev, frontier uint64) bool { return rev <= frontier }

// ListingCovers reports whether a fold entry at foldRev was written no later than the listing's
// position: only then does the listing's lack of the key say the key is gone. A fold entry
// newer than listPos was written after the listing began and must be kept.
func ListingCovers(foldRev, listPos uint64) bool { return foldRev <= listPos }

// ReconcileRepair is the listing filter: it decides from a key's fold record, its listed
// record, the listing's position and the watch's frontier whether the key is a candidate for
// repair. It never flags a record above the frontier (the watch delivers it), never a fold
// entry newer than the listing, flags a fetch only when the listed entry is newer than the
// fold's and the watch has passed it, and flags a rollback (or, for a marker, a delete) when
// the listed record is OLDER than a fold entry the listing covers: revisions only grow, so a
// listing that began after the fold's record was written and shows an older one means that
// record was removed. A candidate is repaired only if ConfirmRepair agrees.
func ReconcileRepair(fold FoldRecord, listed ListedRecord, listPos, frontier uint64) Repair {
	if !listed.Present {
		if fold.Live && ListingCovers(fold.Rev, listPos) {
			return RepairDelete
		}
		return RepairNone
	}
	if !WithinFrontier(listed.Rev, frontier) {
		return RepairNone
	}
	if fold.Live && fold.Rev == listed.Rev {
		return RepairNone
	}
	if fold.Live && fold.Rev > listed.Rev {
		if !ListingCovers(fold.Rev, listPos) {
			return RepairNone
		}
		if listed.Live {
			return RepairRollback
		}
		return RepairDelete
	}
	if listed.Live {
		return RepairFetch
	}
	if fold.Live {
		return RepairDelete
	}
	return RepairNone
}

// ConfirmRepair decides the repair of a candidate key (one ReconcileRepair did not leave
// alone) from the key's CURRENT record, read on the loop while no delivery is folded, whether
// that read was linearizable, and the frontier at that moment. The listing alone is not
// enough: it is not one point in time, and a listed record at or below the frontier may have
// been superseded by a newer one the watch has not delivered yet (the watch then skipped the
// listed record, not missed it). The current record settles it: none at all means the key is
// gone for good (delete); a record above the frontier is the watch's to deliver; a record at
// or below it is one the watch passed, so the fold must hold exactly it (fetch a put newer
// than the fold's entry, roll back to a put older than it, delete for a marker).
//
// It decides nothing on a read that is not linearizable: a lagging replica or a deposed
// leader may answer a record older than the current one, and a rollback or delete taken on it
// would lose a good entry, while leaving the key alone on it would call a wrong fold right.
// Such a candidate gets RepairDeferred: no change, and the round does not count as settled.
func ConfirmRepair(fold FoldRecord, current ListedRecord, frontier uint64, linearizable bool) Repair {
	if !linearizable {
		return RepairDeferred
	}
	return confirmed(fold, current, frontier)
}

// confirmed is ConfirmRepair's decision on a read that can be trusted.
func confirmed(fold FoldRecord, current ListedRecord, frontier uint64) Repair {
	if !current.Present {
		if fold.Live {
			return RepairDelete
		}
		return RepairNone
	}
	if !WithinFrontier(current.Rev, frontier) {
		return RepairNone
	}
	if current.Live {
		switch {
		case !fold.Live || fold.Rev < current.Rev:
			return RepairFetch
		case fold.Rev > current.Rev:
			return RepairRollback
		}
		return RepairNone
	}
	if fold.Live {
		return RepairDelete
	}
	return RepairNone
}
