package protocol

// PayloadPrunable reports whether the pruner may delete a content-addressed payload object
// (kernel K2): it is not the pointer's target, it has aged out of the grace period, its rank
// is readable from its name (rankKnown), and that rank is strictly below the pointer's rank.
//
// Equal rank is not prunable, because an equal-rank payload is still publishable (K1 allows
// candidate >= current). An unreadable rank is never prunable: unknown objects are not ours.
//
// Theorem carried: "pointer target always fetchable (write-once before publish)". Prune
// deletes only ranks below the pointer at prune time; that pointer is at most the pointer at
// any later swap, and K1 refuses any publish below it, so a deleted payload can never become
// the pointer's target. (Deleting by age alone was refuted by the model: mutation
// PruneAgeOnly.) Production: planned, the prune of the object-store transport (impl/transport,
// not written yet), with agedOut = last modification at or before now − grace. Model: the
// exportimport action Prune, with agedOut = true (zero grace, the harshest timing).
func PayloadPrunable(payloadRank uint64, rankKnown bool, pointerRank uint64, isPointerTarget, agedOut bool) bool {
	return !isPointerTarget && agedOut && rankKnown && payloadRank < pointerRank
}
