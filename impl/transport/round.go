package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/slipstream-go/slipstream/impl/applied"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/lease"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// Round is one export round's inputs.
type Round struct {
	// Lease dedups rounds across the fleet; TTL is both its lease time and the round period.
	Lease *lease.Lease
	TTL   time.Duration
	// Exports is the channel the live loop (applied.Config.Exports) reads.
	Exports chan<- applied.ExportRequest
	// Transport and Key say where the artifact goes: it is published under PointerKey(Key,
	// the artifact's incarnation), so each incarnation of the bucket has its own pointer.
	Transport Transport
	Key       string
	// Live, when set, is the data bucket (natsstore's Store is one): after the upload the round
	// reads the bucket's live incarnation from it and prunes what earlier incarnations left
	// behind (Transport.PruneRetired, same grace). Nil: earlier incarnations are left alone.
	Live kv.IncarnationReporter
	// Scratch is an existing directory on the fold's file system for the transient artifact.
	Scratch string
	// Logger receives warnings that do not fail the round; nil is silent.
	Logger *slog.Logger

	// beforeSwap, if set by a test, runs between the payload upload and the pointer swap.
	beforeSwap func()
}

// RoundResult is what a round that held the lease did.
type RoundResult struct {
	Manifest *artifact.Manifest
	Outcome  Outcome
	// PointerKey is the key the artifact was published under (see PointerKey).
	PointerKey string
	// Pruned counts the payloads the round's prune deleted (only after a Published outcome).
	Pruned int
	// Retired counts what the round deleted of earlier incarnations (only with Round.Live).
	Retired RetiredPruned
}

// ErrLoopGone: the live loop did not take the export request or dropped its reply (it has
// stopped). Restart it, then retry the round.
var ErrLoopGone = errors.New("transport: the live loop is gone; export request not served")

// RunExportRound runs one export round: take the lease (another node holding it: nil, nil),
// ask the live loop for an artifact (it flushes first, so the artifact's cursor is the applied
// cursor), upload it and swap the pointer, record the cursor in the lease, and, when the
// pointer now names this artifact, prune with a grace of 4 × TTL (one TTL covers another
// publisher's upload-to-swap window, three more the readers holding an older pointer). The
// local artifact is always deleted. On any failure before the upload completes the lease is
// abandoned, so another node may retry at once. A SupersededByNewer outcome is a success: a
// newer artifact is published. With Round.Live set, every successful round then also prunes
// the artifacts of the bucket's earlier incarnations (Transport.PruneRetired, the same grace);
// a prune failure is logged and never fails the round.
func RunExportRound(ctx context.Context, r Round) (*RoundResult, error) {
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g, err := r.Lease.TryAcquire(ctx, r.TTL)
	if err != nil || g == nil {
		return nil, err
	}
	res, err := exportAndUpload(ctx, r)
	if err != nil {
		if _, aerr := g.Abandon(context.WithoutCancel(ctx)); aerr != nil {
			log.Warn("transport: abandoning the lease failed; it expires by itself", "err", aerr)
		}
		return nil, err
	}
	if stolen, err := g.Complete(ctx, res.Manifest.Cursor); err != nil || stolen {
		log.Warn("transport: the round's cursor was not recorded in the lease", "stolen", stolen, "err", err)
	}
	if res.Outcome.Status == Published {
		if res.Pruned, err = r.Transport.Prune(ctx, res.PointerKey, graceFor(r.TTL)); err != nil {
			log.Warn("transport: prune failed; the next round retries", "err", err)
		}
	} else {
		log.Warn("transport: a newer artifact was already published", "ours", res.Manifest.Cursor, "published", res.Outcome.Remote)
	}
	if r.Live != nil {
		res.Retired, err = pruneRetired(ctx, r)
		if err != nil {
			log.Warn("transport: pruning earlier incarnations failed; the next round retries", "err", err)
		}
	}
	return res, nil
}

// pruneRetired reads the bucket's live incarnation now (not the artifact's: a node still
// folding a deleted bucket must not retire the incarnation that replaced it) and prunes the
// earlier ones' artifacts. A bucket that does not exist now retires nothing.
func pruneRetired(ctx context.Context, r Round) (RetiredPruned, error) {
	live, err := r.Live.Incarnation(ctx)
	if err != nil {
		return RetiredPruned{}, fmt.Errorf("transport: read the live incarnation: %w", err)
	}
	return r.Transport.PruneRetired(ctx, r.Key, live, graceFor(r.TTL))
}

// graceFor is 4 × ttl, saturating.
func graceFor(ttl time.Duration) time.Duration {
	if ttl > math.MaxInt64/4 {
		return math.MaxInt64
	}
	return 4 * ttl
}

func exportAndUpload(ctx context.Context, r Round) (*RoundResult, error) {
	dir, err := os.MkdirTemp(r.Scratch, ".slipstream-export-round-*")
	if err != nil {
		return nil, fmt.Errorf("transport: export round scratch: %w", err)
	}
	defer os.RemoveAll(dir)
	art := filepath.Join(dir, "artifact")
	reply := make(chan applied.ExportResult, 1)
	select {
	case r.Exports <- applied.ExportRequest{Dir: art, Reply: reply}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrLoopGone, ctx.Err())
	}
	select {
	case res := <-reply:
		if res.Err != nil {
			return nil, fmt.Errorf("transport: export: %w", res.Err)
		}
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrLoopGone, ctx.Err())
	}
	m, _, err := artifact.ReadManifest(art)
	if err != nil {
		return nil, err
	}
	key := PointerKey(r.Key, m.Incarnation)
	ptr, err := r.Transport.UploadPayload(ctx, key, art)
	if err != nil {
		return nil, err
	}
	if r.beforeSwap != nil {
		r.beforeSwap()
	}
	out, err := r.Transport.SwapPointer(ctx, key, ptr)
	if err != nil {
		return nil, err
	}
	return &RoundResult{Manifest: m, Outcome: out, PointerKey: key}, nil
}
