// Package check holds the guarantees a chaos run verifies after its faults heal. Each Check
// returns a three-valued Result (holds, violates, incomplete); a run passes only when every
// check holds. Workloads contribute their own checks (KV linearizability here; fold, cursor,
// pointer and import checks plug in the same way).
package check

import (
	"context"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/linearizability"
)

// Verdict is a check's three-valued result.
type Verdict = linearizability.Verdict

// The verdicts. Incomplete (a check that could not finish) fails a run like Violates.
const (
	Holds      = linearizability.Holds
	Violates   = linearizability.Violates
	Incomplete = linearizability.Incomplete
)

// Result is one check's outcome.
type Result struct {
	Name      string        `json:"name"`      // the guarantee, e.g. "kv-linearizable"
	Verdict   Verdict       `json:"verdict"`   // holds, violates or incomplete
	Detail    string        `json:"detail"`    // one line: what was checked, what broke
	Duration  time.Duration `json:"duration"`  // time the check took
	Artifacts []string      `json:"artifacts"` // files the check wrote (visualisations)
}

// String formats the result in one line.
func (r Result) String() string {
	return fmt.Sprintf("%s: %s (%s)", r.Name, r.Verdict, r.Detail)
}

// Check is one guarantee verified after the faults heal.
type Check interface {
	// Name names the guarantee.
	Name() string
	// Run verifies it. It never returns Holds when it could not decide.
	Run(ctx context.Context) Result
}

// Func adapts a function to Check.
type Func struct {
	N string
	F func(ctx context.Context) Result
}

// Name returns N.
func (f Func) Name() string { return f.N }

// Run calls F and fills in the name and duration.
func (f Func) Run(ctx context.Context) Result {
	start := time.Now()
	r := f.F(ctx)
	r.Name = f.N
	if r.Duration == 0 {
		r.Duration = time.Since(start)
	}
	return r
}

// Passed reports whether every result holds.
func Passed(rs []Result) bool {
	for _, r := range rs {
		if r.Verdict != Holds {
			return false
		}
	}
	return len(rs) > 0
}
