// Package configs is the registry of named model-checking configurations: every model of the
// project at every recorded bound, each with its tier and a Run that returns a
// model-independent Summary. `make model` (model/cmd/modelcheck) runs them and compares each
// verdict and distinct-state count with spec/tla/expected.tsv, the file TLC's runner reads too.
//
// A model package's configurations are registered from an init function of a file in this
// package (exportimport.go here; small.go for the applied, resync and floor-guard models), with
// Register or the typed helper Model.
package configs

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/slipstream-go/slipstream/model/check"
)

// Tier says when a configuration runs.
type Tier uint8

const (
	// Default configurations run in seconds, in `go test` and `make model`.
	Default Tier = iota
	// Deep configurations run for minutes and need gigabytes: `make model-deep` only.
	Deep
)

// String returns "default" or "deep".
func (t Tier) String() string {
	if t == Deep {
		return "deep"
	}
	return "default"
}

// ParseTier parses "default" or "deep".
func ParseTier(s string) (Tier, error) {
	switch s {
	case "default":
		return Default, nil
	case "deep":
		return Deep, nil
	}
	return 0, fmt.Errorf("unknown tier %q: use default or deep", s)
}

// Verdicts as written in expected.tsv.
const (
	VerdictHolds    = "holds"
	VerdictViolates = "violates"
)

// Summary is the model-independent outcome of running one configuration.
type Summary struct {
	Name string
	// Verdict is VerdictHolds when the search was complete and every property passed (every
	// Always/Terminal holds, every Sometimes is reached), else VerdictViolates.
	Verdict string
	// Distinct and Generated are the checker's counts (see check.Result).
	Distinct, Generated uint64
	Depth               int
	Complete            bool
	// Violated lists the Always/Terminal properties with a counterexample; Failed every
	// property that did not pass (Violated plus unreached Sometimes properties).
	Violated, Failed []string
	Elapsed          time.Duration
	StatesPerSecond  float64
	PeakHeapBytes    uint64
	// Report is the checker's TLC-like verdict block, traces of failures included.
	Report string
}

// Summarize turns a checker result into a Summary.
func Summarize[S comparable](name string, r *check.Result[S]) Summary {
	v := VerdictViolates
	if r.Complete && r.OK() {
		v = VerdictHolds
	}
	return Summary{
		Name: name, Verdict: v, Distinct: r.Distinct, Generated: r.Generated, Depth: r.Depth,
		Complete: r.Complete, Violated: r.Violated(), Failed: r.Failed(), Elapsed: r.Elapsed,
		StatesPerSecond: r.StatesPerSecond(), PeakHeapBytes: r.PeakHeapBytes, Report: r.Report(),
	}
}

// Config is one registered configuration.
type Config struct {
	// Name is unique, e.g. "ExportImport_ShippedFailStop"; the TLA+ twin is MC_<Name>.
	Name string
	Tier Tier
	// Description says in one line what the configuration checks.
	Description string
	// Run checks the configuration with the given options (Label is set to Name).
	Run func(opts check.Options) Summary
}

// Model builds a Config for a model constructor: Run builds a fresh model and checks it.
func Model[S comparable](name string, tier Tier, description string, build func() check.Model[S]) Config {
	return Config{Name: name, Tier: tier, Description: description, Run: func(opts check.Options) Summary {
		opts.Label = name
		return Summarize(name, check.Run(build(), opts))
	}}
}

var (
	mu       sync.Mutex
	registry = map[string]Config{}
)

// Register adds configurations to the registry. It panics on an empty or duplicate name or a
// nil Run, since either is a programming error caught by the first test run.
func Register(cs ...Config) {
	mu.Lock()
	defer mu.Unlock()
	for _, c := range cs {
		if c.Name == "" || c.Run == nil {
			panic(fmt.Sprintf("configs: Register(%+v): a configuration needs a name and a Run", c))
		}
		if _, dup := registry[c.Name]; dup {
			panic(fmt.Sprintf("configs: configuration %q registered twice", c.Name))
		}
		registry[c.Name] = c
	}
}

// All returns every registered configuration, sorted by name.
func All() []Config {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Config, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// InTier returns the registered configurations of one tier, sorted by name.
func InTier(t Tier) []Config {
	return slices.DeleteFunc(All(), func(c Config) bool { return c.Tier != t })
}

// Lookup returns the named configuration.
func Lookup(name string) (Config, bool) {
	mu.Lock()
	defer mu.Unlock()
	c, ok := registry[name]
	return c, ok
}
