package protocol

// LeaseStealable reports whether an exporter may take over the export lease record it read
// (kernel L1): the record could not be parsed (parsed = false: an empty tombstone left by an
// abandoned round, or garbage), or it has expired, its expiry being at or before now. Both
// times are Unix nanoseconds of the writers' wall clocks; expiresUnixNano is ignored when the
// record did not parse.
//
//	parsed = false            → true  (a corrupt lease must not wedge the fleet's exports)
//	expires <= now            → true  (an expiry exactly at now counts as expired)
//	expires >  now            → false (a live lease is left alone)
//
// Theorem carried: none of the export/import safety theorems. The exportimport model runs its
// exporters uncoordinated, a superset of anything a lease allows, so "published cursor never
// regresses", "pointer target always fetchable" and "bootstrap never silently diverges" hold
// with no lease at all, and clock skew (an early or late steal) at worst duplicates an export.
// What this kernel carries is progress: a lease held by a dead or confused node is released by
// time alone, so export rounds never stop. Production: impl/lease TryAcquire, when the
// create-only write lost. No model action (the lease is not modelled).
func LeaseStealable(parsed bool, expiresUnixNano, nowUnixNano int64) bool {
	return !parsed || expiresUnixNano <= nowUnixNano
}
