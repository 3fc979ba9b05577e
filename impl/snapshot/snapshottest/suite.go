// Package snapshottest is the conformance suite every snapshot.Store backend runs whole.
//
// A backend's test calls Run with a function that opens its store in a directory. The suite
// calls it again on the same directory, after Close, to simulate a restart, and wipes the
// directory's contents to simulate losing the fold. Every check is a subtest named by the
// behaviour it pins, so a failure reads as the broken promise.
//
// One check, a failed Apply leaving the store as it was, needs the backend to fail a write on
// demand: pass WithFaultInjection, or WithoutFaultInjection with the reason it cannot be done
// (the check is then skipped with that reason, never passed silently).
package snapshottest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// OpenFunc opens (or reopens, after Close) the backend's store kept in dir. dir exists and
// belongs to the one store; the suite may empty it between a Close and the next open.
type OpenFunc func(t *testing.T, dir string) (snapshot.Store, error)

// FaultyOpenFunc opens the store kept in dir as OpenFunc does, and also returns failNext:
// calling it makes the store's next Apply fail while writing to durable storage (after as
// much of the write as the backend can manage, so that a half-done write is exercised).
// Only that one Apply fails; later ones succeed again.
type FaultyOpenFunc func(t *testing.T, dir string) (s snapshot.Store, failNext func(), err error)

// Option configures Run.
type Option func(*config)

type config struct {
	faulty     FaultyOpenFunc
	skipFaults string
}

// WithFaultInjection lets the suite check that a failed Apply leaves the store (in memory and
// on disk) exactly as it was, and that a later Apply succeeds.
func WithFaultInjection(open FaultyOpenFunc) Option {
	return func(c *config) { c.faulty = open }
}

// WithoutFaultInjection declares that the backend cannot fail a write on demand; the
// failed-Apply check is skipped and reports reason.
func WithoutFaultInjection(reason string) Option {
	return func(c *config) { c.skipFaults = reason }
}

// Run runs every conformance check against the backend that open builds, each as a subtest.
// Run the suite with -race: one check reads concurrently with Apply.
func Run(t *testing.T, open OpenFunc, opts ...Option) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	checks := []struct {
		name string
		fn   func(*harness)
	}{
		{"FreshStoreHasZeroCursorAndNoEntries", checkFresh},
		{"FoldSurvivesCloseAndReopen", checkRoundTrip},
		{"GetAndRangeReturnTheLiveState", checkGetRange},
		{"KeysListsTheSameKeysAsRange", checkKeysMatchRange},
		{"LaterUpdateWinsByPositionNotVersion", checkLastWriteWins},
		{"DeleteAndPurgeRemoveTheKey", checkDeletePurge},
		{"EmptyBatchStillAdvancesCursor", checkEmptyBatch},
		{"CursorSurvivesReopenAndResumeFoldsOnlyTheRest", checkCursorResume},
		{"FoldIsAPureFunctionOfTheLog", checkPureFold},
		{"RefoldingAnAppliedSuffixChangesNothing", checkIdempotentRefold},
		{"RangeIsAscendingBytesAndPrefixIsExact", checkRangeOrderPrefix},
		{"EmptyValueIsAPresentEntry", checkEmptyValue},
		{"TenByteVersionTokensRoundTripExactly", checkTenByteTokens},
		{"StoreKeepsItsOwnCopyOfValues", checkValueCopies},
		{"RangeAndKeysStopWhenTheLoopBreaks", checkRangeBreak},
		{"ApplyInsideARangeLoopDoesNotBlock", checkApplyInsideRange},
		{"ReadersRunConcurrentlyWithApply", checkConcurrentReaders},
		{"ClosedStoreReturnsErrClosed", checkClosed},
		{"FailedApplyLeavesTheStoreAsItWas", func(h *harness) { checkFailedApply(h, cfg) }},
		{"StampSurvivesReopenWithItsCursor", checkStampSurvivesReopen},
		{"ApplyWithoutAStampKeepsIt", checkApplyKeepsStamp},
		{"FailedApplyStampedKeepsTheOldStamp", func(h *harness) { checkFailedApplyKeepsStamp(h, cfg) }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			h := &harness{t: t, open: open, dir: t.TempDir()}
			t.Cleanup(h.closeLast)
			c.fn(h)
		})
	}
}

// harness tracks the one open store of a check so that a reopen always closes it first.
type harness struct {
	t    *testing.T
	open OpenFunc
	dir  string
	cur  snapshot.Store
}

// reopen closes the current store (if any) and opens the directory again.
func (h *harness) reopen() snapshot.Store {
	h.t.Helper()
	h.closeCurrent()
	s, err := h.open(h.t, h.dir)
	if err != nil {
		h.t.Fatalf("open %s: %v", h.dir, err)
	}
	h.cur = s
	return s
}

func (h *harness) closeCurrent() {
	h.t.Helper()
	if h.cur == nil {
		return
	}
	if err := h.cur.Close(); err != nil && !errors.Is(err, snapshot.ErrClosed) {
		h.t.Fatalf("close: %v", err)
	}
	h.cur = nil
}

func (h *harness) closeLast() {
	if h.cur != nil {
		_ = h.cur.Close()
		h.cur = nil
	}
}

// wipe closes the store and deletes everything it kept: the fold is lost.
func (h *harness) wipe() {
	h.t.Helper()
	h.closeCurrent()
	names, err := os.ReadDir(h.dir)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, n := range names {
		if err := os.RemoveAll(filepath.Join(h.dir, n.Name())); err != nil {
			h.t.Fatal(err)
		}
	}
}
