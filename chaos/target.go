package chaos

import (
	"context"
	"time"

	"github.com/slipstream-go/slipstream/chaos/cluster"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
)

// latencyMS and jitterMS are the delay the latency fault adds to each link of a node (in each
// direction; a replicated write crosses several delayed links).
const (
	latencyMS = 50
	jitterMS  = 25
)

// target adapts a cluster to nemesis.Target for one KV stream.
type target struct {
	c      *cluster.Cluster
	stream string
	settle time.Duration // bound on the wait for full convergence before a fault
}

var _ nemesis.Target = target{}

func (t target) Nodes() int                           { return t.c.Nodes() }
func (t target) StreamLeader(ctx context.Context) int { return t.c.StreamLeader(ctx, t.stream) }
func (t target) Crash(i int) error                    { return t.c.Crash(i) }
func (t target) Restart(i int) error                  { return t.c.Restart(i) }
func (t target) Stop(i int) error                     { return t.c.Stop(i) }
func (t target) Pause(i int) error                    { return t.c.Pause(i) }
func (t target) Resume(i int) error                   { return t.c.Resume(i) }
func (t target) StepDown(ctx context.Context) error   { return t.c.StepDown(ctx, t.stream) }
func (t target) PartitionPeers(i int) error           { return t.c.PartitionPeers(i) }
func (t target) PartitionClients(i int) error         { return t.c.PartitionClients(i) }
func (t target) Slow(i int) error                     { return t.c.Slow(i, latencyMS, jitterMS) }
func (t target) HealNetwork() error                   { return t.c.HealNetwork() }

// WaitHealthy waits for a converged cluster for up to t.settle, then for a routed cluster with a
// stream leader: a replica can stay behind for many seconds while its raft catch-up retries,
// and waiting for it would stall the workload.
func (t target) WaitHealthy(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, t.settle)
	err := t.c.WaitStream(cctx, t.stream)
	cancel()
	if err == nil {
		return nil
	}
	return t.c.WaitLeader(ctx, t.stream)
}
