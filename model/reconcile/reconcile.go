// Package reconcile is the exhaustive model of anti-entropy reconciliation running beside the
// live watch of the applied loop (impl/applied), run by model/check and mirrored by
// spec/tla/Reconcile.tla. Its decisions are the production kernels of package protocol
// (ReconcileRepair, FetchedFoldable).
//
// Interior removals leave no gap a resume check or a floor guard can see: a delete marker
// purged (PurgeDeletes, or a marker outliving its TTL) and a key's whole history purged by an
// operator. The watch skips what the stream no longer holds, so without reconciliation the
// fold keeps such a key forever. Reconciliation lists the bucket (last record per key, headers
// only) and compares it with the fold, while the watch keeps delivering: the listing filter
// (ReconcileRepair) picks candidates, and each candidate is repaired only as ConfirmRepair
// decides from the key's current record, read on the loop. The listing alone is unsound: a
// listed record at or below the frontier may have been superseded by one the watch has not
// delivered yet (the ListingOnly mutations).
//
// # Scope and state
//
// One key K in a bucket keeping one record per key (a write supersedes the key's previous
// record, which the watch then skips), plus writes to other keys, which only move revisions.
// Bound MaxRev (4) revisions and MaxRounds (2) reconciliations. State: Head (bucket
// high-water); KRevs (bit r-1 set when revision r was a write of K); BRev, BLive (K's record:
// its revision, 0 = none, and whether it is a put); FLive, FRev (K in the fold; FRev = 0 when
// absent, since the fold forgets a delete's revision); Frontier (the watch's applied cursor);
// Phase, LPos, LPresent, LLive, LRev (the round's listing: its position, read before the
// listing in the shipped order, and K's listed record); Need (at some state from the listing's
// snapshot on, the fold differed from the bucket in a way the watch would not fix; a repair
// is spurious when it changes the fold without that); Rounds; Dirty (K changed since
// the round began); Settled (the last round saw no change of K, and none happened since);
// Missed (the one MissUpdate happened); Removal (the last interior removal's kind);
// LastRepair (the last round's effective repair); Lost, Spurious (a repair undid a fold that
// agreed with the bucket; a repair changed the fold without need).
//
// # Actions (in this order)
//
// PutK, DelK, WriteOther (bucket writes up to MaxRev); PurgeMarker (K's delete marker is
// removed); PurgeKey (K's live record is removed by a subject purge); Deliver (the watch
// delivers the next retained revision); MissUpdate (once: the watch passes K's record without
// folding it, standing for a fold that lost an update some other way; only with
// reconciliation); StartRound, FinishListing (the listing's two steps: position then snapshot
// in the shipped order); Repair (on the loop, without a delivery in between: filter with
// ReconcileRepair, read K's current record, decide with ConfirmRepair, fold the repair).
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
	Confirm func(fold protocol.FoldRecord, current protocol.ListedRecord, frontier uint64) protocol.Repair
}

// Config is one configuration of the model.
type Config struct {
	Mode    Mode
	Kernels Kernels
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
