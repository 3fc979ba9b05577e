package watchstall

import "github.com/slipstream-go/slipstream/protocol"

// MutNoReset is a detector that does not restart the streak when something was received: it
// hands the kernel a constant receipt count, so a slow consumer that keeps receiving while
// behind is declared stalled a window after the streak opened. It must violate NoFalseStall.
func MutNoReset(streak protocol.StallStreak, behind bool, _ uint64, now, window int64) (protocol.StallStreak, bool) {
	return protocol.WatchStall(streak, behind, 0, now, window)
}

// MutNoWindow declares a stall on the first probe that finds the watch behind, with no window
// of evidence. It must violate NoFalseStall.
func MutNoWindow(streak protocol.StallStreak, behind bool, received uint64, now, window int64) (protocol.StallStreak, bool) {
	next, stalled := protocol.WatchStall(streak, behind, received, now, window)
	return next, stalled || behind
}

// MutForgetStreak reopens the streak at every probe, keeping no evidence between probes, so
// no watch is ever declared stalled. It must violate StallDetected.
func MutForgetStreak(_ protocol.StallStreak, behind bool, received uint64, now, window int64) (protocol.StallStreak, bool) {
	next, _ := protocol.WatchStall(protocol.StallStreak{}, behind, received, now, window)
	return next, false
}
