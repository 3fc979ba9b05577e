package exportimport

import "fmt"

// Layout is the transport layout.
type Layout uint8

const (
	// PointerSwap is the shipped layout: write-once content-addressed payloads and a monotone
	// pointer published through K1 plus compare-and-swap.
	PointerSwap Layout = iota
	// Legacy is the old two-register layout: a last-write-wins payload object and a
	// last-write-wins sibling manifest.
	Legacy
)

// String returns "PointerSwap" or "Legacy".
func (l Layout) String() string {
	if l == Legacy {
		return "Legacy"
	}
	return "PointerSwap"
}

// Resync is the importer's behaviour when its resume cursor has expired.
type Resync uint8

const (
	// ResyncNone: no resync reader wired; an expired resume only re-lists.
	ResyncNone Resync = iota
	// ResyncDegrade: the old behaviour, a resync failure warns and re-lists only.
	ResyncDegrade
	// ResyncFailStop: shipped, a resync failure fails the watch and the resume is retried.
	ResyncFailStop
)

// String returns "None", "Degrade" or "FailStop".
func (r Resync) String() string {
	switch r {
	case ResyncDegrade:
		return "Degrade"
	case ResyncFailStop:
		return "FailStop"
	}
	return "None"
}

// Mutation is a deliberate bug the model must catch.
type Mutation uint8

const (
	// MutNone is the protocol as shipped.
	MutNone Mutation = iota
	// MutLwwPointer publishes without K1 (last write wins on the pointer).
	MutLwwPointer
	// MutPruneAgeOnly prunes every payload but the pointer's target (age alone).
	MutPruneAgeOnly
	// MutSilentClamp resumes without detecting expiry (the resync never runs).
	MutSilentClamp
	// MutK1AllowsOneBelow swaps in a K1 that accepts a candidate one rank below the pointer.
	MutK1AllowsOneBelow
	// MutK2PrunesEqualRank swaps in a K2 that prunes equal ranks too.
	MutK2PrunesEqualRank
	// MutK3OffByOne swaps in a K3 whose window is one revision too wide.
	MutK3OffByOne
)

var mutationNames = [...]string{"None", "LwwPointer", "PruneAgeOnly", "SilentClamp", "K1AllowsOneBelow", "K2PrunesEqualRank", "K3OffByOne"}

// String returns the mutation's name as used in configuration names ("LwwPointer", …).
func (m Mutation) String() string {
	if int(m) < len(mutationNames) {
		return mutationNames[m]
	}
	return fmt.Sprintf("Mutation(%d)", uint8(m))
}
