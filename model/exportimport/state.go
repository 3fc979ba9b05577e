package exportimport

import (
	"fmt"
	"math/bits"
	"strings"
)

// MaxN is the largest number of exporters a State can hold, and MaxRevLimit the largest
// maxRev: the Uploaded bitmask has one bit per artifact (MaxN·MaxRevLimit·2 = 30 bits).
const (
	MaxN        = 3
	MaxRevLimit = 5
)

// bit is the Uploaded bit of a (non-none) artifact.
func bit(a Artifact) uint32 {
	i := uint(a.Node)*2*MaxRevLimit + uint(a.Cursor-1)*2
	if a.HasKey {
		i++
	}
	return 1 << i
}

// artifactOfBit is the inverse of bit.
func artifactOfBit(i uint) Artifact {
	return Artifact{Node: uint8(i / (2 * MaxRevLimit)), Cursor: uint8(i%(2*MaxRevLimit)/2 + 1), HasKey: i%2 == 1}
}

// Artifact is an exported fold's identity: the exporting node, its applied cursor (1..maxRev)
// and whether the sentinel key was present at that cursor. The zero value (Cursor 0) is "none":
// real artifacts always have Cursor ≥ 1, so none has a single, canonical encoding.
type Artifact struct {
	Node   uint8
	Cursor uint8
	HasKey bool
}

// IsNone reports whether a is the "none" value.
func (a Artifact) IsNone() bool { return a.Cursor == 0 }

// String formats an artifact as "node@cursor+k" (key present) or "node@cursor-k", or "-".
func (a Artifact) String() string {
	if a.IsNone() {
		return "-"
	}
	k := "-k"
	if a.HasKey {
		k = "+k"
	}
	return fmt.Sprintf("%d@%d%s", a.Node, a.Cursor, k)
}

// ExporterKind is an exporter's pipeline position.
type ExporterKind uint8

const (
	// Idle: no round in progress.
	Idle ExporterKind = iota
	// Exported: a local artifact exists (A).
	Exported
	// PayloadUp: the artifact's payload is uploaded (A), the pointer not yet published.
	PayloadUp
	// Done: the round ended, publishing (or having refused to publish) cursor C.
	Done
)

// ExporterPC is the ported model's ExporterPc: Idle | Exported(A) | PayloadUp(A) | Done(C).
// Fields a variant does not use are zero.
type ExporterPC struct {
	Kind ExporterKind
	A    Artifact
	C    uint8
}

// String formats the exporter position like the ported model's constructors.
func (e ExporterPC) String() string {
	switch e.Kind {
	case Idle:
		return "Idle"
	case Exported:
		return "Exported(" + e.A.String() + ")"
	case PayloadUp:
		return "PayloadUp(" + e.A.String() + ")"
	case Done:
		return fmt.Sprintf("Done(%d)", e.C)
	}
	return fmt.Sprintf("ExporterPC(%d)", e.Kind)
}

// FoldStatus is the importer's fold after resuming: Synced with the bucket, or holding a key
// the bucket has deleted (StaleKey).
type FoldStatus uint8

const (
	// Synced: the fold equals the bucket.
	Synced FoldStatus = iota
	// StaleKey: the fold still holds the deleted sentinel key (silent divergence).
	StaleKey
)

// String returns "Synced" or "StaleKey".
func (f FoldStatus) String() string {
	if f == StaleKey {
		return "StaleKey"
	}
	return "Synced"
}

// ImporterKind is the bootstrapping importer's position.
type ImporterKind uint8

const (
	// Start: nothing read yet.
	Start ImporterKind = iota
	// GotManifest: the manifest/pointer was read (A).
	GotManifest
	// Imported: the payload was fetched and installed (A).
	Imported
	// CrossCheckFailed: legacy layout, the payload did not match the manifest (torn pair).
	CrossCheckFailed
	// FetchMissed: pointer-swap layout, the pointed-to payload was gone (pruned).
	FetchMissed
	// Resumed: the watch resumed from A's cursor with fold status St (absorbing).
	Resumed
)

// ImporterPC is the ported model's ImporterPc. Fields a variant does not use are zero.
type ImporterPC struct {
	Kind ImporterKind
	A    Artifact
	St   FoldStatus
}

// String formats the importer position like the ported model's constructors.
func (i ImporterPC) String() string {
	switch i.Kind {
	case Start:
		return "Start"
	case GotManifest:
		return "GotManifest(" + i.A.String() + ")"
	case Imported:
		return "Imported(" + i.A.String() + ")"
	case CrossCheckFailed:
		return "CrossCheckFailed"
	case FetchMissed:
		return "FetchMissed"
	case Resumed:
		return "Resumed(" + i.A.String() + ", " + i.St.String() + ")"
	}
	return fmt.Sprintf("ImporterPC(%d)", i.Kind)
}

// State is one state of the export/import model: exactly the ported model's variables, no
// derived field, so that the number of distinct states equals TLC's for the TLA+
// spec written from the same table. Exporter slots at index ≥ N stay zero. Uploaded is a set
// of artifacts as a bitmask (one fixed bit per artifact); it stays empty in the legacy layout, and Payload
// stays none in the pointer-swap layout.
type State struct {
	Head      uint8 // bucket high-water revision, 0..maxRev
	DeleteRev uint8 // 0 = none (the key is present); else the revision that deleted it
	Floor     uint8 // retention floor = first_sequence − 1, 0..Head
	Applied   [MaxN]uint8
	Exporters [MaxN]ExporterPC
	Payload   Artifact // legacy: the single payload register
	Manifest  Artifact // legacy: the sibling manifest register; pointer swap: the pointer
	Uploaded  uint32   // pointer swap: the write-once content-addressed payloads
	Regressed bool     // latch: a publish replaced a strictly newer manifest/pointer
	Refused   bool     // latch (pointer swap): K1 refused a publish
	Importer  ImporterPC
}

// String formats the state on one line, for traces.
func (s State) String() string {
	var b strings.Builder
	del := "-"
	if s.DeleteRev != 0 {
		del = fmt.Sprint(s.DeleteRev)
	}
	fmt.Fprintf(&b, "head=%d deleteRev=%s floor=%d applied=%v exporters=[", s.Head, del, s.Floor, s.Applied)
	for i, e := range s.Exporters {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.String())
	}
	fmt.Fprintf(&b, "] payload=%v manifest=%v uploaded={", s.Payload, s.Manifest)
	first := true
	for i := uint(0); i < 2*MaxN*MaxRevLimit; i++ {
		if s.Uploaded&(1<<i) == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(artifactOfBit(i).String())
	}
	fmt.Fprintf(&b, "} regressed=%v refused=%v importer=%v", s.Regressed, s.Refused, s.Importer)
	return b.String()
}

// pack encodes s into two words, injectively for every state with N ≤ MaxN and maxRev ≤
// MaxRevLimit (each field gets the bits its domain needs: 63 + 44 bits).
func pack(s *State) (w1, w2 uint64) {
	art := func(a Artifact) uint64 {
		k := uint64(0)
		if a.HasKey {
			k = 1
		}
		return uint64(a.Node) | uint64(a.Cursor)<<2 | k<<5 // 6 bits
	}
	w1 = uint64(s.Head) | uint64(s.DeleteRev)<<3 | uint64(s.Floor)<<6
	for i := 0; i < MaxN; i++ {
		w1 |= uint64(s.Applied[i]) << (9 + 3*i)
		e := s.Exporters[i]
		w1 |= (uint64(e.Kind) | art(e.A)<<2 | uint64(e.C)<<8) << (18 + 11*i)
	}
	w1 |= art(s.Payload)<<51 | art(s.Manifest)<<57
	w2 = uint64(s.Uploaded)
	if s.Regressed {
		w2 |= 1 << 32
	}
	if s.Refused {
		w2 |= 1 << 33
	}
	st := uint64(0)
	if s.Importer.St == StaleKey {
		st = 1
	}
	w2 |= (uint64(s.Importer.Kind) | art(s.Importer.A)<<3 | st<<9) << 34
	return w1, w2
}

// Fingerprint implements check.Fingerprinter. When the configuration's state space fits in 64
// bits (every configuration registered in this project: N=2 with maxRev ≤ 5, N=3 with maxRev
// ≤ 3), it is an exact mixed-radix number of the state — injective, so no fingerprint
// collision can merge two states. Otherwise it is a 64-bit hash of the injective two-word
// packing.
func (m *Model) Fingerprint(s State) uint64 {
	if m.exact {
		return m.code(&s)
	}
	w1, w2 := pack(&s)
	h := w1 * 0x9e3779b97f4a7c15
	h ^= h >> 29
	h += w2 * 0xc2b2ae3d27d4eb4f
	h ^= h >> 32
	return h
}

// FingerprintInjective reports whether Fingerprint is the exact (injective) encoding.
func (m *Model) FingerprintInjective() bool { return m.exact }

// radices returns the digit bases of the exact encoding, in the order code uses them.
func (m *Model) radices() []uint64 {
	N, R := m.cfg.N, uint64(m.cfg.MaxRev)
	art := 1 + 2*uint64(N)*R            // none, or (node, cursor, hasKey)
	exp := 1 + 4*R + (R + 1)            // Idle, Exported(cursor, hasKey), PayloadUp(…), Done(0..maxRev)
	rs := []uint64{R + 1, R + 1, R + 1} // head, deleteRev, floor
	for n := 0; n < N; n++ {
		rs = append(rs, R+1, exp)
	}
	rs = append(rs, art, art, 1<<(2*uint64(N)*R), 4, 6, art, 2)
	return rs
}

// fits reports whether the product of rs is below 2⁶⁴, so that every code is below MaxUint64
// (the bound check.Fingerprinter needs for injectivity).
func fits(rs []uint64) bool {
	p := uint64(1)
	for _, r := range rs {
		hi, lo := bits.Mul64(p, r)
		if hi != 0 {
			return false
		}
		p = lo
	}
	return true
}

func (m *Model) artCode(a Artifact) uint64 {
	if a.IsNone() {
		return 0
	}
	k := uint64(0)
	if a.HasKey {
		k = 1
	}
	return 1 + (uint64(a.Node)*uint64(m.cfg.MaxRev)+uint64(a.Cursor-1))*2 + k
}

// code is the mixed-radix number of s. An exporter's artifact is always its own (node n),
// so the node is not a digit of the exporter's position.
func (m *Model) code(s *State) uint64 {
	N, R := m.cfg.N, uint64(m.cfg.MaxRev)
	art := 1 + 2*uint64(N)*R
	exp := 1 + 4*R + (R + 1)
	v := uint64(s.Head)
	v = v*(R+1) + uint64(s.DeleteRev)
	v = v*(R+1) + uint64(s.Floor)
	for n := 0; n < N; n++ {
		v = v*(R+1) + uint64(s.Applied[n])
		e := s.Exporters[n]
		var d uint64
		switch e.Kind {
		case Exported, PayloadUp:
			d = 1 + uint64(e.A.Cursor-1)*2
			if e.A.HasKey {
				d++
			}
			if e.Kind == PayloadUp {
				d += 2 * R
			}
		case Done:
			d = 1 + 4*R + uint64(e.C)
		}
		v = v*exp + d
	}
	v = v*art + m.artCode(s.Payload)
	v = v*art + m.artCode(s.Manifest)
	w := 2 * uint(R)
	for n := 0; n < N; n++ {
		v = v<<w | uint64(s.Uploaded>>(uint(n)*2*MaxRevLimit))&(1<<w-1)
	}
	flags := uint64(0)
	if s.Regressed {
		flags |= 2
	}
	if s.Refused {
		flags |= 1
	}
	v = v*4 + flags
	v = v*6 + uint64(s.Importer.Kind)
	v = v*art + m.artCode(s.Importer.A)
	v = v*2 + uint64(s.Importer.St)
	return v
}
