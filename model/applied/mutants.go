package applied

import (
	"encoding/binary"

	"github.com/slipstream-go/slipstream/protocol"
)

// MutRequeueDrop is a broken re-queue kernel: it drops the failed batch and keeps only the
// newer updates. It is the DropFailedBatch mutation (the pre-fix behaviour) expressed as a
// kernel; the model must reach a store cursor above missing data.
func MutRequeueDrop(failed, newer [][]byte) [][]byte {
	return append([][]byte(nil), newer...)
}

// MutBatchHighOnUnknown is a broken batch high-water kernel: every received update moves the
// mark, an unknown (empty) version included, which clobbers the position already received.
// Under the UnknownVersions extension the model must reach a quiescent store behind the head.
func MutBatchHighOnUnknown(high, version []byte) []byte {
	return version
}

// MutStoreFailureAt returns a broken store-failure kernel that stops the loop at the n-th
// consecutive failure instead of the 16th (n = 15 stops too early, n = 17 runs on a dead
// store). The FailStop extension's always property must catch either.
func MutStoreFailureAt(n uint) func(streak uint, failed bool) (uint, bool) {
	return func(streak uint, failed bool) (uint, bool) {
		next, _ := protocol.StoreFailure(streak, failed)
		return next, failed && next >= n
	}
}

// MutRestartPastFrontier is a broken restart kernel: it resumes one revision past the position
// the production kernel picks, skipping the update the failed watch had received but not handed
// to the loop. Under the WatchRestart extension the model must reach a stored cursor over a
// revision the store lacks.
func MutRestartPastFrontier(start, forwarded []byte) []byte {
	at := protocol.WatchRestartAfter(start, forwarded)
	var rev uint64
	if len(at) == 8 {
		rev = binary.BigEndian.Uint64(at)
	}
	return binary.BigEndian.AppendUint64(nil, rev+1)
}
