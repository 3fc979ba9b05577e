// Package configs is the registry of named model-checking configurations: every model of the
// project at every recorded bound, each with a Run that returns a model-independent Summary.
// `make model` (model/cmd/modelcheck) runs them and compares each verdict and distinct-state
// count with spec/tla/expected.tsv (package model/expected), the file TLC's runner checks too.
//
// The registry is a plain slice built from the tables of exportimport.go (the export/import
// model) and watchloop.go (the applied, resync and floor-guard models). A configuration's
// tier follows from its name (TierOf), which is also how the TLC runner tells deep rows
// apart, so the two cannot disagree.
package configs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/expected"
)

// Tier says when a configuration runs.
type Tier uint8

const (
	// Default configurations run in seconds, in `go test` and `make model`.
	Default Tier = iota
	// Deep configurations run for minutes and need gigabytes: `make model-deep` only.
	Deep
)

// DeepMarker is the part of a configuration's name that puts it in the deep tier; the TLC
// twins of a deep configuration (its witness rows included) carry it too.
const DeepMarker = "_Deep_"

// TierOf returns the tier of a configuration or expected.tsv row by its name: Deep when the
// name contains DeepMarker, else Default.
func TierOf(name string) Tier {
	if strings.Contains(name, DeepMarker) {
		return Deep
	}
	return Default
}

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

// Config is one registered configuration.
type Config struct {
	// Name is unique, e.g. "ExportImport_ShippedFailStop"; the TLA+ twin is MC_<Name>.
	Name string
	// Description says in one line what the configuration checks.
	Description string
	// Run checks the configuration with the given options (Label is set to Name).
	Run func(opts check.Options) Summary
}

// Tier returns the configuration's tier, TierOf its name.
func (c Config) Tier() Tier { return TierOf(c.Name) }

// Model builds a Config for a model constructor: Run builds a fresh model and checks it.
func Model[S comparable](name, description string, build func() check.Model[S]) Config {
	return Config{Name: name, Description: description, Run: func(opts check.Options) Summary {
		opts.Label = name
		return Summarize(name, check.Run(build(), opts))
	}}
}

// registry holds every configuration, sorted by name. Its names are unique
// (TestConfigNamesAreUnique).
var registry = sortedByName(slices.Concat(exportImportConfigs(), watchLoopConfigs(), reconcileConfigs(), expiryConfigs(), retireConfigs(), watchStallConfigs()))

func sortedByName(cs []Config) []Config {
	slices.SortFunc(cs, func(a, b Config) int { return cmp.Compare(a.Name, b.Name) })
	return cs
}

// All returns every registered configuration, sorted by name.
func All() []Config { return slices.Clone(registry) }

// InTier returns the registered configurations of one tier, sorted by name.
func InTier(t Tier) []Config {
	return slices.DeleteFunc(All(), func(c Config) bool { return c.Tier() != t })
}

// Lookup returns the named configuration.
func Lookup(name string) (Config, bool) {
	i := slices.IndexFunc(registry, func(c Config) bool { return c.Name == name })
	if i < 0 {
		return Config{}, false
	}
	return registry[i], true
}

// Summary is the model-independent outcome of running one configuration.
type Summary struct {
	Name string
	// Verdict is VerdictIncomplete when the search stopped before expanding every reachable
	// state (whatever it found by then); else VerdictHolds when every property passed (every
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

// The three verdicts of a run. Only the first two can be recorded in expected.tsv.
const (
	VerdictHolds      = expected.Holds
	VerdictViolates   = expected.Violates
	VerdictIncomplete = "incomplete"
)

// Summarize turns a checker result into a Summary.
func Summarize[S comparable](name string, r *check.Result[S]) Summary {
	v := VerdictViolates
	switch {
	case !r.Complete:
		v = VerdictIncomplete
	case r.OK():
		v = VerdictHolds
	}
	return Summary{
		Name: name, Verdict: v, Distinct: r.Distinct, Generated: r.Generated, Depth: r.Depth,
		Complete: r.Complete, Violated: r.Violated(), Failed: r.Failed(), Elapsed: r.Elapsed,
		StatesPerSecond: r.StatesPerSecond(), PeakHeapBytes: r.PeakHeapBytes, Report: r.Report(),
	}
}
