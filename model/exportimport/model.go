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

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// Layout is the transport layout.
type Layout uint8

const (
	// PointerSwap is the shipped layout: write-once content-addressed payloads and a monotone
	// pointer published through K1 plus compare-and-swap.
	PointerSwap Layout = iota
	// Legacy is the old two-register layout: a last-write-wins payload object and a
	// last-write-wins sibling manifest.
	Legacy
)

// String returns "PointerSwap" or "Legacy".
func (l Layout) String() string {
	if l == Legacy {
		return "Legacy"
	}
	return "PointerSwap"
}

// Resync is the importer's behaviour when its resume cursor has expired.
type Resync uint8

const (
	// ResyncNone: no resync reader wired; an expired resume only re-lists.
	ResyncNone Resync = iota
	// ResyncDegrade: the old behaviour, a resync failure warns and re-lists only.
	ResyncDegrade
	// ResyncFailStop: shipped, a resync failure fails the watch and the resume is retried.
	ResyncFailStop
)

// String returns "None", "Degrade" or "FailStop".
func (r Resync) String() string {
	switch r {
	case ResyncDegrade:
		return "Degrade"
	case ResyncFailStop:
		return "FailStop"
	}
	return "None"
}

// Mutation is a deliberate bug the model must catch.
type Mutation uint8

const (
	// MutNone is the protocol as shipped.
	MutNone Mutation = iota
	// MutLwwPointer publishes without K1 (last write wins on the pointer).
	MutLwwPointer
	// MutPruneAgeOnly prunes every payload but the pointer's target (age alone).
	MutPruneAgeOnly
	// MutSilentClamp resumes without detecting expiry (the resync never runs).
	MutSilentClamp
	// MutK1AllowsOneBelow swaps in a K1 that accepts a candidate one rank below the pointer.
	MutK1AllowsOneBelow
	// MutK2PrunesEqualRank swaps in a K2 that prunes equal ranks too.
	MutK2PrunesEqualRank
	// MutK3OffByOne swaps in a K3 whose window is one revision too wide.
	MutK3OffByOne
)

var mutationNames = [...]string{"None", "LwwPointer", "PruneAgeOnly", "SilentClamp", "K1AllowsOneBelow", "K2PrunesEqualRank", "K3OffByOne"}

// String returns the mutation's name as used in configuration names ("LwwPointer", …).
func (m Mutation) String() string {
	if int(m) < len(mutationNames) {
		return mutationNames[m]
	}
	return fmt.Sprintf("Mutation(%d)", uint8(m))
}

// Kernels are the decision functions the model calls. DefaultKernels returns the production
// functions of package protocol; mutation tests swap one for a broken variant.
type Kernels struct {
	PointerPublishAllowed func(current protocol.PointerState, candidateRank uint64) bool
	PayloadPrunable       func(c protocol.PruneCandidate) bool
	ResumeWindowOK        func(revision, firstSequence uint64) bool
}

// DefaultKernels returns the production kernels: protocol.PointerPublishAllowed,
// protocol.PayloadPrunable and protocol.ResumeWindowOK.
func DefaultKernels() Kernels {
	return Kernels{
		PointerPublishAllowed: protocol.PointerPublishAllowed,
		PayloadPrunable:       protocol.PayloadPrunable,
		ResumeWindowOK:        protocol.ResumeWindowOK,
	}
}

// K1AllowsOneBelow is a broken K1 for MutK1AllowsOneBelow: it also accepts candidate = n−1.
func K1AllowsOneBelow(current protocol.PointerState, candidateRank uint64) bool {
	n, known := current.Rank()
	return !known || candidateRank+1 >= n
}

// K2PrunesEqualRank is a broken K2 for MutK2PrunesEqualRank: Rank <= PointerRank.
func K2PrunesEqualRank(c protocol.PruneCandidate) bool {
	return !c.IsPointerTarget && c.AgedOut && c.RankKnown && c.Rank <= c.PointerRank
}

// K3OffByOne is a broken K3 for MutK3OffByOne: firstSequence <= revision+2.
func K3OffByOne(revision, firstSequence uint64) bool {
	return firstSequence <= revision+2
}

// KernelsFor returns the kernels a mutation runs with: the defaults, with the broken variant
// swapped in for a kernel mutation.
func KernelsFor(m Mutation) Kernels {
	k := DefaultKernels()
	switch m {
	case MutK1AllowsOneBelow:
		k.PointerPublishAllowed = K1AllowsOneBelow
	case MutK2PrunesEqualRank:
		k.PayloadPrunable = K2PrunesEqualRank
	case MutK3OffByOne:
		k.ResumeWindowOK = K3OffByOne
	}
	return k
}

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

// Action names, in the ported model's spelling.
const (
	ActChurn                = "Churn"
	ActDeleteKey            = "DeleteKey"
	ActCompact              = "Compact"
	ActApply                = "Apply"
	ActExport               = "Export"
	ActUploadPayload        = "UploadPayload"
	ActPublish              = "Publish"
	ActCrash                = "Crash"
	ActNextRound            = "NextRound"
	ActPrune                = "Prune"
	ActReadManifest         = "ReadManifest"
	ActReadPayload          = "ReadPayload"
	ActRetry                = "Retry"
	ActResume               = "Resume"
	ActResumeResyncDegraded = "ResumeResyncDegraded"
)

func env(name string) check.Action        { return check.Action{Name: name, Actor: -1} }
func act(name string, n int) check.Action { return check.Action{Name: name, Actor: n} }

// keyPresentAt reports whether the sentinel key exists at revision c.
func keyPresentAt(s *State, c uint8) bool { return s.DeleteRev == 0 || c < s.DeleteRev }

// resumeOK is K3 on the artifact's cursor and the stream's first sequence (floor+1).
func (m *Model) resumeOK(s *State, a Artifact) bool {
	return m.k.ResumeWindowOK(uint64(a.Cursor), uint64(s.Floor)+1)
}

// relistOnly is the fold after an expired resume that only re-lists: the key stays stale if
// the artifact had it and its delete marker has been evicted.
func relistOnly(s *State, a Artifact) FoldStatus {
	if a.HasKey && s.DeleteRev != 0 && s.DeleteRev <= s.Floor {
		return StaleKey
	}
	return Synced
}

// Next emits every enabled action of s in the ported model's order: Churn, DeleteKey, Compact;
// per exporter n: Apply(n), then Export | NextRound | UploadPayload, Crash | Publish, Crash;
// Prune; then the importer's action(s).
func (m *Model) Next(s State, emit func(check.Action, State)) {
	maxRev := uint8(m.cfg.MaxRev)
	shipped := m.cfg.Layout == PointerSwap

	if s.Head < maxRev {
		t := s
		t.Head++
		emit(env(ActChurn), t)
	}
	if s.Head < maxRev && s.DeleteRev == 0 {
		t := s
		t.Head++
		t.DeleteRev = t.Head
		emit(env(ActDeleteKey), t)
	}
	if s.Floor < s.Head {
		t := s
		t.Floor++
		emit(env(ActCompact), t)
	}

	for n := 0; n < m.cfg.N; n++ {
		if s.Applied[n] < s.Head {
			t := s
			t.Applied[n]++
			emit(act(ActApply, n), t)
		}
		e := s.Exporters[n]
		switch e.Kind {
		case Idle:
			if s.Applied[n] >= 1 {
				t := s
				c := s.Applied[n]
				t.Exporters[n] = ExporterPC{Kind: Exported, A: Artifact{Node: uint8(n), Cursor: c, HasKey: keyPresentAt(&s, c)}}
				emit(act(ActExport, n), t)
			}
		case Done:
			if s.Applied[n] > e.C {
				t := s
				t.Exporters[n] = ExporterPC{}
				emit(act(ActNextRound, n), t)
			}
		case Exported:
			t := s
			if shipped {
				t.Uploaded |= bit(e.A)
			} else {
				t.Payload = e.A
			}
			t.Exporters[n] = ExporterPC{Kind: PayloadUp, A: e.A}
			emit(act(ActUploadPayload, n), t)
			t = s
			t.Exporters[n] = ExporterPC{}
			emit(act(ActCrash, n), t)
		case PayloadUp:
			emit(act(ActPublish, n), m.publish(s, n, e.A))
			t := s
			t.Exporters[n] = ExporterPC{}
			emit(act(ActCrash, n), t)
		}
	}

	if shipped && !s.Manifest.IsNone() && s.Uploaded != 0 {
		mf := s.Manifest
		enabled := false
		for u := s.Uploaded; u != 0; u &= u - 1 {
			if a := artifactOfBit(lowBit(u)); a.Cursor < mf.Cursor {
				enabled = true
				break
			}
		}
		if enabled {
			t := s
			if m.cfg.Mutation == MutPruneAgeOnly {
				t.Uploaded &= bit(mf)
			} else {
				for u := s.Uploaded; u != 0; u &= u - 1 {
					i := lowBit(u)
					a := artifactOfBit(i)
					if m.k.PayloadPrunable(protocol.PruneCandidate{
						Rank: uint64(a.Cursor), RankKnown: true, PointerRank: uint64(mf.Cursor),
						IsPointerTarget: a == mf, AgedOut: true,
					}) {
						t.Uploaded &^= 1 << i
					}
				}
			}
			emit(env(ActPrune), t)
		}
	}

	imp := s.Importer
	switch imp.Kind {
	case Start:
		if !s.Manifest.IsNone() {
			t := s
			t.Importer = ImporterPC{Kind: GotManifest, A: s.Manifest}
			emit(env(ActReadManifest), t)
		}
	case GotManifest:
		t := s
		g := imp.A
		switch {
		case shipped && s.Uploaded&bit(g) != 0:
			t.Importer = ImporterPC{Kind: Imported, A: g}
		case shipped:
			t.Importer = ImporterPC{Kind: FetchMissed}
		case s.Payload == g:
			t.Importer = ImporterPC{Kind: Imported, A: g}
		default:
			t.Importer = ImporterPC{Kind: CrossCheckFailed}
		}
		emit(env(ActReadPayload), t)
	case CrossCheckFailed, FetchMissed:
		t := s
		t.Importer = ImporterPC{}
		emit(env(ActRetry), t)
	case Imported:
		a := imp.A
		ok := m.resumeOK(&s, a)
		var st FoldStatus
		switch {
		case ok:
			// What a tail replay from a.Cursor+1 delivers (see the package doc): Synced
			// whenever the window is really intact, which is always when K3 is right.
			if s.Floor <= a.Cursor {
				st = Synced
			} else {
				st = relistOnly(&s, a)
			}
		case m.cfg.Mutation == MutSilentClamp:
			st = relistOnly(&s, a)
		case m.cfg.Resync != ResyncNone:
			st = Synced
		default:
			st = relistOnly(&s, a)
		}
		t := s
		t.Importer = ImporterPC{Kind: Resumed, A: a, St: st}
		emit(env(ActResume), t)
		if m.cfg.Resync == ResyncDegrade && !ok {
			t := s
			t.Importer = ImporterPC{Kind: Resumed, A: a, St: relistOnly(&s, a)}
			emit(env(ActResumeResyncDegraded), t)
		}
	}
}

// publish is Publish(n)'s effect for artifact a.
func (m *Model) publish(s State, n int, a Artifact) State {
	t := s
	allowed := true
	if m.cfg.Layout == PointerSwap {
		obs := protocol.PointerAbsent()
		if !s.Manifest.IsNone() {
			obs = protocol.PointerAt(uint64(s.Manifest.Cursor))
		}
		allowed = m.cfg.Mutation == MutLwwPointer || m.k.PointerPublishAllowed(obs, uint64(a.Cursor))
	}
	if allowed {
		if !s.Manifest.IsNone() && s.Manifest.Cursor > a.Cursor {
			t.Regressed = true
		}
		t.Manifest = a
	} else {
		t.Refused = true
	}
	t.Exporters[n] = ExporterPC{Kind: Done, C: a.Cursor}
	return t
}

func lowBit(u uint32) uint {
	i := uint(0)
	for u&1 == 0 {
		u >>= 1
		i++
	}
	return i
}
