package linearizability

import "fmt"

// Write is a record the stream holds: key, value and the revision it landed at, or a delete
// marker (Deleted, no value). An Observer collects them from a watch run beside the workload.
type Write struct {
	Key      string
	Value    string
	Revision uint64
	Deleted  bool
	Seen     int64 // when the observer received it, on the history's clock (Recorder.Now); 0 if not known
}

// ResolveStats says what Resolve learned.
type ResolveStats struct {
	Landed     int // unknown writes the stream shows landed (now pinned to their revision, and acknowledged if seen in time)
	NotApplied int // unknown writes the stream shows never landed (complete observations only)
	Unresolved int // unknown writes left as they were
	// Contradicted lists writes the stream contradicts, each a broken guarantee: an
	// acknowledged write whose value it holds at another revision or (complete observations
	// only) not at all, a write refused with a decided failure or 10164 that landed anyway, and
	// acknowledged deletes of a key with fewer delete markers than acknowledged deletes.
	Contradicted []Operation
}

// Resolve narrows unknown outcomes with what the stream shows afterwards. Without it, a write
// with an unknown outcome stays pending to the end of the history and the search for a
// violation can run out of time; with it, the check stays fast:
//   - an unknown put, create or update whose value landed gets that revision: it must take
//     effect, and only where its revision fits. When the observer also says when it saw the
//     record (Write.Seen), the write becomes acknowledged with its return time extended to
//     then: it took effect after its call and before the observer received it;
//   - when complete is true (observed holds every record of the run, delete markers
//     included; see Observer.Complete), an unknown write whose value is absent becomes
//     OutcomeNotApplied, and so do a key's unknown deletes when its delete markers are exactly
//     its acknowledged deletes.
//
// Values must be unique per key. It returns a new slice; ops is not changed.
func Resolve(ops []Operation, observed []Write, complete bool) ([]Operation, ResolveStats, error) {
	type kv struct{ key, value string }
	at := make(map[kv]Write, len(observed))
	markers := make(map[string]int)
	for _, w := range observed {
		if w.Deleted {
			markers[w.Key]++
			continue
		}
		k := kv{w.Key, w.Value}
		if prev, dup := at[k]; dup && prev.Revision != w.Revision {
			return nil, ResolveStats{}, fmt.Errorf("%w: value %q of key %q observed at revisions %d and %d; values must be unique per key",
				ErrInvalidHistory, w.Value, w.Key, prev.Revision, w.Revision)
		}
		at[k] = w
	}
	out := append([]Operation(nil), ops...)
	var st ResolveStats
	ackedDeletes := make(map[string][]int)
	unknownDeletes := make(map[string][]int)
	for i := range out {
		op := &out[i]
		if !op.Kind.HasValue() {
			switch {
			case !op.Kind.IsWrite():
			case op.Outcome == OutcomeOK:
				ackedDeletes[op.Key] = append(ackedDeletes[op.Key], i)
			case op.Outcome.Class() == ClassUnknown:
				unknownDeletes[op.Key] = append(unknownDeletes[op.Key], i)
			}
			continue
		}
		w, seen := at[kv{op.Key, op.Value}]
		switch {
		case op.Outcome == OutcomeOK && ((!seen && complete) || (seen && w.Revision != op.Revision)),
			seen && (op.Outcome.Class() == ClassDecidedFailure || op.Outcome == OutcomeWriteInFlight):
			st.Contradicted = append(st.Contradicted, *op)
		case op.Outcome != OutcomeUnknown || op.Revision != 0:
		case seen && w.Seen > 0:
			op.Outcome, op.Revision, op.Return = OutcomeOK, w.Revision, max(op.Return, w.Seen)
			op.Err += fmt.Sprintf(" (resolved: landed at revision %d, observed at %d)", w.Revision, w.Seen)
			st.Landed++
		case seen:
			op.Revision = w.Revision
			st.Landed++
		case complete:
			op.Outcome = OutcomeNotApplied
			st.NotApplied++
		default:
			st.Unresolved++
		}
	}
	for key, unknown := range unknownDeletes {
		if !complete || markers[key] != len(ackedDeletes[key]) {
			st.Unresolved += len(unknown)
			continue
		}
		for _, i := range unknown {
			out[i].Outcome = OutcomeNotApplied
			st.NotApplied++
		}
	}
	if complete {
		for key, acked := range ackedDeletes {
			if markers[key] < len(acked) {
				for _, i := range acked {
					st.Contradicted = append(st.Contradicted, out[i])
				}
			}
		}
	}
	return out, st, nil
}
