package check

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// noParent marks an initial state in the parent array.
const noParent = math.MaxUint32

// cand is a successor that was not seen at an earlier level: its fingerprint, the number of
// the state that produced it and the ordinal of that emission. The successor state itself is
// not stored: phase 3 regenerates the accepted ones from their parents, which keeps the
// per-level memory at 16 bytes per candidate whatever the size of S.
type cand struct {
	fp     uint64
	parent uint32
	act    uint8
	ok     bool
}

type localDisc struct {
	prop int
	pos  int
}

// chunkOut is phase 1's output for one chunk: the candidates in generation order, and per
// insertion group the indices of its candidates.
type chunkOut struct {
	cands  []cand
	groups [numGroups][]int32
	gen    uint64
	found  []localDisc
	accept int // accepted candidates (phase 3)
}

type discovery[S comparable] struct {
	found bool
	state S
	id    uint32
	depth int
}

type engine[S comparable] struct {
	m       Model[S]
	props   []Property[S]
	fp      func(S) uint64
	opts    Options
	workers int
	track   bool

	seen     *fpSet
	inits    []S
	rootInit []int    // id → index into inits, for initial states
	parents  []uint32 // id → parent id (noParent for initial states); only when track
	acts     []uint8  // id → ordinal of the producing emission; only when track

	disc      []discovery[S]
	distinct  uint64
	generated atomic.Uint64
	expanded  atomic.Uint64
	levelLeft atomic.Int64
	depth     int
	bound     int    // deepest level expanded; -1 = unbounded
	left      uint64 // states found beyond the last expanded level when the search stopped
	complete  bool
	peakHeap  uint64
	start     time.Time
}

// Run explores m exhaustively (unless opts bound it) and returns the verdict of every property
// with shortest traces, the state counts and resource figures. It panics if the model breaks
// its contract (duplicate property names, more than 256 actions enabled in one state, more
// than 2³²−1 distinct states, or a Next that is not deterministic when a trace is rebuilt).
func Run[S comparable](m Model[S], opts Options) *Result[S] {
	e := newEngine(m, opts, !opts.Lean)
	e.run()
	res := e.result()
	if opts.Lean {
		e.retrace(res)
	}
	return res
}

func newEngine[S comparable](m Model[S], opts Options, track bool) *engine[S] {
	props := m.Properties()
	names := make(map[string]bool, len(props))
	for _, p := range props {
		if names[p.Name] {
			panic(fmt.Sprintf("check: property %q is listed twice; property names must be unique", p.Name))
		}
		names[p.Name] = true
	}
	w := opts.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 10 * time.Second
	}
	bound := -1
	if opts.MaxDepth > 0 {
		bound = opts.MaxDepth
	}
	return &engine[S]{
		m: m, props: props, fp: fingerprinter(m), opts: opts, workers: w, track: track,
		seen: newFPSet(), disc: make([]discovery[S], len(props)), bound: bound,
	}
}

// run is the level loop. A level's states are numbered consecutively from base, in frontier
// order, so a state's number is base + its position.
func (e *engine[S]) run() {
	e.start = time.Now()
	stopProgress := e.startProgress()
	defer stopProgress()

	e.inits = e.m.Init()
	e.generated.Add(uint64(len(e.inits)))
	var frontier []S
	for i, s := range e.inits {
		if e.seen.insert(e.fp(s)) {
			frontier = append(frontier, s)
			e.rootInit = append(e.rootInit, i)
			if e.track {
				e.parents = append(e.parents, noParent)
				e.acts = append(e.acts, 0)
			}
		}
	}
	e.distinct = uint64(len(frontier))
	base := uint32(0)
	for depth := 0; len(frontier) > 0; depth++ {
		e.depth = depth
		outs := e.expand(frontier, base, depth)
		e.sampleHeap()
		stop := e.bound >= 0 && depth >= e.bound ||
			e.opts.Exploration == StopWhenAllDiscovered && e.allDiscovered()
		e.insert(outs)
		e.sampleHeap()
		if stop {
			// The new states of the next level are found but will not be expanded: they are
			// the queue left behind, and the search is complete only if there are none.
			e.left = e.countAccepted(outs)
			break
		}
		nextBase := uint32(e.distinct)
		frontier = e.nextLevel(outs, frontier, base)
		base = nextBase
		e.sampleHeap()
	}
	e.complete = e.left == 0
}

// countAccepted counts the candidates phase 2 accepted (states not seen before).
func (e *engine[S]) countAccepted(outs []chunkOut) uint64 {
	var n uint64
	for c := range outs {
		for i := range outs[c].cands {
			if outs[c].cands[i].ok {
				n++
			}
		}
	}
	return n
}

func (e *engine[S]) allDiscovered() bool {
	for i := range e.disc {
		if !e.disc[i].found {
			return false
		}
	}
	return true
}

// parallel runs f(i) for i in [0, n) on up to e.workers goroutines, handing out indices in
// increasing order.
func (e *engine[S]) parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(e.workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
