package floorguard

import "github.com/slipstream-go/slipstream/protocol"

// Kernels are the floor-guard decisions the model runs; DefaultKernels returns the
// production functions.
type Kernels struct {
	ProbeNeeded func(frontier, rev uint64) bool
	Trips       func(frontier, firstSequence uint64) bool
	Frontier    func(frontier, rev uint64) uint64
	Start       func(cursor, firstBefore, last uint64) uint64
	Advance     func(frontier, last uint64, caughtUp bool) uint64
	Required    func(r protocol.StreamRetention) bool
	Resume      func(cursor, firstSequence uint64, r protocol.StreamRetention) bool
}

// DefaultKernels returns protocol.FloorGuardProbeNeeded, FloorGuardTrips, FloorGuardFrontier,
// FloorGuardStart, FloorGuardAdvance, FloorGuardRequired and ResumeAllowed.
func DefaultKernels() Kernels {
	return Kernels{
		ProbeNeeded: protocol.FloorGuardProbeNeeded,
		Trips:       protocol.FloorGuardTrips,
		Frontier:    protocol.FloorGuardFrontier,
		Start:       protocol.FloorGuardStart,
		Advance:     protocol.FloorGuardAdvance,
		Required:    protocol.FloorGuardRequired,
		Resume:      protocol.ResumeAllowed,
	}
}
