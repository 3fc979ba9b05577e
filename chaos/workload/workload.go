// Package workload drives a chaos cluster while faults are injected and records what it saw.
// A Workload takes one operation number (ticket) from the nemesis sequencer per operation, so
// faults land at reproducible points, and contributes the checks that judge its records once
// the faults have healed. The KV workload lives here; fold consumers and exporter fleets plug
// in through the same interface.
package workload

import (
	"context"

	"github.com/anishathalye/porcupine"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/cluster"
	"github.com/slipstream-go/slipstream/linearizability"
)

// Env is what a run hands a workload.
type Env struct {
	Cluster  *cluster.Cluster          // the cluster under test
	Recorder *linearizability.Recorder // the run's history and its clock
	Seed     uint64                    // the run's seed
	Dir      string                    // the run's report directory (for artifacts)
	// FaultWindows are the injected faults as timeline annotations, filled in before Checks.
	FaultWindows []porcupine.Annotation
	// LeaderInDoubt are the spans in which a deposed stream leader may still answer leader
	// reads (partitions and pauses, plus a grace after their heal), filled in before Checks.
	LeaderInDoubt []check.Window
	// Note, if set, prints one progress line among the fault lines (a workload's own
	// disruptions, such as the fold workload's operator actions).
	Note func(line string)
}

// Workload is one kind of client activity in a chaos run.
type Workload interface {
	// Name names the workload in progress lines and the summary.
	Name() string
	// Setup prepares the cluster (creates buckets) before faults start.
	Setup(ctx context.Context, env Env) error
	// Run performs one operation per ticket until tickets closes, then returns once every
	// operation in flight has finished.
	Run(ctx context.Context, env Env, tickets <-chan int64) error
	// Checks returns the guarantees to verify once the faults have healed.
	Checks(env Env) []check.Check
	// Stats returns counts for the summary, e.g. operations by kind and outcome.
	Stats() map[string]int
}
