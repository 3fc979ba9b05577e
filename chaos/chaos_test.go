package chaos

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
	"github.com/slipstream-go/slipstream/chaos/node"
	"github.com/slipstream-go/slipstream/chaos/workload"
)

func TestMain(m *testing.M) {
	node.MaybeRun()
	os.Exit(m.Run())
}

// smokeSpacing fits every fault type into a 30 s run at the default rate.
var smokeSpacing = nemesis.Spacing{HoldMin: 100, HoldMax: 200, GapMin: 60, GapMax: 120}

func runT(t *testing.T, opts Options) Result {
	t.Helper()
	if testing.Short() {
		t.Skip("a chaos run starts a 3-process cluster and runs for seconds")
	}
	opts.Dir = t.TempDir()
	if d := os.Getenv("CHAOS_TEST_DIR"); d != "" {
		opts.Dir = filepath.Join(d, t.Name())
	}
	var progress strings.Builder
	opts.Progress = &progress
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	if err := WriteReport(res); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	WriteSummary(&sb, res)
	t.Logf("progress:\n%s\nsummary:\n%s", progress.String(), sb.String())
	return res
}

// A short run with every fault type: every guarantee holds and every fault type was injected.
func TestSmokeEveryFault(t *testing.T) {
	// A long settle keeps faults from stacking on a replica still catching up, which can stall
	// the stream for the rest of a short run.
	res := runT(t, Options{Seed: 20261129, Duration: 30 * time.Second, Spacing: smokeSpacing,
		Settle: 10 * time.Second})
	if !res.Passed() {
		t.Fatalf("smoke run failed: %v (replay with CHAOS_SEED=%d)", res.Failed(), res.Seed)
	}
	for _, k := range nemesis.AllKinds {
		if res.Injected[k] == 0 {
			t.Errorf("fault %s never injected", k)
		}
	}
	if res.Operations < 1000 {
		t.Errorf("only %d operations recorded", res.Operations)
	}
	for _, f := range []string{SummaryFile, ResultFile, HistoryFile, FaultsFile} {
		if _, err := os.Stat(filepath.Join(res.Dir, f)); err != nil {
			t.Errorf("report file missing: %v", err)
		}
	}
}

// The checker has teeth: a client answering leader reads from a stale cache fails the run,
// the failure names the linearizability guarantee, and the visualisation is written.
func TestStaleClientFailsTheRun(t *testing.T) {
	res := runT(t, Options{Seed: 7, Duration: 6 * time.Second, NoFaults: true,
		KV: workload.KVOptions{StaleLeaderReads: true}})
	if res.Passed() {
		t.Fatal("a run with a stale-cache client passed")
	}
	var lin *check.Result
	for i, c := range res.Checks {
		if c.Name == "kv-linearizable" {
			lin = &res.Checks[i]
		} else if c.Verdict != check.Holds {
			t.Errorf("check %s did not hold although only the client is broken: %s", c.Name, c)
		}
	}
	if lin == nil || lin.Verdict != check.Violates {
		t.Fatalf("kv-linearizable = %v, want violates", lin)
	}
	if len(lin.Artifacts) != 1 {
		t.Fatalf("no visualisation recorded: %v", lin.Artifacts)
	}
	html, err := os.ReadFile(lin.Artifacts[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "<html") {
		t.Fatalf("%s is not an HTML page", lin.Artifacts[0])
	}
}
