package chaos

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/foldwl"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
	"github.com/slipstream-go/slipstream/chaos/workload"
)

// A short run of the fold workload beside the KV workload, with one fault type (SIGKILL of a
// node): the fold consumers are restarted soft and hard, the exporters publish, the importer
// bootstraps, and every fold guarantee holds.
func TestFoldWorkloadsUnderCrashes(t *testing.T) {
	folds := foldwl.New(foldwl.Options{Exports: true, Imports: true, GapMin: 15, GapMax: 30, ExportTTL: time.Second})
	res := runT(t, Options{Seed: 20261130, Duration: 12 * time.Second, Faults: []nemesis.Kind{nemesis.Kill},
		Spacing: nemesis.Spacing{HoldMin: 300, HoldMax: 500, GapMin: 200, GapMax: 400},
		Settle:  10 * time.Second, Extra: []workload.Workload{folds}})
	want := []string{"fold-matches-bucket", "fold-cursor-complete", "export-pointer-monotonic", "import-converged"}
	for _, name := range want {
		var found *check.Result
		for i := range res.Checks {
			if res.Checks[i].Name == name {
				found = &res.Checks[i]
			}
		}
		if found == nil {
			t.Errorf("check %s missing", name)
		} else if found.Verdict != check.Holds {
			t.Errorf("%s (replay with CHAOS_SEED=%d)", found, res.Seed)
		}
	}
	for _, stat := range []string{"folds restarts soft", "folds restarts hard", "folds exports published", "folds imports"} {
		if res.Stats[stat] == 0 {
			t.Errorf("%s = 0: the run did not exercise it (stats %v)", stat, res.Stats)
		}
	}
	if _, err := os.Stat(filepath.Join(res.Dir, foldwl.ReportFile)); err != nil {
		t.Errorf("fold report missing: %v", err)
	}
}
