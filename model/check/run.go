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
	bound     int // deepest level expanded; -1 = unbounded
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
	e.complete = true
	base := uint32(0)
	for depth := 0; len(frontier) > 0; depth++ {
		e.depth = depth
		last := e.bound >= 0 && depth >= e.bound
		outs := e.expand(frontier, base, depth, last)
		e.sampleHeap()
		if e.opts.Exploration == StopWhenAllDiscovered && e.allDiscovered() {
			e.complete = false
			break
		}
		if last {
			for i := range outs {
				if len(outs[i].cands) > 0 {
					e.complete = false
					break
				}
			}
			break
		}
		e.insert(outs)
		e.sampleHeap()
		nextBase := uint32(e.distinct)
		frontier = e.nextLevel(outs, frontier, base)
		base = nextBase
		e.sampleHeap()
	}
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

// expand is phase 1: it evaluates the active properties on every state of the level, generates
// successors and keeps, per chunk, those not seen at an earlier level, indexed by insertion
// group. At the depth bound (last) it still expands, so Terminal properties see the true
// enabled set, and keeps one candidate only to tell whether the bound clipped the search.
func (e *engine[S]) expand(frontier []S, base uint32, depth int, last bool) []chunkOut {
	var active []int
	for i := range e.props {
		if !e.disc[i].found {
			active = append(active, i)
		}
	}
	nChunks := (len(frontier) + chunkStates - 1) / chunkStates
	outs := make([]chunkOut, nChunks)
	e.levelLeft.Store(int64(len(frontier)))
	var pool sync.Pool
	e.parallel(nChunks, func(c int) {
		x, _ := pool.Get().(*expander[S])
		if x == nil {
			x = &expander[S]{e: e, active: active, last: last}
			x.emitFn = x.emit
		}
		lo := c * chunkStates
		hi := min(lo+chunkStates, len(frontier))
		x.chunk(&outs[c], frontier[lo:hi], base, lo)
		e.levelLeft.Add(int64(lo - hi))
		pool.Put(x)
	})
	// The first discovery of each property in this level, in frontier order.
	for c := range outs {
		for _, d := range outs[c].found {
			if e.disc[d.prop].found {
				continue
			}
			e.disc[d.prop] = discovery[S]{found: true, state: frontier[d.pos], id: base + uint32(d.pos), depth: depth}
		}
		outs[c].found = nil
	}
	return outs
}

// expander holds one worker's reusable state for phase 1.
type expander[S comparable] struct {
	e      *engine[S]
	active []int
	last   bool
	out    *chunkOut
	parent uint32
	n      int
	emitFn func(Action, S)
}

func (x *expander[S]) emit(_ Action, t S) {
	if x.n > math.MaxUint8 {
		panic("check: more than 256 actions enabled in one state; the trace encoding stores an 8-bit action ordinal")
	}
	ord := uint8(x.n)
	x.n++
	if x.last && len(x.out.cands) > 0 {
		return
	}
	fp := x.e.fp(t)
	if x.e.seen.contains(fp) {
		return
	}
	if len(x.out.cands) >= math.MaxInt32 {
		panic("check: more than 2^31 candidate successors in one chunk")
	}
	g := groupOf(fp)
	x.out.groups[g] = append(x.out.groups[g], int32(len(x.out.cands)))
	x.out.cands = append(x.out.cands, cand{fp: fp, parent: x.parent, act: ord})
}

func (x *expander[S]) chunk(out *chunkOut, items []S, base uint32, lo int) {
	x.out = out
	var seenProp uint64 // bit per active index already found in this chunk (first 64 active)
	foundInChunk := func(ai int) bool {
		if ai < 64 {
			return seenProp&(1<<ai) != 0
		}
		for _, d := range out.found {
			if d.prop == x.active[ai] {
				return true
			}
		}
		return false
	}
	markFound := func(ai, pos int) {
		if ai < 64 {
			seenProp |= 1 << ai
		}
		out.found = append(out.found, localDisc{prop: x.active[ai], pos: pos})
	}
	for i := range items {
		s := items[i]
		for ai, p := range x.active {
			if foundInChunk(ai) {
				continue
			}
			pr := x.e.props[p]
			switch pr.Kind {
			case Always:
				if !pr.Holds(s) {
					markFound(ai, lo+i)
				}
			case Sometimes:
				if pr.Holds(s) {
					markFound(ai, lo+i)
				}
			}
		}
		x.parent = base + uint32(lo+i)
		x.n = 0
		x.e.m.Next(s, x.emitFn)
		out.gen += uint64(x.n)
		if x.n == 0 {
			for ai, p := range x.active {
				pr := x.e.props[p]
				if pr.Kind == Terminal && !foundInChunk(ai) && !pr.Holds(s) {
					markFound(ai, lo+i)
				}
			}
		}
	}
	x.e.generated.Add(out.gen)
	x.e.expanded.Add(uint64(len(items)))
}

// insert is phase 2: each insertion group owns disjoint shards, so groups run in parallel;
// within a group candidates are inserted in chunk order, so the first candidate of a state in
// generation order is the one accepted.
func (e *engine[S]) insert(outs []chunkOut) {
	e.parallel(numGroups, func(g int) {
		for c := range outs {
			cs := outs[c].cands
			for _, i := range outs[c].groups[g] {
				cs[i].ok = e.seen.insert(cs[i].fp)
			}
			outs[c].groups[g] = nil
		}
	})
}

// nextLevel is phase 3: the accepted candidates, in generation order, become the next level
// and get consecutive state numbers. The order is that of a sequential FIFO breadth-first
// search, independent of fingerprints and of the number of workers. Each accepted state is
// regenerated by replaying its parent's Next and taking the recorded emission.
func (e *engine[S]) nextLevel(outs []chunkOut, frontier []S, base uint32) []S {
	offs := make([]int, len(outs)+1)
	e.parallel(len(outs), func(c int) {
		n := 0
		for i := range outs[c].cands {
			if outs[c].cands[i].ok {
				n++
			}
		}
		outs[c].accept = n
	})
	for c := range outs {
		offs[c+1] = offs[c] + outs[c].accept
	}
	n := offs[len(outs)]
	if e.distinct+uint64(n) >= noParent {
		panic("check: more than 2^32-1 distinct states; the parent encoding is 32-bit — bound the model further")
	}
	next := make([]S, n)
	if e.track {
		e.parents = append(e.parents, make([]uint32, n)...)
		e.acts = append(e.acts, make([]uint8, n)...)
	}
	idBase := int(e.distinct)
	e.parallel(len(outs), func(c int) {
		r := regen[S]{m: e.m}
		r.emitFn = r.emit
		pos := offs[c]
		cs := outs[c].cands
		for i := 0; i < len(cs); {
			if !cs[i].ok {
				i++
				continue
			}
			// All accepted candidates of this parent, in ordinal order.
			p := cs[i].parent
			r.want = r.want[:0]
			r.dst = next[pos:pos]
			for j := i; j < len(cs) && cs[j].parent == p; j++ {
				if cs[j].ok {
					r.want = append(r.want, cs[j].act)
					if e.track {
						e.parents[idBase+pos+len(r.want)-1] = p
						e.acts[idBase+pos+len(r.want)-1] = cs[j].act
					}
				}
				i = j + 1
			}
			r.n, r.k = 0, 0
			e.m.Next(frontier[p-base], r.emitFn)
			if r.k != len(r.want) {
				panic(fmt.Sprintf("check: regenerating the successors of %v, Next emitted %d actions, fewer than during the search: Next is not deterministic", frontier[p-base], r.n))
			}
			pos += len(r.want)
		}
		outs[c] = chunkOut{}
	})
	e.distinct += uint64(n)
	return next
}

// regen collects the wanted emissions of one parent into dst.
type regen[S comparable] struct {
	m      Model[S]
	want   []uint8
	dst    []S
	n, k   int
	emitFn func(Action, S)
}

func (r *regen[S]) emit(_ Action, t S) {
	if r.k < len(r.want) && int(r.want[r.k]) == r.n {
		r.dst = append(r.dst, t)
		r.k++
	}
	r.n++
}

func (e *engine[S]) sampleHeap() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > e.peakHeap {
		e.peakHeap = ms.HeapAlloc
	}
}

// startProgress starts the progress printer, if any, and returns the function that stops it
// (printing a final line).
func (e *engine[S]) startProgress() func() {
	if e.opts.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(e.opts.ProgressInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				e.printProgress(false)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		e.printProgress(true)
	}
}

func (e *engine[S]) printProgress(final bool) {
	el := time.Since(e.start)
	gen := e.generated.Load()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	word := "Progress"
	if final {
		word = "Finished"
	}
	label := ""
	if e.opts.Label != "" {
		label = e.opts.Label + ": "
	}
	fmt.Fprintf(e.opts.Progress,
		"%s%s(depth %d): %d states generated (%.0f s/s), %d distinct states found before this level, %d states of this level left to expand, %s elapsed, heap %s\n",
		label, word, e.depth, gen, float64(gen)/max(el.Seconds(), 1e-9), e.distinct,
		max(e.levelLeft.Load(), 0), el.Round(time.Millisecond), formatBytes(ms.HeapAlloc))
}

// trace rebuilds the shortest trace to state id by walking parent links back to an initial
// state and replaying the recorded emission ordinals forward through Next.
func (e *engine[S]) trace(id uint32) Trace[S] {
	var ords []uint8
	for e.parents[id] != noParent {
		ords = append(ords, e.acts[id])
		id = e.parents[id]
	}
	tr := Trace[S]{Init: e.inits[e.rootInit[id]]}
	s := tr.Init
	for i := len(ords) - 1; i >= 0; i-- {
		want := int(ords[i])
		n := 0
		var step Step[S]
		found := false
		e.m.Next(s, func(a Action, t S) {
			if n == want {
				step = Step[S]{Action: a, State: t}
				found = true
			}
			n++
		})
		if !found {
			panic(fmt.Sprintf("check: replaying a trace, state %v emitted %d successors but the search recorded ordinal %d: Next is not deterministic", s, n, want))
		}
		tr.Steps = append(tr.Steps, step)
		s = step.State
	}
	return tr
}

// retrace rebuilds the traces of a Lean run by a second, tracked search bounded to the deepest
// discovery; the search is deterministic, so it rediscovers the same states.
func (e *engine[S]) retrace(res *Result[S]) {
	deepest := -1
	for i := range e.disc {
		if e.disc[i].found {
			deepest = max(deepest, e.disc[i].depth)
		}
	}
	if deepest < 0 {
		return
	}
	opts := e.opts
	opts.Progress = nil
	r := newEngine(e.m, opts, true)
	r.bound = deepest
	r.run()
	for i := range e.disc {
		if !e.disc[i].found {
			continue
		}
		d := r.disc[i]
		if !d.found || d.state != e.disc[i].state || d.depth != e.disc[i].depth {
			panic(fmt.Sprintf("check: the bounded re-run did not rediscover property %q at depth %d: the model is not deterministic", e.props[i].Name, e.disc[i].depth))
		}
		tr := r.trace(d.id)
		res.Properties[i].Trace = &tr
	}
}
