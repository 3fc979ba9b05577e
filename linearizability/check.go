package linearizability

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// Verdict is a check's three-valued result.
type Verdict string

// The verdicts. Incomplete (the search ran out of time) is a failure, never a pass.
const (
	Holds      Verdict = "holds"
	Violates   Verdict = "violates"
	Incomplete Verdict = "incomplete"
)

// Passed reports whether the verdict is Holds.
func (v Verdict) Passed() bool { return v == Holds }

// DefaultTimeout bounds the porcupine search when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Options tunes Check.
type Options struct {
	// Timeout bounds the whole search (all keys together); zero means DefaultTimeout. A search
	// that runs out of time gives Incomplete.
	Timeout time.Duration
	// IncludeDirectGets feeds direct gets to the model as if they were linearizable reads.
	// Off, they are left out (Report.Dropped counts them). CheckDirect turns it on.
	IncludeDirectGets bool
	// HTMLPath is where porcupine's visualisation is written when the verdict is not Holds
	// (showing the keys that did not hold), or always when Visualize is set (every key).
	// Empty: never written. Writing it re-runs the search on the keys shown, within another
	// Timeout; Report.Duration counts only the check itself.
	HTMLPath string
	// Visualize writes the HTML even when the history holds.
	Visualize bool
	// Annotations are drawn on the visualisation's timeline (fault windows, for example), with
	// Start and End in the history's clock (Recorder.Now).
	Annotations []porcupine.Annotation
}

// KeyResult is one key's verdict.
type KeyResult struct {
	Key        string
	Verdict    Verdict
	Operations int
	Duration   time.Duration
}

// Report is the result of Check.
type Report struct {
	Verdict       Verdict
	Keys          int           // keys checked
	Operations    int           // operations given to the model
	UnknownWrites int           // writes with an unknown outcome (modelled as never returning)
	Dropped       int           // operations left out: reads with an unknown outcome, and direct gets unless included
	Duration      time.Duration // time spent in the search
	HTMLPath      string        // the visualisation, if one was written
	PerKey        []KeyResult   // in key order
	// OrderBreaks counts acknowledged writes whose revisions contradict real time across keys
	// (or repeat); Order describes the first few. Any break makes the verdict Violates.
	OrderBreaks int
	Order       []string
}

// ViolatingKeys returns the keys whose history is not linearizable.
func (r Report) ViolatingKeys() []string { return r.keysWith(Violates) }

// IncompleteKeys returns the keys whose search ran out of time.
func (r Report) IncompleteKeys() []string { return r.keysWith(Incomplete) }

func (r Report) keysWith(v Verdict) []string {
	var out []string
	for _, k := range r.PerKey {
		if k.Verdict == v {
			out = append(out, k.Key)
		}
	}
	return out
}

// String summarises the report in one line.
func (r Report) String() string {
	s := fmt.Sprintf("linearizability %s: %d operations on %d keys (%d unknown writes, %d dropped) in %v",
		r.Verdict, r.Operations, r.Keys, r.UnknownWrites, r.Dropped, r.Duration.Round(time.Millisecond))
	if ks := r.ViolatingKeys(); len(ks) > 0 {
		s += fmt.Sprintf("; violated on %q", ks)
	}
	if r.OrderBreaks > 0 {
		s += fmt.Sprintf("; %d revision-order breaks across keys", r.OrderBreaks)
	}
	if ks := r.IncompleteKeys(); len(ks) > 0 {
		s += fmt.Sprintf("; out of time on %q", ks)
	}
	if r.HTMLPath != "" {
		s += "; visualisation " + r.HTMLPath
	}
	return s
}

// Check decides whether the history is linearizable against the NATS KV model, key by key
// (porcupine's CheckOperationsVerbose per key, in parallel, under one deadline), and whether
// acknowledged revisions respect real time across keys (they are one stream's sequences). Writes with
// an unknown outcome are given a return time after every other operation (they may take effect
// at any point after their call, or never). The history must pass ValidateHistory; an invalid
// history or a visualisation that cannot be written is an error.
func Check(ops []Operation, opt Options) (Report, error) {
	if err := ValidateHistory(ops); err != nil {
		return Report{}, err
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	hist, rep := prepare(ops, opt.IncludeDirectGets)
	parts := partitionByKey(hist)
	rep.Keys = len(parts)
	rep.PerKey = make([]KeyResult, len(parts))
	model := Model()
	model.Partition = nil // each call below gets one key

	start := time.Now()
	deadline := start.Add(timeout)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, part := range parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			t0 := time.Now()
			kr := KeyResult{Key: keyOf(part[0]), Operations: len(part), Verdict: Incomplete}
			if left := time.Until(deadline); left > 0 {
				res, _ := porcupine.CheckOperationsVerbose(model, part, left)
				kr.Verdict = verdictOf(res)
			}
			kr.Duration = time.Since(t0)
			rep.PerKey[i] = kr
		}()
	}
	wg.Wait()
	rep.OrderBreaks, rep.Order = revisionOrder(ops)
	rep.Duration = time.Since(start)
	rep.Verdict = Holds
	if rep.OrderBreaks > 0 {
		rep.Verdict = Violates
	}
	for _, k := range rep.PerKey {
		switch {
		case k.Verdict == Violates:
			rep.Verdict = Violates
		case k.Verdict == Incomplete && rep.Verdict == Holds:
			rep.Verdict = Incomplete
		}
	}
	if opt.HTMLPath != "" && (opt.Visualize || rep.Verdict != Holds) {
		if err := visualize(hist, rep, opt, timeout); err != nil {
			return rep, err
		}
		rep.HTMLPath = opt.HTMLPath
	}
	return rep, nil
}

func verdictOf(r porcupine.CheckResult) Verdict {
	switch r {
	case porcupine.Ok:
		return Holds
	case porcupine.Illegal:
		return Violates
	}
	return Incomplete
}

// visualize writes porcupine's HTML, re-running the verbose search over the keys it shows to
// get their linearization data.
func visualize(hist []porcupine.Operation, rep Report, opt Options, timeout time.Duration) error {
	show := func(string) bool { return true }
	// Only the keys that did not hold, unless every key did (a break of revision order across
	// keys, or a requested visualisation): then all of them.
	if bad := append(rep.ViolatingKeys(), rep.IncompleteKeys()...); !opt.Visualize && len(bad) > 0 {
		show = func(k string) bool { return slices.Contains(bad, k) }
	}
	var sub []porcupine.Operation
	for _, op := range hist {
		if show(keyOf(op)) {
			sub = append(sub, op)
		}
	}
	_, info := porcupine.CheckOperationsVerbose(Model(), sub, timeout)
	info.AddAnnotations(opt.Annotations)
	if err := porcupine.VisualizePath(Model(), info, opt.HTMLPath); err != nil {
		return fmt.Errorf("write the linearizability visualisation to %s: %w", opt.HTMLPath, err)
	}
	return nil
}
