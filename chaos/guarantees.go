package chaos

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
)

// recovered is the check that the cluster became healthy again between faults (the nemesis
// waits for it before each injection) and that every workload ran to the end.
func recovered(seqErr error, workErrs []error) check.Check {
	return check.Func{N: "cluster-recovered", F: func(context.Context) check.Result {
		if err := errors.Join(append([]error{seqErr}, workErrs...)...); err != nil {
			v := check.Incomplete
			if errors.Is(seqErr, nemesis.ErrUnhealthy) {
				v = check.Violates
			}
			return check.Result{Verdict: v, Detail: err.Error()}
		}
		return check.Result{Verdict: check.Holds, Detail: "healthy before every fault; every workload finished"}
	}}
}

// injectedAll is the check that every requested fault type was injected at least once without
// error: a run that did not exercise a fault cannot vouch for it.
func injectedAll(kinds []nemesis.Kind, events []nemesis.Event) check.Check {
	return check.Func{N: "faults-injected", F: func(context.Context) check.Result {
		done := map[nemesis.Kind]bool{}
		var failed []string
		for _, e := range events {
			if e.Err != "" {
				failed = append(failed, e.String())
			} else if e.Action == "inject" {
				done[e.Fault.Kind] = true
			}
		}
		var missing []string
		for _, k := range kinds {
			if !done[k] {
				missing = append(missing, string(k))
			}
		}
		switch {
		case len(failed) > 0:
			return check.Result{Verdict: check.Incomplete, Detail: "fault actions failed: " + strings.Join(failed, "; ")}
		case len(missing) > 0:
			return check.Result{Verdict: check.Incomplete,
				Detail: fmt.Sprintf("never injected: %s (run longer or raise CHAOS_RATE)", strings.Join(missing, ","))}
		}
		return check.Result{Verdict: check.Holds, Detail: fmt.Sprintf("all %d requested fault types injected", len(kinds))}
	}}
}

// faultWindows turns the nemesis log into timeline annotations for the visualisation: one
// window per fault from injection to heal (a step-down is an instant).
func faultWindows(events []nemesis.Event, end int64) []porcupine.Annotation {
	var out []porcupine.Annotation
	open := map[int]int{} // fault index -> annotation index
	for _, e := range events {
		switch e.Action {
		case "inject":
			desc := string(e.Fault.Kind)
			if e.Node >= 0 {
				desc += fmt.Sprintf(" n%d", e.Node+1)
			}
			open[e.Fault.Index] = len(out)
			out = append(out, porcupine.Annotation{Tag: "nemesis", Start: e.At, End: e.At,
				Description: desc, Details: e.String(), BackgroundColor: "#f4c7c3"})
		case "heal":
			if i, ok := open[e.Fault.Index]; ok {
				out[i].End = e.At
				delete(open, e.Fault.Index)
			}
		}
	}
	for _, i := range open { // never healed: the window runs to the end of the history
		out[i].End = end
	}
	return out
}
