package nemesis

import (
	"fmt"
	"math/rand/v2"
)

// LeaderTarget as a Fault's Node means "the KV stream's leader at the moment of injection".
const LeaderTarget = -1

// Fault is one scheduled fault: injected just before operation At is handed out and healed just
// before operation Heal (Heal == At for a fault with nothing to heal).
type Fault struct {
	Index int   // position in the schedule, from 0
	Kind  Kind  // fault type
	Node  int   // target node index, or LeaderTarget
	At    int64 // operation number of the injection
	Heal  int64 // operation number of the heal
}

// String describes the fault in one line.
func (f Fault) String() string {
	target := "leader"
	if f.Node != LeaderTarget {
		target = fmt.Sprintf("n%d", f.Node+1)
	}
	if f.Kind == StepDown {
		return fmt.Sprintf("#%d %s at op %d", f.Index, f.Kind, f.At)
	}
	return fmt.Sprintf("#%d %s %s at op %d, heal at op %d", f.Index, f.Kind, target, f.At, f.Heal)
}

// Spacing bounds how many operations a fault is held and how many healthy operations separate
// two faults. Each bound is an inclusive range.
type Spacing struct {
	HoldMin, HoldMax int64
	GapMin, GapMax   int64
}

// DefaultSpacing suits a workload of about 400 operations per second: a fault is held for
// 1.5-3 s of healthy throughput (longer in practice, as a fault slows the clients down), and
// faults are 1-1.5 s apart.
var DefaultSpacing = Spacing{HoldMin: 600, HoldMax: 1200, GapMin: 400, GapMax: 600}

// latencyHoldDivisor shortens latency faults (in operations): with a slow leader every client
// slows down, so a full hold would last many times longer in wall time than other faults.
const latencyHoldDivisor = 4

// Plan is an endless fault schedule drawn from a seed (math/rand/v2 PCG). The first len(kinds)
// faults are a shuffled permutation of kinds, so every type is injected early; later ones are
// drawn uniformly. A Plan is not safe for concurrent use.
type Plan struct {
	rng     *rand.Rand
	kinds   []Kind
	nodes   int
	spacing Spacing
	next    int64 // operation number after which the next fault may start
	queue   []Kind
	index   int
}

// NewPlan returns the schedule for seed over kinds on a cluster of nodes nodes.
func NewPlan(seed uint64, kinds []Kind, nodes int, spacing Spacing) *Plan {
	p := &Plan{
		rng:     rand.New(rand.NewPCG(seed, 0x6e656d65736973)), // second word: "nemesis"
		kinds:   kinds,
		nodes:   nodes,
		spacing: spacing,
	}
	p.queue = append([]Kind(nil), kinds...)
	p.rng.Shuffle(len(p.queue), func(i, j int) { p.queue[i], p.queue[j] = p.queue[j], p.queue[i] })
	p.next = p.draw(spacing.GapMin, spacing.GapMax)
	return p
}

func (p *Plan) draw(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + p.rng.Int64N(hi-lo+1)
}

// Next returns the next fault, or ok=false when the plan has no kinds.
func (p *Plan) Next() (f Fault, ok bool) {
	if len(p.kinds) == 0 {
		return Fault{}, false
	}
	var k Kind
	if len(p.queue) > 0 {
		k, p.queue = p.queue[0], p.queue[1:]
	} else {
		k = p.kinds[p.rng.IntN(len(p.kinds))]
	}
	node := p.rng.IntN(p.nodes + 1) // one extra draw: target the stream leader
	if node == p.nodes {
		node = LeaderTarget
	}
	f = Fault{Index: p.index, Kind: k, Node: node, At: p.next}
	f.Heal = f.At
	switch k {
	case StepDown:
	case Latency: // every operation is slow while it lasts: hold it for fewer operations
		f.Heal = f.At + p.draw(p.spacing.HoldMin, p.spacing.HoldMax)/latencyHoldDivisor
	default:
		f.Heal = f.At + p.draw(p.spacing.HoldMin, p.spacing.HoldMax)
	}
	p.next = f.Heal + p.draw(p.spacing.GapMin, p.spacing.GapMax)
	p.index++
	return f, true
}

// Schedule returns the first n faults of the plan for seed (for printing and comparison).
func Schedule(seed uint64, kinds []Kind, nodes int, spacing Spacing, n int) []Fault {
	p := NewPlan(seed, kinds, nodes, spacing)
	var out []Fault
	for range n {
		f, ok := p.Next()
		if !ok {
			break
		}
		out = append(out, f)
	}
	return out
}
