// Package exportimport is the exhaustive model of Slipstream's snapshot export/import protocol:
// N uncoordinated exporters racing to publish artifacts, a pruner, a bucket whose key is
// deleted and whose retention floor advances, and one importer bootstrapping from whatever is
// published. It is a port of the Stateright model of the same protocol in the Rust crate
// Slipstream began as: the same state variables, the same actions with the same enabling
// conditions and effects, enumerated in the same order, and the properties under their exact
// names, so counts and traces compare one to one. TLA+ twin: spec/tla/ExportImport.tla.
//
// The model calls the production kernels of package protocol — K1 PointerPublishAllowed in
// Publish, K2 PayloadPrunable in Prune, K3 ResumeWindowOK in Resume and ResumeResyncDegraded —
// through Kernels, whose defaults are those very functions, so a proof here is about the
// code's decisions.
//
// # Mutations
//
// The ported model's three (LwwPointer, PruneAgeOnly, SilentClamp) change a protocol rule:
// publish by last-writer-wins, prune by age alone, and resume without the window check.
// One mutation per kernel swaps a broken kernel into Kernels and leaves the transition table
// alone:
//
//   - MutK1AllowsOneBelow: K1 also accepts a candidate exactly one rank below the pointer
//     (c+1 ≥ n). Must violate "published cursor never regresses".
//   - MutK2PrunesEqualRank: K2 prunes ranks ≤ the pointer (<= instead of <), except the target
//     itself. Must violate "pointer target always fetchable (write-once before publish)".
//   - MutK3OffByOne: K3 accepts a first sequence one past the window (first ≤ revision+2).
//     Must violate "bootstrap never silently diverges (stale is merely stale)".
//
// So that a wrong K3 verdict has a visible consequence, Resume's first rule (K3 says the resume
// window is intact) yields what a tail replay really delivers: Synced when floor ≤ cursor (the
// delete marker of any gap delete is retained), otherwise what NATS's silent clamp delivers,
// relistOnly(a). With the production K3, "K3 says intact" is exactly floor ≤ cursor, so this
// is the ported model's rule "Synced" and the state graph — and TLC's count — is unchanged.
//
// Kernel mutations are mutations: like the three protocol-rule ones, their configurations carry no
// liveness property.
package exportimport

import (
	"fmt"
)

// Config is one instance of the model.
type Config struct {
	N        int // exporters, 1..MaxN
	MaxRev   int // bucket revisions, 1..MaxRevLimit
	Layout   Layout
	Resync   Resync
	Mutation Mutation
	// Kernels overrides the kernels; a nil field means KernelsFor(Mutation)'s.
	Kernels Kernels
}

// Model is the export/import model for one Config. It implements check.Model[State].
type Model struct {
	cfg   Config
	k     Kernels
	exact bool // the exact mixed-radix fingerprint fits in 64 bits
}

// New validates cfg and returns its model.
func New(cfg Config) (*Model, error) {
	if cfg.N < 1 || cfg.N > MaxN {
		return nil, fmt.Errorf("exportimport: N = %d exporters is out of range: use 1..%d", cfg.N, MaxN)
	}
	if cfg.MaxRev < 1 || cfg.MaxRev > MaxRevLimit {
		return nil, fmt.Errorf("exportimport: maxRev = %d is out of range: use 1..%d (the uploaded set is a %d-bit mask)", cfg.MaxRev, MaxRevLimit, 2*MaxN*MaxRevLimit)
	}
	if cfg.Layout > Legacy || cfg.Resync > ResyncFailStop || cfg.Mutation > MutK3OffByOne {
		return nil, fmt.Errorf("exportimport: unknown layout %d, resync %d or mutation %d", cfg.Layout, cfg.Resync, cfg.Mutation)
	}
	k := KernelsFor(cfg.Mutation)
	if cfg.Kernels.PointerPublishAllowed != nil {
		k.PointerPublishAllowed = cfg.Kernels.PointerPublishAllowed
	}
	if cfg.Kernels.PayloadPrunable != nil {
		k.PayloadPrunable = cfg.Kernels.PayloadPrunable
	}
	if cfg.Kernels.ResumeWindowOK != nil {
		k.ResumeWindowOK = cfg.Kernels.ResumeWindowOK
	}
	m := &Model{cfg: cfg, k: k}
	m.exact = fits(m.radices())
	return m, nil
}

// MustNew is New for configurations known to be valid; it panics on an invalid one.
func MustNew(cfg Config) *Model {
	m, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return m
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Init returns the single initial state: everything zero / none / Idle / Start.
func (m *Model) Init() []State { return []State{{}} }
