package linearizability

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"

	"github.com/anishathalye/porcupine"
)

// KeyState is the model's state of one NATS KV key. The initial state is a key that has never
// been written (revision 0 known), so a checked run must start on a fresh bucket or fresh keys.
//
// Rev is the revision (stream sequence) of the key's last record when RevKnown. When the last
// record was written by an operation whose revision nobody saw (a delete, or a write whose
// outcome is unknown), RevKnown is false and Rev is a strict lower bound: the record's revision
// is greater than Rev. A later read or compare-and-swap that names the revision pins it.
type KeyState struct {
	Present   bool   // the last record is a live value
	Value     string // that value (empty when not Present)
	Rev       uint64 // the last record's revision, or a strict lower bound of it
	RevKnown  bool   // whether Rev is exact
	Tombstone bool   // the last record is a delete marker
}

func initialState() KeyState { return KeyState{RevKnown: true} }

// revMay reports whether the key's last record may be at revision e.
func (s KeyState) revMay(e uint64) bool {
	if s.RevKnown {
		return s.Rev == e
	}
	return e > s.Rev
}

// after reports whether a new record at revision r may follow the last one: revisions are
// stream sequences, so each record of a key has a greater one than the record before it.
func (s KeyState) after(r uint64) bool { return r > s.Rev }

func written(v string, r uint64) KeyState {
	return KeyState{Present: true, Value: v, Rev: r, RevKnown: true}
}

// unseen is the state after a record whose revision nobody saw, known to be above floor.
func unseen(present bool, v string, floor uint64) KeyState {
	return KeyState{Present: present, Value: v, Rev: floor, Tombstone: !present}
}

// step is the sequential specification of one NATS KV key.
func step(s KeyState, op *Operation) (bool, KeyState) {
	switch op.Outcome.Class() {
	case ClassNothingDecided:
		// 10164 (another write to the key in flight) is the leader refusing the proposal before
		// it is replicated: nothing was appended and nothing was learned about the key, so the
		// operation is a no-op that fits at any point. The same holds for a request refused
		// locally before it was sent, and for a lost reply whose write Resolve found never landed.
		return true, s
	case ClassUnknown:
		return stepUnknown(s, op)
	case ClassDecidedFailure:
		switch op.Outcome {
		case OutcomeAlreadyExists: // create found a live value
			return s.Present, s
		case OutcomeRevisionMismatch: // 10071: the key was not at the expected revision
			return !(s.RevKnown && s.Rev == op.Expected), s
		}
		return false, s
	}
	r := op.Revision
	switch op.Kind {
	case KindPut:
		return s.after(r), written(op.Value, r)
	case KindCreate:
		return !s.Present && s.after(r), written(op.Value, r)
	case KindUpdate:
		return s.revMay(op.Expected) && r > op.Expected && s.after(r), written(op.Value, r)
	case KindDelete:
		return true, unseen(false, "", s.Rev)
	case KindDeleteWithVersion:
		return s.revMay(op.Expected), unseen(false, "", max(s.Rev, op.Expected))
	case KindLeaderGet, KindDirectGet:
		if !op.Found {
			return !s.Present, s
		}
		if !s.Present || s.Value != op.Read || !s.revMay(r) {
			return false, s
		}
		return true, written(op.Read, r)
	}
	return false, s
}

// stepUnknown applies a write whose outcome is unknown where it could have succeeded, with a
// revision nobody saw. It never refuses: the checker gives such an operation a return time
// after every other operation, so placing it last is the "never took effect" branch, and
// placing it earlier (where its guard holds) is the "took effect here" branch.
//
// A write that Resolve saw land (Revision set) is different: it did take effect, at that
// revision, so it is stepped like a success and fits only where its guard and revision do.
func stepUnknown(s KeyState, op *Operation) (bool, KeyState) {
	if op.Revision != 0 {
		landed := *op
		landed.Outcome = OutcomeOK
		return step(s, &landed)
	}
	return true, stepUnknownUnseen(s, op)
}

func stepUnknownUnseen(s KeyState, op *Operation) KeyState {
	switch op.Kind {
	case KindPut:
		return unseen(true, op.Value, s.Rev)
	case KindCreate:
		if !s.Present {
			return unseen(true, op.Value, s.Rev)
		}
	case KindUpdate:
		if s.revMay(op.Expected) {
			return unseen(true, op.Value, max(s.Rev, op.Expected))
		}
	case KindDelete:
		return unseen(false, "", s.Rev)
	case KindDeleteWithVersion:
		if s.revMay(op.Expected) {
			return unseen(false, "", max(s.Rev, op.Expected))
		}
	}
	return s // a read, or a guard that cannot hold here
}

// Model returns the porcupine model of a NATS KV bucket, partitioned per key. Inputs are
// *Operation (outputs are unused: an Operation carries both).
func Model() porcupine.Model {
	return porcupine.Model{
		Partition: partitionByKey,
		Init:      func() any { return initialState() },
		Step: func(state, input, _ any) (bool, any) {
			ok, next := step(state.(KeyState), input.(*Operation))
			return ok, next
		},
		Equal:             func(a, b any) bool { return a.(KeyState) == b.(KeyState) },
		Hash:              hashState,
		DescribeOperation: func(input, _ any) string { return DescribeOperation(input.(*Operation)) },
		DescribeState:     func(state any) string { return DescribeState(state.(KeyState)) },
	}
}

func keyOf(op porcupine.Operation) string { return op.Input.(*Operation).Key }

// partitionByKey splits a history into one partition per key, in key order.
func partitionByKey(history []porcupine.Operation) [][]porcupine.Operation {
	byKey := make(map[string][]porcupine.Operation)
	for _, op := range history {
		byKey[keyOf(op)] = append(byKey[keyOf(op)], op)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][]porcupine.Operation, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

func hashState(state any) uint64 {
	s := state.(KeyState)
	h := fnv.New64a()
	var b [9]byte
	b[0] = boolByte(s.Present) | boolByte(s.RevKnown)<<1 | boolByte(s.Tombstone)<<2
	binary.BigEndian.PutUint64(b[1:], s.Rev)
	h.Write(b[:])
	io.WriteString(h, s.Value)
	return h.Sum64()
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// DescribeOperation renders an operation for the visualisation, e.g.
// `update("v7", expect 12) → rev 15` or `leader-get → "v7"@15`.
func DescribeOperation(op *Operation) string {
	var in string
	switch {
	case op.Kind.HasValue() && op.Kind.HasExpected():
		in = fmt.Sprintf("%s(%q, expect %d)", op.Kind, op.Value, op.Expected)
	case op.Kind.HasValue():
		in = fmt.Sprintf("%s(%q)", op.Kind, op.Value)
	case op.Kind.HasExpected():
		in = fmt.Sprintf("%s(expect %d)", op.Kind, op.Expected)
	default:
		in = string(op.Kind)
	}
	var out string
	switch {
	case op.Outcome == OutcomeUnknown && op.Revision != 0:
		out = fmt.Sprintf("unknown, landed at rev %d", op.Revision)
	case op.Outcome != OutcomeOK:
		out = string(op.Outcome)
	case op.Kind.IsRead() && op.Found:
		out = fmt.Sprintf("%q@%d", op.Read, op.Revision)
	case op.Kind.IsRead():
		out = "not found"
	case op.Revision != 0:
		out = fmt.Sprintf("rev %d", op.Revision)
	default:
		out = "ok"
	}
	return in + " → " + out
}

// DescribeState renders a key's state, e.g. `"v7"@15`, `deleted@>15` or `never written`.
func DescribeState(s KeyState) string {
	rev := strconv.FormatUint(s.Rev, 10)
	if !s.RevKnown {
		rev = ">" + rev
	}
	switch {
	case s.Present:
		return fmt.Sprintf("%q@%s", s.Value, rev)
	case s.Tombstone:
		return "deleted@" + rev
	case s.Rev == 0 && s.RevKnown:
		return "never written"
	}
	return "absent@" + rev
}
