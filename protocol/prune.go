package protocol

// PruneCandidate is what the pruner knows about one stored payload object when it asks K2
// whether it may delete it. Named fields, so that a caller cannot swap two booleans.
type PruneCandidate struct {
	// Rank is the cursor rank read from the payload's name; meaningful only when RankKnown.
	Rank uint64
	// RankKnown is false when the name carries no readable rank (not an object this
	// transport wrote).
	RankKnown bool
	// PointerRank is the rank of the pointer read at the start of this prune.
	PointerRank uint64
	// IsPointerTarget is true when the object is the one that pointer names.
	IsPointerTarget bool
	// AgedOut is true when the object was last modified at or before now − grace.
	AgedOut bool
}

// PayloadPrunable reports whether the pruner may delete a content-addressed payload object
// (kernel K2): it is not the pointer's target, it has aged out of the grace period, its rank
// is readable from its name, and that rank is strictly below the pointer's rank.
//
// Equal rank is not prunable, because an equal-rank payload is still publishable (K1 allows
// candidate >= current). An unreadable rank is never prunable: unknown objects are not ours.
//
// Theorem carried: "pointer target always fetchable (write-once before publish)". Prune
// deletes only ranks below the pointer at prune time; that pointer is at most the pointer at
// any later swap, and K1 refuses any publish below it, so a deleted payload can never become
// the pointer's target. (Deleting by age alone was refuted by the model: mutation
// PruneAgeOnly.) Production: the prune of impl/transport (Prune in both transports), with
// AgedOut = last modification at or before now − grace. Model: the exportimport action Prune,
// with AgedOut = true (zero grace, the harshest timing).
func PayloadPrunable(c PruneCandidate) bool {
	return !c.IsPointerTarget && c.AgedOut && c.RankKnown && c.Rank < c.PointerRank
}
