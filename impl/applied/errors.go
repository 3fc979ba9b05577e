package applied

import "errors"

// Sentinel errors of Run, matched with errors.Is. The error Run returns wraps the sentinel and
// the cause (a store error, the caller's apply error, a kv error), so both match.
var (
	// ErrConfig: the Config cannot be run (no Watcher, an invalid Scope, a Resume ahead of the
	// store). Nothing was started.
	ErrConfig = errors.New("applied: invalid config")
	// ErrApplyFailed: the caller's Apply returned an error (wrapped). The cursor did not
	// advance over the failed batch; a restart applies it again.
	ErrApplyFailed = errors.New("applied: apply failed")
	// ErrStoreFailed: the store's Apply failed protocol.MaxStoreApplyFailures times in a row,
	// or panicked. The store still holds everything up to its own cursor: restart, and Run
	// refolds from there.
	ErrStoreFailed = errors.New("applied: snapshot store apply failed")
	// ErrResyncFailed: the resync after an expired cursor could not list the bucket's live keys
	// or the store's keys. The loop stops rather than keep keys that may have been deleted:
	// fix the cause and restart.
	ErrResyncFailed = errors.New("applied: cursor-expired resync failed")
	// ErrNoExporter: an export was requested from a loop without a store, or whose store does
	// not implement Exporter. The loop keeps running.
	ErrNoExporter = errors.New("applied: nothing to export")
	// ErrExportFailed: the store's export panicked; the loop stops (the store's state is
	// unknown). An export that returns an error does not stop the loop.
	ErrExportFailed = errors.New("applied: snapshot export panicked")
)

// resyncHint is the hint of an expired cursor that Run cannot repair.
const resyncHint = "the resume cursor expired and Run has no Reader and Store to resync with; " +
	"give it both, or clear your fold and run again from the zero cursor " +
	"(continuing would keep keys deleted during the gap)"

// errCrashed is returned when a test hook simulates a crash.
var errCrashed = errors.New("applied: simulated crash (test hook)")
