// Package retire is the exhaustive model of retiring a re-created bucket's earlier
// incarnations (impl/transport's PruneRetired, called by an export round), run by model/check
// and mirrored by spec/tla/Retire.tla. Its decisions are the production kernels of package
// protocol (RetiredPayloadPrunable, RetiredPointerDeletable).
//
// # Scope and state
//
// Three incarnations of one bucket (Incs): 0 is the old one, still folded by a stale exporter;
// 1 is live at the start; 2 may be created during the run (Bounds.Third). Creation times are
// small numbers from the server's clock: 0 is created at 2, 1 at 3 or (the clock went back) at
// 1, and 2 one above every earlier time or, if the clock has not gone back yet, at 1. Each
// incarnation has its own pointer key with up to Slots payloads (each absent, young, aged out
// or deleted), a pointer naming one of them, and the pointer's version. At the start the old
// and the live key each hold a published pointer naming a young payload.
//
// Actors: a live exporter (uploads into the key of the incarnation the bucket reports as live,
// then publishes there, whatever happened in between); a stale exporter (uploads into and
// publishes under the old key); a pruner (reads the live incarnation's creation time from the
// bucket, then applies the two kernels to any payload and pointer in any order, the pointer
// delete being a read of its version, a listing of the key's payloads and a compare-and-swap
// on the version read; up to Bounds.MaxPrunes prunes); an importer (reads any incarnation's
// pointer, then fetches the payload it names; up to Bounds.MaxReads reads).
//
// The grace period is abstracted, not timed: a young payload ages out (Age) only when no
// importer holds a pointer read naming it, no exporter has uploaded it without publishing it
// yet, and it was not uploaded while the current prune runs (Fresh): the grace outlasts an
// import's fetch, an export's upload-to-publish and one prune. Everything else may age at any
// time. The model's safety therefore rests on exactly that assumption about the grace.
//
// # Actions (in this order)
//
// Recreate (forward, then back); Upload and Publish (live exporter, then stale); Age; ReadLive;
// PrunePayload; PtrRead; PtrList; PtrDelete; Finish; ImportRead; ImportFetch.
package retire

import (
	"fmt"

	"github.com/slipstream-go/slipstream/protocol"
)

// Incs is the number of incarnations; Slots the payloads one incarnation's key can hold.
const (
	Incs  = 3
	Slots = 2
)

// Payload states.
const (
	// PNone: never uploaded.
	PNone uint8 = iota
	// PYoung: stored, inside the grace period.
	PYoung
	// PAged: stored, aged out of the grace period.
	PAged
	// PGone: deleted by the pruner.
	PGone
)

// Import outcomes (State.Out): the last finished read.
const (
	// OutNone: no import finished yet.
	OutNone uint8 = iota
	// OutExact: the importer got exactly the payload its pointer named.
	OutExact
	// OutMissing: the named payload was gone; the importer detects it.
	OutMissing
	// OutNoPointer: the key had no pointer; the importer detects it.
	OutNoPointer
)

// Bounds are the model's constants. The zero value takes DefaultBounds.
type Bounds struct {
	// Third allows the third incarnation to be created during the run.
	Third bool
	// MaxUploads bounds each exporter's uploads, MaxPrunes the pruner's rounds, MaxReads the
	// importer's pointer reads.
	MaxUploads, MaxPrunes, MaxReads uint8
}

// DefaultBounds are the default tier's bounds: one upload per exporter (the live one's lands
// in the third incarnation when it was created first), one prune, one import.
var DefaultBounds = Bounds{Third: true, MaxUploads: 1, MaxPrunes: 1, MaxReads: 1}

// Mode chooses call-site variants.
type Mode uint8

const (
	// Shipped: the pruner reads the live incarnation from the bucket and deletes a pointer by
	// a compare-and-swap on the version it read.
	Shipped Mode = iota
	// LiveFromFold reads the live incarnation from the stale exporter's fold (the old
	// incarnation) instead of the bucket (a call-site mutation).
	LiveFromFold
	// NoCAS deletes the pointer whatever its version now (a call-site mutation).
	NoCAS
)

// Kernels are the decisions the model takes from package protocol; nil fields take the
// production kernels, mutants replace them.
type Kernels struct {
	Payload func(protocol.RetiredPayload) bool
	Pointer func(protocol.RetiredPointer) bool
}

// Config is one configuration of the model.
type Config struct {
	Mode    Mode
	Kernels Kernels
	// Bounds are the constants; zero takes DefaultBounds.
	Bounds Bounds
}

// State is one state of the model. Key and slot fields hold index+1, 0 meaning none.
type State struct {
	Created [Incs]uint8 // creation time; 0 = not created
	Live    uint8       // the incarnation the bucket reports as live
	Ptr     [Incs]uint8 // the slot the pointer names (+1); 0 = no pointer
	Ver     [Incs]uint8 // the pointer's version (each publish and delete bumps it)
	Pay     [Incs][Slots]uint8
	Fresh   [Incs][Slots]bool // uploaded while the current prune runs
	ExpKey  [2]uint8          // per exporter (0 live, 1 stale): the key of its upload not yet published (+1)
	ExpSlot [2]uint8          // and its slot
	// Pruner: Pruning between ReadLive and Finish; PLive the creation time it read; PtrKey
	// the key whose pointer delete is under way (+1), PtrVer the version read, PtrListed
	// and PtrLeft the listing's answer.
	Pruning          bool
	Prunes, PLive    uint8
	PtrKey, PtrVer   uint8
	PtrListed        bool
	PtrLeft          bool
	ImpKey, ImpSlot  uint8 // the importer's pointer read not yet fetched (+1)
	Reads, Out       uint8
	Orphan           bool // a pointer was deleted while the payload it named was stored
	SeenPay, SeenPtr bool // an earlier incarnation's payload, pointer was retired
	SeenRefused      bool // a pointer delete the kernel allowed was refused by the swap
}

// String formats the state for traces.
func (s State) String() string {
	return fmt.Sprintf("created=%v live=%d ptr=%v ver=%v pay=%v fresh=%v exp=%v/%v pruning=%v prunes=%d plive=%d ptrop=%d/%d/%v/%v imp=%d/%d reads=%d out=%d orphan=%v seen=%v/%v/%v",
		s.Created, s.Live, s.Ptr, s.Ver, s.Pay, s.Fresh, s.ExpKey, s.ExpSlot, s.Pruning, s.Prunes, s.PLive,
		s.PtrKey, s.PtrVer, s.PtrListed, s.PtrLeft, s.ImpKey, s.ImpSlot, s.Reads, s.Out, s.Orphan, s.SeenPay, s.SeenPtr, s.SeenRefused)
}

// Model is the retirement model for one Config.
type Model struct {
	cfg Config
	k   Kernels
	b   Bounds
}

// New returns the model for cfg.
func New(cfg Config) *Model {
	k := cfg.Kernels
	if k.Payload == nil {
		k.Payload = protocol.RetiredPayloadPrunable
	}
	if k.Pointer == nil {
		k.Pointer = protocol.RetiredPointerDeletable
	}
	b := cfg.Bounds
	if b == (Bounds{}) {
		b = DefaultBounds
	}
	return &Model{cfg: cfg, k: k, b: b}
}

// Init returns the two initial states: the live incarnation created after the old one, or
// (the server's clock went back) before it. Both keys hold a pointer naming a young payload.
func (m *Model) Init() []State {
	var out []State
	for _, c := range []uint8{3, 1} {
		s := State{Created: [Incs]uint8{2, c, 0}, Live: 1}
		for i := range 2 {
			s.Ptr[i], s.Ver[i], s.Pay[i][0] = 1, 1, PYoung
		}
		out = append(out, s)
	}
	return out
}

// wentBack reports whether the creation clock has gone back once already.
func wentBack(s State) bool {
	for i := range Incs {
		for j := i + 1; j < Incs; j++ {
			if s.Created[j] != 0 && s.Created[j] < s.Created[i] {
				return true
			}
		}
	}
	return false
}

// stored reports whether a payload state is one a fetch finds.
func stored(p uint8) bool { return p == PYoung || p == PAged }
