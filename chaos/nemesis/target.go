package nemesis

import (
	"context"
	"fmt"
)

// Target is what faults are injected into: a cluster with node processes and proxied links.
// chaos/cluster implements it (through an adapter that names the KV stream); tests use fakes.
type Target interface {
	Nodes() int
	// StreamLeader returns the index of the KV stream's leader, or -1 if there is none now.
	StreamLeader(ctx context.Context) int
	Crash(node int) error
	Restart(node int) error
	Stop(node int) error
	Pause(node int) error
	Resume(node int) error
	StepDown(ctx context.Context) error
	PartitionPeers(node int) error
	PartitionClients(node int) error
	Slow(node int) error
	HealNetwork() error
	// WaitHealthy waits until every node is up, routed, healthy and agrees on the KV stream.
	WaitHealthy(ctx context.Context) error
}

// inject applies f to node on t.
func inject(ctx context.Context, t Target, k Kind, node int) error {
	switch k {
	case Kill:
		return t.Crash(node)
	case Pause:
		return t.Pause(node)
	case Stop:
		return t.Stop(node)
	case StepDown:
		return t.StepDown(ctx)
	case Partition:
		return t.PartitionPeers(node)
	case ClientPartition:
		return t.PartitionClients(node)
	case Latency:
		return t.Slow(node)
	}
	return fmt.Errorf("nemesis: unknown fault type %q", k)
}

// heal undoes k on node.
func heal(t Target, k Kind, node int) error {
	switch k {
	case Kill, Stop:
		return t.Restart(node)
	case Pause:
		return t.Resume(node)
	case StepDown:
		return nil
	case Partition, ClientPartition, Latency:
		return t.HealNetwork()
	}
	return fmt.Errorf("nemesis: unknown fault type %q", k)
}
