package exportimport

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/protocol"
)

func TestDefaultKernelsAreTheProductionFunctions(t *testing.T) {
	k := DefaultKernels()
	same := func(name string, got, want any) {
		if reflect.ValueOf(got).Pointer() != reflect.ValueOf(want).Pointer() {
			t.Errorf("DefaultKernels().%s is not the production protocol.%s", name, name)
		}
	}
	same("PointerPublishAllowed", k.PointerPublishAllowed, protocol.PointerPublishAllowed)
	same("PayloadPrunable", k.PayloadPrunable, protocol.PayloadPrunable)
	same("ResumeWindowOK", k.ResumeWindowOK, protocol.ResumeWindowOK)
	// A model built without overrides runs the defaults (and the protocol-rule mutations keep them).
	for _, mut := range []Mutation{MutNone, MutLwwPointer, MutPruneAgeOnly, MutSilentClamp} {
		m := MustNew(cfg(PointerSwap, ResyncFailStop, mut))
		same("PointerPublishAllowed", m.k.PointerPublishAllowed, protocol.PointerPublishAllowed)
		same("PayloadPrunable", m.k.PayloadPrunable, protocol.PayloadPrunable)
		same("ResumeWindowOK", m.k.ResumeWindowOK, protocol.ResumeWindowOK)
	}
}

func TestMutantKernelsDifferFromProductionAtTheBoundary(t *testing.T) {
	if protocol.PointerPublishAllowed(protocol.PointerAt(5), 4) || !K1AllowsOneBelow(protocol.PointerAt(5), 4) {
		t.Error("K1AllowsOneBelow must differ from K1 exactly at candidate = n-1")
	}
	equal := protocol.PruneCandidate{Rank: 5, RankKnown: true, PointerRank: 5, AgedOut: true}
	if protocol.PayloadPrunable(equal) || !K2PrunesEqualRank(equal) {
		t.Error("K2PrunesEqualRank must differ from K2 exactly at equal rank")
	}
	if protocol.ResumeWindowOK(3, 5) || !K3OffByOne(3, 5) {
		t.Error("K3OffByOne must differ from K3 exactly at first = revision+2")
	}
}
