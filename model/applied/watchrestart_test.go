package applied

import (
	"reflect"
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/model/check/checktest"
)

// The in-place restart with the production kernel holds every property and resumes exactly
// where the loop's input stopped: Delivered never moves, nothing is skipped.
func TestWatchRestartExtensionHolds(t *testing.T) {
	m, r := run(t, Config{WatchRestart: true})
	checktest.RequireAll(t, r)
	tr := checktest.RequireReached(t, r, PropRestartAhead)
	if names := actionNames(tr); !slices.Contains(names, ActWatchRestart) {
		t.Fatalf("the witness has no restart in place: %v", names)
	}
	for _, s := range []State{{Head: 3, Delivered: 2, From: 1}, {Head: 1}, {Head: 4, Delivered: 2, From: 2}} {
		if got := m.watchRestart(s); got.Delivered != s.Delivered || got.Skipped != 0 || !got.Restarted {
			t.Errorf("restart from %v gave %v; want Delivered kept and nothing skipped", s, got)
		}
	}
}

// Resuming one revision past the frontier skips the update in flight, and a later flush stores
// a cursor over it.
func TestWatchRestartPastFrontierIsCaught(t *testing.T) {
	m, r := run(t, Config{WatchRestart: true, Kernels: Kernels{RestartAfter: MutRestartPastFrontier}})
	tr := requireReplayedViolation(t, m, r, PropStoreComplete)
	names := actionNames(tr)
	if want := []string{ActChurn, ActWatchRestart, ActFlushOk}; !reflect.DeepEqual(names, want) {
		t.Fatalf("shortest corruption is %v, want %v:\n%v", names, want, tr)
	}
}
