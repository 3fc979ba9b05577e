package configs

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/retire"
)

// retireConfigs returns the configurations of the retirement model: the shipped pruner, one
// mutation per kernel and per call site (each must break the invariant it names), and the
// shipped pruner at larger bounds in the deep tier.
func retireConfigs() []Config {
	rt := func(name, desc string, c retire.Config) Config {
		return Model(name, desc, func() check.Model[retire.State] { return retire.New(c) })
	}
	return []Config{
		rt("Retire_Shipped", "shipped pruner: nothing of the live incarnation is deleted, imports are exact or detect a miss, a pointer goes after its payload (7 properties)",
			retire.Config{}),
		rt("Retire_MutRetireEqualCreated", "kernel mutation: retiring incarnations created at or before the live one must delete the live incarnation's payload",
			retire.Config{Kernels: retire.Kernels{Payload: retire.MutRetireEqualCreated}}),
		rt("Retire_MutIgnoreAgedOut", "kernel mutation: ignoring the grace must delete the payload of an incarnation created, on a clock gone back, after the prune read the bucket",
			retire.Config{Kernels: retire.Kernels{Payload: retire.MutIgnoreAgedOut}}),
		rt("Retire_MutPointerWithPayloads", "kernel mutation: deleting a pointer with payloads left must delete it before the payload it names",
			retire.Config{Kernels: retire.Kernels{Pointer: retire.MutPointerWithPayloads}}),
		rt("Retire_MutLiveFromFold", "call-site mutation: reading the live incarnation from a stale fold must delete the live incarnation's payload",
			retire.Config{Mode: retire.LiveFromFold}),
		rt("Retire_MutNoCAS", "call-site mutation: a pointer delete without the compare-and-swap must delete a stale exporter's fresh pointer before its payload",
			retire.Config{Mode: retire.NoCAS}),
		rt("Retire_Deep_Shipped", "shipped pruner at larger bounds: 2 uploads per exporter, 2 prunes, 2 reads (7 properties)",
			retire.Config{Bounds: retire.Bounds{Third: true, MaxUploads: 2, MaxPrunes: 2, MaxReads: 2}}),
	}
}
