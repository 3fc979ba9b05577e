package exportimport

import "github.com/slipstream-go/slipstream/protocol"

// Kernels are the decision functions the model calls. DefaultKernels returns the production
// functions of package protocol; mutation tests swap one for a broken variant.
type Kernels struct {
	PointerPublishAllowed func(current protocol.PointerState, candidateRank uint64) bool
	PayloadPrunable       func(c protocol.PruneCandidate) bool
	ResumeWindowOK        func(revision, firstSequence uint64) bool
}

// DefaultKernels returns the production kernels: protocol.PointerPublishAllowed,
// protocol.PayloadPrunable and protocol.ResumeWindowOK.
func DefaultKernels() Kernels {
	return Kernels{
		PointerPublishAllowed: protocol.PointerPublishAllowed,
		PayloadPrunable:       protocol.PayloadPrunable,
		ResumeWindowOK:        protocol.ResumeWindowOK,
	}
}

// K1AllowsOneBelow is a broken K1 for MutK1AllowsOneBelow: it also accepts candidate = n−1.
func K1AllowsOneBelow(current protocol.PointerState, candidateRank uint64) bool {
	n, known := current.Rank()
	return !known || candidateRank+1 >= n
}

// K2PrunesEqualRank is a broken K2 for MutK2PrunesEqualRank: Rank <= PointerRank.
func K2PrunesEqualRank(c protocol.PruneCandidate) bool {
	return !c.IsPointerTarget && c.AgedOut && c.RankKnown && c.Rank <= c.PointerRank
}

// K3OffByOne is a broken K3 for MutK3OffByOne: firstSequence <= revision+2.
func K3OffByOne(revision, firstSequence uint64) bool {
	return firstSequence <= revision+2
}

// KernelsFor returns the kernels a mutation runs with: the defaults, with the broken variant
// swapped in for a kernel mutation.
func KernelsFor(m Mutation) Kernels {
	k := DefaultKernels()
	switch m {
	case MutK1AllowsOneBelow:
		k.PointerPublishAllowed = K1AllowsOneBelow
	case MutK2PrunesEqualRank:
		k.PayloadPrunable = K2PrunesEqualRank
	case MutK3OffByOne:
		k.ResumeWindowOK = K3OffByOne
	}
	return k
}
