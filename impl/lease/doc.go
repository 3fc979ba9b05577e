// Package lease is the fleet's export lease: one key in a bucket that says which node runs the
// current export round, so that a fleet of nodes exports roughly once per lease period instead
// of once per node.
//
// The lease only avoids duplicated work; safety never depends on it. Two nodes that both think
// they hold it (clock skew, a round that overran its TTL, a stolen lease) at worst export and
// upload twice: the transport's monotone pointer swap refuses the older publish and its prune
// never removes what the pointer names, with or without a lease.
//
// A round takes the lease with TryAcquire: a create-only write wins an absent key; a record
// that has expired or cannot be parsed (protocol.LeaseStealable) is taken over by a
// compare-and-swap on its version; a live record is left alone. The winner resolves its Guard
// with Complete (the record stays until it expires, so the TTL is also the round period) or
// Abandon (a compare-and-swap delete, so the next node need not wait out the TTL). Both lose
// cleanly, without touching the record, when another node has taken the lease over meanwhile.
package lease
