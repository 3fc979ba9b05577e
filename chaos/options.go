// Package chaos runs the library against a 3-node JetStream cluster under faults and checks
// what the clients recorded: nodes are child processes (crash, pause, graceful stop), every
// link goes through a proxy (partitions, latency), the fault schedule comes from a seed and is
// counted in operations (replayable with the same seed), and after the faults heal every
// guarantee is judged holds, violates or incomplete.
package chaos

import (
	"io"
	"time"

	"github.com/slipstream-go/slipstream/chaos/nemesis"
	"github.com/slipstream-go/slipstream/chaos/workload"
)

// Options configures a run. Zero fields take the defaults shown.
type Options struct {
	Seed     uint64        // schedule and operation seed (required: print it, replay it)
	Duration time.Duration // how long the workload runs under faults (2 min)
	Faults   []nemesis.Kind
	// NoFaults runs without any fault (Faults is ignored).
	NoFaults bool
	Spacing  nemesis.Spacing // fault hold and gap in operations (nemesis.DefaultSpacing)
	Rate     float64         // operations per second handed out (400)
	Dir      string          // report directory, created if missing (required)
	KV       workload.KVOptions
	// Extra workloads run beside the KV workload (fold consumers, exporters).
	Extra []workload.Workload
	// ProductionRaft keeps nats-server's production raft timings (slower elections).
	ProductionRaft bool
	// HTML writes the linearizability visualisation even when the history holds.
	HTML bool
	// Progress receives one line per phase and per fault event; nil discards them.
	Progress io.Writer
	// Executable re-run as a node (default: this binary; its main or TestMain calls
	// node.MaybeRun).
	Executable string
	// Settle bounds the wait, before each fault, for every replica to catch up (2 s); after it
	// the fault is injected once every node is routed and the stream has a leader. A longer
	// settle avoids stacking a fault on a lagging replica (which can stall the stream).
	Settle time.Duration
	// ConvergeWait bounds the wait for the cluster to converge after the heal (2 min).
	ConvergeWait time.Duration
}

func (o Options) withDefaults() Options {
	if o.Duration == 0 {
		o.Duration = 2 * time.Minute
	}
	if o.Faults == nil && !o.NoFaults {
		o.Faults = nemesis.AllKinds
	}
	if o.NoFaults {
		o.Faults = nil
	}
	if o.Spacing == (nemesis.Spacing{}) {
		o.Spacing = nemesis.DefaultSpacing
	}
	if o.Rate == 0 {
		o.Rate = 400
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Settle == 0 {
		o.Settle = 2 * time.Second
	}
	if o.ConvergeWait == 0 {
		o.ConvergeWait = 2 * time.Minute
	}
	o.KV.Visualize = o.KV.Visualize || o.HTML
	return o
}
