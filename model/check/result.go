package check

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Verdict is the outcome of one property.
type Verdict uint8

const (
	// Holds: an Always or Terminal property has no counterexample in the explored space.
	Holds Verdict = iota
	// Violated: an Always or Terminal property has a counterexample (Trace is the shortest).
	Violated
	// Reached: a Sometimes property has a witness (Trace is the shortest).
	Reached
	// Unreached: a Sometimes property has no witness in the explored space; the run fails.
	Unreached
)

// String returns "holds", "violated", "reached" or "unreached".
func (v Verdict) String() string {
	switch v {
	case Holds:
		return "holds"
	case Violated:
		return "violated"
	case Reached:
		return "reached"
	case Unreached:
		return "unreached"
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// PropertyResult is the verdict on one property. Trace is set for Violated and Reached (the
// shortest counterexample or witness), nil otherwise; Depth is its length.
type PropertyResult[S any] struct {
	Name    string
	Kind    Kind
	Verdict Verdict
	Trace   *Trace[S]
	Depth   int
}

// OK reports whether the property passes: Holds for Always/Terminal, Reached for Sometimes.
func (p *PropertyResult[S]) OK() bool { return p.Verdict == Holds || p.Verdict == Reached }

// Result is the outcome of a Run.
type Result[S any] struct {
	// Label is Options.Label.
	Label string
	// Properties holds one verdict per model property, in the model's order.
	Properties []PropertyResult[S]
	// Distinct is the number of unique states reached; Generated counts initial states plus
	// every successor of every expanded state, duplicates included.
	Distinct, Generated uint64
	// Depth is the largest distance (in actions) from an initial state to a reached state
	// (TLC prints Depth+1 as "the depth of the complete state graph search").
	Depth int
	// Complete reports whether every reachable state was expanded (false after an early stop
	// or when a MaxDepth bound clipped the search). An incomplete search proves no Always or
	// Terminal property and refutes no Sometimes property.
	Complete bool
	// Left is the number of distinct states found beyond the last expanded level when the
	// search stopped, and never expanded (TLC's "states left on queue"); 0 exactly when the
	// search is complete. They are not counted in Distinct.
	Left uint64
	// Elapsed is the wall-clock search time; PeakHeapBytes the highest runtime heap in use
	// observed during the search (sampled at every level and progress line).
	Elapsed       time.Duration
	PeakHeapBytes uint64
	// Workers is the number of workers used.
	Workers int
	// InjectiveFingerprints reports that the model's fingerprints are an injective encoding
	// of its states (see InjectiveFingerprinter): no collision can have merged two states.
	InjectiveFingerprints bool
}

func (e *engine[S]) result() *Result[S] {
	r := &Result[S]{
		Label: e.opts.Label, Distinct: e.distinct, Generated: e.generated.Load(), Depth: e.depth,
		Complete: e.complete, Left: e.left, Elapsed: time.Since(e.start), PeakHeapBytes: e.peakHeap, Workers: e.workers,
	}
	if f, ok := e.m.(InjectiveFingerprinter); ok {
		_, isFP := e.m.(Fingerprinter[S])
		r.InjectiveFingerprints = isFP && f.FingerprintInjective()
	}
	for i, p := range e.props {
		pr := PropertyResult[S]{Name: p.Name, Kind: p.Kind}
		d := e.disc[i]
		switch {
		case p.Kind == Sometimes && d.found:
			pr.Verdict = Reached
		case p.Kind == Sometimes:
			pr.Verdict = Unreached
		case d.found:
			pr.Verdict = Violated
		default:
			pr.Verdict = Holds
		}
		if d.found {
			pr.Depth = d.depth
			if e.track {
				tr := e.trace(d.id)
				pr.Trace = &tr
			}
		}
		r.Properties = append(r.Properties, pr)
	}
	return r
}

// OK reports whether every property passes (every Always and Terminal holds, every Sometimes
// is reached). It does not require Complete; see Result.Complete for that.
func (r *Result[S]) OK() bool {
	for i := range r.Properties {
		if !r.Properties[i].OK() {
			return false
		}
	}
	return true
}

// Property returns the verdict on the named property, or nil if the model has none by that name.
func (r *Result[S]) Property(name string) *PropertyResult[S] {
	for i := range r.Properties {
		if r.Properties[i].Name == name {
			return &r.Properties[i]
		}
	}
	return nil
}

// Failed returns the names of the properties that did not pass, in model order.
func (r *Result[S]) Failed() []string {
	var out []string
	for i := range r.Properties {
		if !r.Properties[i].OK() {
			out = append(out, r.Properties[i].Name)
		}
	}
	return out
}

// Violated returns the names of the Always and Terminal properties with a counterexample.
func (r *Result[S]) Violated() []string {
	var out []string
	for i := range r.Properties {
		if r.Properties[i].Verdict == Violated {
			out = append(out, r.Properties[i].Name)
		}
	}
	return out
}

// StatesPerSecond is Generated divided by Elapsed.
func (r *Result[S]) StatesPerSecond() float64 {
	return float64(r.Generated) / max(r.Elapsed.Seconds(), 1e-9)
}

// CollisionProbability is TLC's optimistic estimate of the chance that a fingerprint collision
// merged two distinct states: n·(g−n)/2⁶⁴ for n distinct and g generated states, or exactly 0
// when the fingerprints are injective.
func (r *Result[S]) CollisionProbability() float64 {
	if r.InjectiveFingerprints {
		return 0
	}
	n := float64(r.Distinct)
	g := float64(r.Generated)
	return n * max(g-n, 0) / math.Pow(2, 64)
}

// Report formats the TLC-like verdict block: one line per property, the trace of every failed
// property, the counts, the search depth, the collision estimate and the resources used.
func (r *Result[S]) Report() string {
	var b strings.Builder
	label := r.Label
	if label == "" {
		label = "model"
	}
	search := "complete search"
	if !r.Complete {
		search = "INCOMPLETE search (stopped early or depth-bounded)"
	}
	fmt.Fprintf(&b, "== %s: %d properties, %s\n", label, len(r.Properties), search)
	for i := range r.Properties {
		p := &r.Properties[i]
		mark := "ok  "
		if !p.OK() {
			mark = "FAIL"
		}
		extra := ""
		switch p.Verdict {
		case Violated:
			extra = fmt.Sprintf(" — counterexample of %d steps", p.Depth)
		case Reached:
			extra = fmt.Sprintf(" — witness at depth %d", p.Depth)
		}
		fmt.Fprintf(&b, "  [%s] %-9s %-9s %s%s\n", mark, p.Kind, p.Verdict, p.Name, extra)
	}
	for i := range r.Properties {
		p := &r.Properties[i]
		if p.Verdict == Violated && p.Trace != nil {
			fmt.Fprintf(&b, "Error: %s property %q is violated. Shortest counterexample:\n%s", p.Kind, p.Name, p.Trace)
		}
		if p.Verdict == Unreached {
			fmt.Fprintf(&b, "Error: sometimes property %q is never satisfied in the explored space (no witness).\n", p.Name)
		}
	}
	switch {
	case !r.Complete && r.OK():
		b.WriteString("Model checking stopped early: no error found in the explored part, which proves nothing (incomplete).\n")
	case !r.Complete:
		fmt.Fprintf(&b, "Model checking stopped early (incomplete): %d properties failed in the explored part: %s\n", len(r.Failed()), strings.Join(r.Failed(), "; "))
	case r.OK():
		b.WriteString("Model checking completed. No error has been found.\n")
	default:
		fmt.Fprintf(&b, "Model checking completed. %d properties failed: %s\n", len(r.Failed()), strings.Join(r.Failed(), "; "))
	}
	// As TLC does, the distinct states found include those left on the queue.
	fmt.Fprintf(&b, "%d states generated, %d distinct states found, %d states left on queue.\n", r.Generated, r.Distinct+r.Left, r.Left)
	fmt.Fprintf(&b, "The depth of the state graph search is %d (TLC counts %d).\n", r.Depth, r.Depth+1)
	if r.InjectiveFingerprints {
		b.WriteString("Fingerprints are an injective encoding of the state: no collision is possible.\n")
	} else {
		fmt.Fprintf(&b, "Fingerprint collision probability (optimistic, as TLC computes it): %.1E\n", r.CollisionProbability())
	}
	fmt.Fprintf(&b, "Finished in %s (%.0f states/s), peak heap %s, %d workers.\n",
		r.Elapsed.Round(time.Millisecond), r.StatesPerSecond(), formatBytes(r.PeakHeapBytes), r.Workers)
	return b.String()
}

func formatBytes(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
