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

// LinearizableOptions configures the KV linearizability check.
type LinearizableOptions struct {
	Timeout     time.Duration          // bound on the porcupine search (0: the package default)
	Dir         string                 // where the HTML visualisation goes
	Visualize   bool                   // write the HTML even when the history holds
	Annotations []porcupine.Annotation // fault windows drawn on the timeline
}

// Linearizable is the check that the recorded KV history is linearizable, key by key, against
// the NATS KV model (leader reads included; direct gets are not promised to be linearizable).
// The visualisation is written to Dir/linearizability.html when the check does not hold.
func Linearizable(ops func() []linearizability.Operation, opt LinearizableOptions) Check {
	return Func{N: "kv-linearizable", F: func(context.Context) Result {
		html := filepath.Join(opt.Dir, HTMLFile)
		rep, err := linearizability.Check(ops(), linearizability.Options{
			Timeout: opt.Timeout, HTMLPath: html, Visualize: opt.Visualize, Annotations: opt.Annotations,
		})
		if err != nil {
			return Result{Verdict: Incomplete, Detail: fmt.Sprintf("could not check the history: %v", err)}
		}
		r := Result{Verdict: rep.Verdict, Duration: rep.Duration, Detail: rep.String()}
		if rep.HTMLPath != "" {
			r.Artifacts = append(r.Artifacts, rep.HTMLPath)
		}
		return r
	}}
}
