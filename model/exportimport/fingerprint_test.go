package exportimport

import (
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/check/checktest"
)

// canonical wraps a model with invariants of the state encoding: unused variant fields are
// zero, the layout-specific variables stay at their initial value in the other layout, and
// exporter slots beyond N stay zero — the conditions for the distinct count to equal TLC's.
type canonical struct{ *Model }

func (c canonical) Properties() []check.Property[State] {
	N := c.cfg.N
	shipped := c.cfg.Layout == PointerSwap
	return []check.Property[State]{{Name: "canonical encoding", Kind: check.Always, Holds: func(s State) bool {
		if shipped && !s.Payload.IsNone() || !shipped && s.Uploaded != 0 || !shipped && s.Refused {
			return false
		}
		if s.Payload.IsNone() && s.Payload != (Artifact{}) || s.Manifest.IsNone() && s.Manifest != (Artifact{}) {
			return false
		}
		for n, e := range s.Exporters {
			if n >= N && (e != ExporterPC{} || s.Applied[n] != 0) {
				return false
			}
			switch e.Kind {
			case Idle:
				if e != (ExporterPC{}) {
					return false
				}
			case Exported, PayloadUp:
				if e.C != 0 || e.A.IsNone() || int(e.A.Node) != n {
					return false
				}
			case Done:
				if e.A != (Artifact{}) {
					return false
				}
			}
		}
		switch s.Importer.Kind {
		case Start, CrossCheckFailed, FetchMissed:
			if s.Importer.A != (Artifact{}) || s.Importer.St != Synced {
				return false
			}
		case GotManifest, Imported:
			if s.Importer.A.IsNone() || s.Importer.St != Synced {
				return false
			}
		}
		return s.Floor <= s.Head && s.DeleteRev <= s.Head && s.Applied[0] <= s.Head
	}}}
}

func TestStateEncodingIsCanonical(t *testing.T) {
	for _, c := range []Config{cfg(PointerSwap, ResyncFailStop, MutNone), cfg(Legacy, ResyncDegrade, MutNone)} {
		r := check.Run[State](canonical{MustNew(c)}, check.Options{})
		checktest.RequireAll(t, r)
	}
}

func TestCountsDoNotDependOnWorkers(t *testing.T) {
	c := cfg(Legacy, ResyncDegrade, MutNone)
	_, r1 := run(t, c)
	r2 := check.Run[State](MustNew(c), check.Options{Workers: r1.Workers + 1, Lean: true})
	if r1.Distinct != r2.Distinct || r1.Generated != r2.Generated || r1.Depth != r2.Depth {
		t.Fatalf("workers=%d: %d/%d/%d, workers=%d lean: %d/%d/%d", r1.Workers, r1.Distinct, r1.Generated, r1.Depth, r2.Workers, r2.Distinct, r2.Generated, r2.Depth)
	}
	for i := range r1.Properties {
		if !reflect.DeepEqual(r1.Properties[i].Trace, r2.Properties[i].Trace) {
			t.Fatalf("property %q: traces differ between workers=%d and workers=%d lean", r1.Properties[i].Name, r1.Workers, r2.Workers)
		}
	}
}

// recorder collects every reachable state (run it with one worker).
type recorder struct {
	*Model
	seen  map[[2]uint64]State
	codes map[uint64]State
	bad   *string
}

func (r recorder) Properties() []check.Property[State] {
	return []check.Property[State]{{Name: "packing is injective", Kind: check.Always, Holds: func(s State) bool {
		w1, w2 := pack(&s)
		if prev, ok := r.seen[[2]uint64{w1, w2}]; ok && prev != s {
			*r.bad = "pack: " + prev.String() + " and " + s.String()
			return false
		}
		r.seen[[2]uint64{w1, w2}] = s
		if r.exact {
			c := r.code(&s)
			if prev, ok := r.codes[c]; ok && prev != s {
				*r.bad = "code: " + prev.String() + " and " + s.String()
				return false
			}
			r.codes[c] = s
		}
		return true
	}}}
}

// The exact encoding and the packing behind Fingerprint are injective on every reachable state of configurations that
// exercise every field (both layouts, three exporters, the degrade path), and hashing with it finds exactly the states the generic hash finds.
func TestFingerprintPackingIsInjective(t *testing.T) {
	for _, c := range []Config{
		{N: 2, MaxRev: 2, Layout: PointerSwap, Resync: ResyncNone},
		{N: 3, MaxRev: 1, Layout: PointerSwap, Resync: ResyncFailStop},
		cfg(Legacy, ResyncDegrade, MutNone),
	} {
		var bad string
		rec := recorder{Model: MustNew(c), seen: map[[2]uint64]State{}, codes: map[uint64]State{}, bad: &bad}
		if !rec.exact {
			t.Fatalf("%+v: the exact encoding must fit in 64 bits", c)
		}
		r := check.Run[State](rec, check.Options{Workers: 1})
		if !r.OK() {
			t.Fatalf("%+v: two states pack alike: %s", c, bad)
		}
		if uint64(len(rec.seen)) != r.Distinct || uint64(len(rec.codes)) != r.Distinct {
			t.Fatalf("%+v: %d packings for %d distinct states", c, len(rec.seen), r.Distinct)
		}
		generic := check.Run[State](plain{MustNew(c)}, check.Options{})
		if generic.Distinct != r.Distinct || generic.Generated != r.Generated {
			t.Fatalf("%+v: generic hash %d/%d states, model fingerprint %d/%d", c, generic.Distinct, generic.Generated, r.Distinct, r.Generated)
		}
	}
}

// plain hides the model's Fingerprint method, so the checker hashes states generically.
type plain struct{ m *Model }

func (p plain) Init() []State                                { return p.m.Init() }
func (p plain) Next(s State, emit func(check.Action, State)) { p.m.Next(s, emit) }
func (p plain) Properties() []check.Property[State]          { return p.m.Properties() }

// The exact encoding fits every configuration the project registers; beyond them the
// fingerprint falls back to a hash.
func TestExactEncodingFits(t *testing.T) {
	for _, c := range []Config{
		{N: 2, MaxRev: 5, Layout: PointerSwap, Resync: ResyncFailStop},
		{N: 3, MaxRev: 3, Layout: PointerSwap, Resync: ResyncFailStop},
		{N: 3, MaxRev: 3, Layout: Legacy, Resync: ResyncFailStop},
	} {
		if !MustNew(c).FingerprintInjective() {
			t.Errorf("%+v: the exact encoding does not fit in 64 bits", c)
		}
	}
	if MustNew(Config{N: 3, MaxRev: 5}).FingerprintInjective() {
		t.Error("N=3, maxRev=5 has more than 2^64 encodings; the exact encoding cannot fit")
	}
}
