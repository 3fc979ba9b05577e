// Package nemesis draws fault schedules from a seed and injects them at fixed points of a
// workload, counted in operations rather than wall time, so that a run can be replayed: two
// runs with the same seed inject the same faults, on the same targets, before the same
// operation numbers.
package nemesis

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is a fault type.
type Kind string

// The fault types. Each is injected on one node (except StepDown) and healed later.
const (
	Kill            Kind = "kill"             // SIGKILL the node; heal restarts it on its store dir
	Pause           Kind = "pause"            // SIGSTOP the node; heal sends SIGCONT
	Stop            Kind = "stop"             // graceful SIGTERM (leaderships handed over); heal restarts it
	StepDown        Kind = "stepdown"         // the KV stream's leader steps down; nothing to heal
	Partition       Kind = "partition"        // blackhole the node's route links; its clients still reach it
	ClientPartition Kind = "client-partition" // blackhole the node's client links; its peers still reach it
	Latency         Kind = "latency"          // delay every link of the node
)

// AllKinds lists every fault type, in a fixed order.
var AllKinds = []Kind{Kill, Pause, Stop, StepDown, Partition, ClientPartition, Latency}

// ParseKinds parses a comma-separated list of fault types (CHAOS_FAULTS). Empty or "all" means
// every type; "none" means no faults. Duplicates are dropped.
func ParseKinds(s string) ([]Kind, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "all":
		return slices.Clone(AllKinds), nil
	case "none":
		return nil, nil
	}
	var out []Kind
	for _, f := range strings.Split(s, ",") {
		k := Kind(strings.TrimSpace(f))
		if !slices.Contains(AllKinds, k) {
			return nil, fmt.Errorf("nemesis: unknown fault type %q; known: %s, all, none", k, JoinKinds(AllKinds))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// JoinKinds formats kinds as a comma-separated list (the form ParseKinds reads).
func JoinKinds(kinds []Kind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}
