// Package reconcile is the exhaustive model of anti-entropy reconciliation running beside the
// live watch of the applied loop (impl/applied), run by model/check and mirrored by
// spec/tla/Reconcile.tla. Its decisions are the production kernels of package protocol
// (ReconcileRepair, ConfirmRepair).
//
// Interior removals leave no gap a resume check or a floor guard can see: a delete marker
// purged (PurgeDeletes, or a marker outliving its TTL), a key's whole history purged by an
// operator, and a message delete of a key's latest record, which makes its previous record
// current again. The watch skips what the stream no longer holds, so without reconciliation
// the fold keeps such a key forever. Reconciliation lists the bucket (last record per key,
// headers only) and compares it with the fold, while the watch keeps delivering: the listing
// filter (ReconcileRepair) picks candidates, and each candidate is repaired only as
// ConfirmRepair decides from the key's current record, read on the loop. The listing alone is
// unsound: a listed record at or below the frontier may have been superseded by one the watch
// has not delivered yet (the ListingOnly mutations). The confirming read may lag (a replica
// behind the stream answers an older record of the key, or none); nothing is repaired on such
// a read, and the round does not count as settled.
//
// # Scope and state
//
// One key K, each write of which keeps or drops K's previous record (a bucket keeping one
// record per key, or a longer history), plus writes to other keys, which only move revisions.
// Bound MaxRev (4) revisions and MaxRounds (2) reconciliations. State: Head (bucket
// high-water); KRevs, KDels (bit r-1 set when revision r was a write, a delete marker, of K);
// BRev, BLive (K's record: its revision, 0 = none, and whether it is a put); PRev (K's
// previous record the stream still holds, 0 = none); FLive, FRev (K in the fold; FRev = 0
// when absent, since the fold forgets a delete's revision); Frontier (the watch's applied
// cursor); Phase, LPos, LPresent, LLive, LRev (the round's listing: its position, read before
// the listing in the shipped order, and K's listed record); Need (at some state from the
// listing's snapshot on, the fold differed from the bucket in a way the watch would not fix; a
// repair is spurious when it changes the fold without that); Rounds; Dirty (K changed since
// the round began); Settled (the last round saw no change of K, confirmed on a linearizable
// read, and none happened since); Missed (the one MissUpdate happened); Removal (the last
// interior removal's kind); LastRepair (the last round's effective repair); Lost, Spurious (a
// repair undid a fold that agreed with the bucket; a repair changed the fold without need).
//
// # Actions (in this order)
//
// PutK, DelK (and their KeepPrev twins, which keep K's previous record), WriteOther (bucket
// writes up to MaxRev); PurgeMarker (K's delete marker is removed); PurgeKey (K's live record
// is removed by a subject purge); RawDeleteLatest (K's latest record is removed by a message
// delete and its previous record is current again; not on a DenyDelete bucket); Deliver (the
// watch delivers the next retained revision); MissUpdate (once: the watch passes K's record
// without folding it, standing for a fold that lost an update some other way; only with
// reconciliation); StartRound, FinishListing (the listing's two steps: position then snapshot
// in the shipped order); Repair, RepairOnStaleRead (on the loop, without a delivery in
// between: filter with ReconcileRepair, read K's current record, linearizably or from a
// replica that may lag, decide with ConfirmRepair, fold the repair).
package reconcile

import "github.com/slipstream-go/slipstream/protocol"

// Bounds of the model.
const (
	MaxRev    = 4
	MaxRounds = 2
)

// Mode chooses the variant.
type Mode uint8

const (
	// Shipped reconciles: position read before the snapshot, candidates confirmed.
	Shipped Mode = iota
	// NoReconcile is the consumer without reconciliation (the hazard).
	NoReconcile
	// ListingOnly repairs from the listing alone, without the confirming read (a fetch folds
	// the current entry if it is at or below the frontier).
	ListingOnly
	// ListingOnlyPositionAfter is ListingOnly with the position read after the snapshot.
	ListingOnlyPositionAfter
)

// Kernels are the decisions the model takes from package protocol; nil fields take the
// production kernels, mutants replace them.
type Kernels struct {
	Repair  func(fold protocol.FoldRecord, listed protocol.ListedRecord, listPos, frontier uint64) protocol.Repair
	Confirm func(fold protocol.FoldRecord, current protocol.ListedRecord, frontier uint64, linearizable bool) protocol.Repair
}

// Config is one configuration of the model.
type Config struct {
	Mode    Mode
	Kernels Kernels
	// DenyDelete is a bucket whose stream denies message deletes (as the buckets this library
	// creates do): no RawDeleteLatest. The listing-only mutations run so, where each is caught
	// by the rule it breaks alone; with raw deletes a listing-only repair is unsound anyway.
	DenyDelete bool
}

// Model is the reconciliation model for one Config.
type Model struct {
	cfg Config
	k   Kernels
}

// New returns the model for cfg.
func New(cfg Config) *Model {
	k := cfg.Kernels
	if k.Repair == nil {
		k.Repair = protocol.ReconcileRepair
	}
	if k.Confirm == nil {
		k.Confirm = protocol.ConfirmRepair
	}
	return &Model{cfg: cfg, k: k}
}

// Init returns the single initial state: an empty bucket and fold.
func (m *Model) Init() []State { return []State{{}} }
