package exportimport

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

// coverage records the actions that fire (run it with one worker).
type coverage struct {
	*Model
	fired map[string]int
}

func (c coverage) Next(s State, emit func(check.Action, State)) {
	c.Model.Next(s, func(a check.Action, t State) {
		c.fired[a.Name]++
		emit(a, t)
	})
}

// Every action of the model fires somewhere in the default tier (an action that never
// fires is the commonest silent modelling bug): all but ResumeResyncDegraded under the shipped
// layout with fail-stop resync, all but Prune under the legacy layout with degrading resync.
func TestEveryActionFires(t *testing.T) {
	all := []string{ActChurn, ActDeleteKey, ActCompact, ActApply, ActExport, ActUploadPayload, ActPublish, ActCrash,
		ActNextRound, ActPrune, ActReadManifest, ActReadPayload, ActRetry, ActResume, ActResumeResyncDegraded}
	for _, tc := range []struct {
		c      Config
		absent string
	}{
		{cfg(PointerSwap, ResyncFailStop, MutNone), ActResumeResyncDegraded},
		{cfg(Legacy, ResyncDegrade, MutNone), ActPrune},
	} {
		cov := coverage{Model: MustNew(tc.c), fired: map[string]int{}}
		check.Run[State](cov, check.Options{Workers: 1})
		for _, a := range all {
			if n := cov.fired[a]; (n == 0) != (a == tc.absent) {
				t.Errorf("%v/%v: action %s fired %d times", tc.c.Layout, tc.c.Resync, a, n)
			}
		}
	}
}
