package check

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/slipstream-go/slipstream/linearizability"
)

// HTMLFile is the name of the linearizability visualisation in a run's directory.
const HTMLFile = "linearizability.html"

// DoubtHTMLFile is the visualisation of the whole history, leader reads in doubt included,
// written when that history is not linearizable.
const DoubtHTMLFile = "linearizability-leader-in-doubt.html"

// Window is a span of the history's clock, in ns since the recorder's start.
type Window struct{ Start, End int64 }

// LinearizableOptions configures the KV linearizability check.
type LinearizableOptions struct {
	Timeout     time.Duration          // bound on the porcupine search (0: the package default)
	Dir         string                 // where the HTML visualisation goes
	Visualize   bool                   // write the HTML even when the history holds
	Annotations []porcupine.Annotation // fault windows drawn on the timeline
	// LeaderInDoubt are spans in which a deposed stream leader may still answer leader reads.
	// Leader reads overlapping them are left out of the guarantee (writes never are) and
	// judged on their own: their staleness is reported as NATS behaviour.
	LeaderInDoubt []Window
}

// Linearizable is the check that the recorded KV history is linearizable, key by key, against
// the NATS KV model: every write, and every leader read outside the spans where a deposed
// leader may answer (direct gets are not promised to be linearizable). The visualisation is
// written to Dir/linearizability.html when the check does not hold.
func Linearizable(ops func() []linearizability.Operation, opt LinearizableOptions) Check {
	return Func{N: "kv-linearizable", F: func(context.Context) Result {
		all := ops()
		kept, doubted := SplitLeaderReadsInDoubt(all, opt.LeaderInDoubt)
		rep, err := linearizability.Check(kept, linearizability.Options{
			Timeout: opt.Timeout, HTMLPath: filepath.Join(opt.Dir, HTMLFile), Visualize: opt.Visualize, Annotations: opt.Annotations,
		})
		if err != nil {
			return Result{Verdict: Incomplete, Detail: fmt.Sprintf("could not check the history: %v", err)}
		}
		r := Result{Verdict: rep.Verdict, Duration: rep.Duration, Detail: rep.String()}
		if rep.HTMLPath != "" {
			r.Artifacts = append(r.Artifacts, rep.HTMLPath)
		}
		if doubted == 0 || rep.Verdict != linearizability.Holds {
			return r
		}
		// The guarantee holds; say what the leader reads left out show about NATS.
		full, err := linearizability.Check(all, linearizability.Options{
			Timeout: opt.Timeout, HTMLPath: filepath.Join(opt.Dir, DoubtHTMLFile), Annotations: opt.Annotations,
		})
		switch {
		case err != nil:
			r.Detail += fmt.Sprintf("; %d leader reads in doubt not judged: %v", doubted, err)
		case full.Verdict == linearizability.Holds:
			r.Detail += fmt.Sprintf("; with the %d leader reads during partitions and pauses it still holds", doubted)
		default:
			r.Detail += fmt.Sprintf("; with the %d leader reads during partitions and pauses it %s: a deposed leader answered from old state (NATS behaviour, see %s)",
				doubted, full.Verdict, DoubtHTMLFile)
			if full.HTMLPath != "" {
				r.Artifacts = append(r.Artifacts, full.HTMLPath)
			}
		}
		r.Duration += full.Duration
		return r
	}}
}

// SplitLeaderReadsInDoubt returns the history without the leader reads that overlap any of the
// windows, and how many it left out. Writes, direct gets and every other read are kept.
func SplitLeaderReadsInDoubt(ops []linearizability.Operation, windows []Window) (kept []linearizability.Operation, doubted int) {
	kept = make([]linearizability.Operation, 0, len(ops))
	for _, op := range ops {
		if op.Kind == linearizability.KindLeaderGet && overlapsAny(op.Call, op.Return, windows) {
			doubted++
			continue
		}
		kept = append(kept, op)
	}
	return kept, doubted
}

func overlapsAny(call, ret int64, windows []Window) bool {
	for _, w := range windows {
		if call <= w.End && ret >= w.Start {
			return true
		}
	}
	return false
}
