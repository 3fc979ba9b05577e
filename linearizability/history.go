package linearizability

import (
	"errors"
	"fmt"
)

// Kind is the operation a client issued.
type Kind string

// The operations of the KV surface a history can hold.
const (
	KindPut               Kind = "put"                 // unconditional write
	KindCreate            Kind = "create"              // write only if absent or deleted
	KindUpdate            Kind = "update"              // write only at the expected revision
	KindDelete            Kind = "delete"              // unconditional delete marker
	KindDeleteWithVersion Kind = "delete-with-version" // delete marker only at the expected revision
	KindLeaderGet         Kind = "leader-get"          // read answered by the stream leader
	KindDirectGet         Kind = "direct-get"          // read any replica may answer (may be stale)
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k.IsWrite() || k.IsRead() }

// IsWrite reports whether k changes the key when it succeeds.
func (k Kind) IsWrite() bool {
	switch k {
	case KindPut, KindCreate, KindUpdate, KindDelete, KindDeleteWithVersion:
		return true
	}
	return false
}

// IsRead reports whether k is a get (leader or direct).
func (k Kind) IsRead() bool { return k == KindLeaderGet || k == KindDirectGet }

// HasExpected reports whether k carries an expected revision (a compare-and-swap guard).
func (k Kind) HasExpected() bool { return k == KindUpdate || k == KindDeleteWithVersion }

// HasValue reports whether k writes a value.
func (k Kind) HasValue() bool { return k == KindPut || k == KindCreate || k == KindUpdate }

// Outcome is how an operation ended, precise enough for the model to tell decided failures
// from undecided ones.
type Outcome string

// Outcomes. Classify maps a kv error to one of them.
const (
	OutcomeOK               Outcome = "ok"                // succeeded; outputs are filled in
	OutcomeAlreadyExists    Outcome = "already-exists"    // create found a live value (decided)
	OutcomeRevisionMismatch Outcome = "revision-mismatch" // the key was at another revision (10071, decided)
	OutcomeWriteInFlight    Outcome = "write-in-flight"   // another write was in flight (10164, nothing decided)
	OutcomeNotSent          Outcome = "not-sent"          // refused locally before anything was sent
	OutcomeUnknown          Outcome = "unknown"           // timeout, connection lost, or any other error
	OutcomeNotApplied       Outcome = "not-applied"       // unknown at the time, but the stream shows it never landed (Resolve)
)

// Class groups outcomes by what they tell about the key.
type Class string

// The four classes of outcome.
const (
	ClassOK             Class = "ok"              // the operation took effect / the read is an observation
	ClassDecidedFailure Class = "decided-failure" // the server decided against the caller: a fact about the key
	ClassNothingDecided Class = "nothing-decided" // nothing happened and nothing was learned
	ClassUnknown        Class = "unknown"         // may or may not have taken effect
)

// Class returns the outcome's class; an unrecognised outcome is ClassUnknown.
func (o Outcome) Class() Class {
	switch o {
	case OutcomeOK:
		return ClassOK
	case OutcomeAlreadyExists, OutcomeRevisionMismatch:
		return ClassDecidedFailure
	case OutcomeWriteInFlight, OutcomeNotSent, OutcomeNotApplied:
		return ClassNothingDecided
	}
	return ClassUnknown
}

// Valid reports whether o is one of the outcomes above.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomeOK, OutcomeAlreadyExists, OutcomeRevisionMismatch, OutcomeWriteInFlight,
		OutcomeNotSent, OutcomeUnknown, OutcomeNotApplied:
		return true
	}
	return false
}

// Operation is one call of one client on one key: its inputs, its outputs, and its call and
// return times in nanoseconds since the Recorder's start (one monotonic clock for the run).
// Values are compared as strings; they must be valid UTF-8 to survive the JSON file.
type Operation struct {
	Client   int     `json:"client"`             // porcupine client id; unique per sequential stream
	Key      string  `json:"key"`                // the KV key
	Kind     Kind    `json:"kind"`               // what was called
	Value    string  `json:"value,omitempty"`    // written value (put, create, update)
	Expected uint64  `json:"expected,omitempty"` // expected revision (update, delete-with-version)
	Outcome  Outcome `json:"outcome"`            // how it ended
	Revision uint64  `json:"rev,omitempty"`      // revision returned by a successful put/create/update, of the record a read found, or (unknown outcome) where Resolve saw the write land
	Found    bool    `json:"found,omitempty"`    // a successful read found a live value
	Read     string  `json:"read,omitempty"`     // the value a successful read found
	Err      string  `json:"err,omitempty"`      // the error text, for people; never matched on
	Call     int64   `json:"call"`               // call time, ns since the recorder's start
	Return   int64   `json:"return"`             // return time as observed (the checker treats unknown writes as never returning)
}

// ErrInvalidHistory: a history (or one operation of it) breaks the rules Validate checks. The
// history cannot be checked; fix the recorder or the file.
var ErrInvalidHistory = errors.New("invalid history")

// Validate checks one operation on its own: known kind and outcome, a key, times in order, and
// only the fields its kind and outcome allow.
func (op Operation) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: client %d %s %q: %s", ErrInvalidHistory, op.Client, op.Kind, op.Key, fmt.Sprintf(format, args...))
	}
	switch {
	case !op.Kind.Valid():
		return bad("unknown kind")
	case !op.Outcome.Valid():
		return bad("unknown outcome %q", op.Outcome)
	case op.Key == "":
		return bad("empty key")
	case op.Client < 0:
		return bad("negative client id")
	case op.Call < 0 || op.Return < op.Call:
		return bad("times out of order (call %d, return %d)", op.Call, op.Return)
	case op.Value != "" && !op.Kind.HasValue():
		return bad("a value on an operation that writes none")
	case op.Expected != 0 && !op.Kind.HasExpected():
		return bad("an expected revision on an operation that takes none")
	case (op.Found || op.Read != "") && !(op.Kind.IsRead() && op.Outcome == OutcomeOK):
		return bad("a read result on an operation that is not a successful read")
	case op.Read != "" && !op.Found:
		return bad("a read value without found")
	case op.Found && op.Revision == 0:
		return bad("a found read without its revision")
	case op.Kind.IsRead() && op.Outcome.Class() == ClassDecidedFailure:
		return bad("a read cannot fail with %s", op.Outcome)
	case op.Revision != 0 && op.Outcome != OutcomeOK && !(op.Outcome == OutcomeUnknown && op.Kind.HasValue()):
		return bad("a revision on an operation that did not succeed")
	case op.Revision != 0 && (op.Kind == KindDelete || op.Kind == KindDeleteWithVersion):
		return bad("deletes return no revision")
	case op.Kind.HasValue() && op.Outcome == OutcomeOK && op.Revision == 0:
		return bad("a successful write without its revision")
	case op.Outcome == OutcomeAlreadyExists && op.Kind != KindCreate:
		return bad("only create fails with already-exists")
	case op.Outcome == OutcomeRevisionMismatch && !op.Kind.HasExpected():
		return bad("only compare-and-swap writes fail with revision-mismatch")
	}
	return nil
}

// ValidateHistory checks every operation and the per-client rules porcupine relies on: a
// client's operations do not overlap, and a client issues nothing after an operation with an
// unknown outcome (it must continue under a new id).
func ValidateHistory(ops []Operation) error {
	type last struct {
		ret     int64
		unknown bool
		kind    Kind
	}
	seen := make(map[int]last)
	for i := range ops {
		op := &ops[i]
		if err := op.Validate(); err != nil {
			return fmt.Errorf("operation %d: %w", i, err)
		}
		if prev, ok := seen[op.Client]; ok {
			if prev.unknown {
				return fmt.Errorf("%w: operation %d: client %d issued %s after a %s with an unknown outcome; it needs a new id",
					ErrInvalidHistory, i, op.Client, op.Kind, prev.kind)
			}
			if op.Call < prev.ret {
				return fmt.Errorf("%w: operation %d: client %d's operations overlap or are out of order (call %d before the previous return %d)",
					ErrInvalidHistory, i, op.Client, op.Call, prev.ret)
			}
		}
		seen[op.Client] = last{ret: op.Return, unknown: op.Outcome.Class() == ClassUnknown, kind: op.Kind}
	}
	return nil
}
