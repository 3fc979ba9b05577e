package check_test

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

func TestReplayRejectsForgedTraces(t *testing.T) {
	m := mutex{}
	r := check.Run[mutexState](m, check.Options{})
	cex := checktest.RequireViolated(t, r, "mutual exclusion")
	forged := cex
	forged.Steps = append([]check.Step[mutexState](nil), cex.Steps...)
	forged.Steps[1].Action = cex.Steps[0].Action // Check(i) again: i is no longer idle
	if err := check.Replay[mutexState](m, forged); err == nil {
		t.Fatal("a trace with a disabled action replayed")
	}
	forged.Steps = append([]check.Step[mutexState](nil), cex.Steps...)
	forged.Steps[3].State.flag[0] = false
	if err := check.Replay[mutexState](m, forged); err == nil {
		t.Fatal("a trace with a wrong state replayed")
	}
	forged = cex
	forged.Init.pc[0] = 2
	if err := check.Replay[mutexState](m, forged); err == nil {
		t.Fatal("a trace from a non-initial state replayed")
	}
}
