package exportimport

import (
	"fmt"
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
