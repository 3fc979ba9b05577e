package exportimport

import (
	"testing"

	"github.com/slipstream-go/slipstream/model/check/checktest"
)

// The clobber hazard (legacy): A exports and uploads at c1; B applies further, exports c2 > c1,
// uploads, publishes; A publishes → regressed. Under the pointer swap, that same last step is
// refused by K1.
func TestHazardTraceLegacyClobber(t *testing.T) {
	m, r := run(t, cfg(Legacy, ResyncFailStop, MutNone))
	w := checktest.RequireReached(t, r, PropHazardRegresses)
	// Shortest: two revisions (2 steps), applies 1+2 (3), two exports, two uploads, two
	// publishes (6): 11 actions.
	if w.Len() != 11 {
		t.Fatalf("clobber witness has %d steps, want the shortest 11:\n%v", w.Len(), w)
	}
	last := replayByName(t, m, w)
	if !last.Regressed {
		t.Fatal("the clobber witness does not end regressed")
	}
	before := w.Steps[len(w.Steps)-2].State
	fin := w.Steps[len(w.Steps)-1].Action
	if fin.Name != ActPublish {
		t.Fatalf("the clobber must end with the slow exporter's Publish, got %v", fin)
	}
	slow := before.Exporters[fin.Actor]
	if slow.Kind != PayloadUp || before.Manifest.IsNone() || before.Manifest.Node == uint8(fin.Actor) || before.Manifest.Cursor <= slow.A.Cursor {
		t.Fatalf("before the last step the other exporter's newer artifact must be published: %v", before)
	}
	// The same schedule against the shipped layout: the last Publish is refused by K1.
	shipped := MustNew(cfg(PointerSwap, ResyncFailStop, MutNone))
	s := shipped.Init()[0]
	for i, st := range w.Steps {
		next, ok := apply(shipped, s, st.Action)
		if !ok {
			t.Fatalf("step %d %v not enabled in the shipped layout", i+1, st.Action)
		}
		s = next
	}
	if s.Regressed || !s.Refused || s.Manifest != before.Manifest {
		t.Fatalf("under the pointer swap the slow publish must be refused and the pointer stay put: %v", s)
	}
}

// The torn-pair hazard (legacy): the manifest is m; another exporter's UploadPayload overwrites the
// payload with a ≠ m; the importer reads manifest m, then the payload → CrossCheckFailed.
func TestHazardTraceLegacyTornPair(t *testing.T) {
	m, r := run(t, cfg(Legacy, ResyncFailStop, MutNone))
	w := checktest.RequireReached(t, r, PropHazardTornPair)
	// Shortest: Churn, two applies, two exports, Upload+Publish of one, Upload of the other,
	// ReadManifest, ReadPayload: 10 actions.
	if w.Len() != 10 {
		t.Fatalf("torn-pair witness has %d steps, want the shortest 10:\n%v", w.Len(), w)
	}
	last := replayByName(t, m, w)
	if last.Importer.Kind != CrossCheckFailed {
		t.Fatalf("the witness ends with importer %v", last.Importer)
	}
	before := w.Steps[len(w.Steps)-2].State
	if a := w.Steps[len(w.Steps)-1].Action; a.Name != ActReadPayload {
		t.Fatalf("the torn pair is observed by ReadPayload, got %v", a)
	}
	if before.Importer.Kind != GotManifest || before.Payload == before.Importer.A || before.Payload.IsNone() {
		t.Fatalf("before ReadPayload the importer must hold manifest m and the payload be another artifact: %v", before)
	}
	// The shipped layout can never reach it (the cross-check property holds there).
	_, rs := run(t, cfg(PointerSwap, ResyncFailStop, MutNone))
	checktest.RequireHolds(t, rs, PropCrossCheckNeverFires)
}

// The FetchMissed and stale-key scenarios are witnesses the model must reach.
func TestHazardTracesFetchMissedAndStaleKey(t *testing.T) {
	m, r := run(t, cfg(PointerSwap, ResyncNone, MutNone))
	w := checktest.RequireReached(t, r, PropPruneRaceRetry)
	replayByName(t, m, w)
	// The importer read a pointer, a newer one was published, the old payload pruned.
	var sawRead, sawPrune bool
	for _, st := range w.Steps {
		sawRead = sawRead || st.Action.Name == ActReadManifest
		sawPrune = sawPrune || (sawRead && st.Action.Name == ActPrune)
	}
	if !sawRead || !sawPrune || w.Last().Importer.Kind != FetchMissed {
		t.Fatalf("FetchMissed witness is not read-pointer → prune → miss:\n%v", w)
	}
	st := checktest.RequireReached(t, r, PropHazardNoResync)
	fin := replayByName(t, m, st)
	if !(fin.DeleteRev != 0 && fin.DeleteRev <= fin.Floor && fin.Importer.A.HasKey && fin.Floor > fin.Importer.A.Cursor) {
		t.Fatalf("stale-key witness must have the key in the artifact, its delete marker evicted and the cursor expired: %v", fin)
	}
}
