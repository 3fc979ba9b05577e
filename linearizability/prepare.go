package linearizability

import (
	"github.com/anishathalye/porcupine"
)

// prepare turns the history into porcupine operations and counts what it kept and dropped.
//
// A write with an unknown outcome may take effect at any time after its call, so it gets a
// return time after every other operation, unless the history itself shows it took effect by
// some time (see effectDeadlines); then that time is its return. Those bounds are sound (they
// remove no linearization the model allows) and keep the search small: an operation pending
// until the end can be tried at every point of its key's history.
func prepare(ops []Operation, includeDirect bool) ([]porcupine.Operation, Report) {
	var rep Report
	var end int64
	for i := range ops {
		end = max(end, ops[i].Return)
	}
	never := end + 1 // after every other operation
	deadline := effectDeadlines(ops)
	hist := make([]porcupine.Operation, 0, len(ops))
	for i := range ops {
		op := &ops[i]
		unknown := op.Outcome.Class() == ClassUnknown
		if op.Kind.IsRead() && (unknown || (op.Kind == KindDirectGet && !includeDirect)) {
			rep.Dropped++
			continue
		}
		ret := op.Return
		if unknown {
			ret = never
			if d, ok := deadline[i]; ok {
				ret = max(op.Call, min(ret, d))
			}
			rep.UnknownWrites++
		}
		hist = append(hist, porcupine.Operation{ClientId: op.Client, Input: op, Call: op.Call, Return: ret})
	}
	rep.Operations = len(hist)
	return hist, rep
}

// effectDeadlines returns, for unknown writes the history proves took effect, the time by which
// they did (keyed by index in ops):
//   - a read (leader or direct) that found the write's value: values are unique, so the write
//     took effect before that read returned;
//   - for a write Resolve saw land at revision r, any operation of the key that observed a
//     revision above r (a write acknowledged at it, a read that found it, a compare-and-swap
//     that succeeded expecting it): revisions of a key only grow, so r came first.
func effectDeadlines(ops []Operation) map[int]int64 {
	type pending struct {
		i   int
		rev uint64
	}
	byValue := make(map[[2]string]int)   // (key, value) → index of an unknown write
	landed := make(map[string][]pending) // key → unknown writes pinned to a revision
	for i := range ops {
		op := &ops[i]
		if op.Outcome.Class() != ClassUnknown || !op.Kind.HasValue() {
			continue
		}
		byValue[[2]string{op.Key, op.Value}] = i
		if op.Revision != 0 {
			landed[op.Key] = append(landed[op.Key], pending{i, op.Revision})
		}
	}
	if len(byValue) == 0 {
		return nil
	}
	out := make(map[int]int64)
	bound := func(i int, t int64) {
		if d, ok := out[i]; !ok || t < d {
			out[i] = t
		}
	}
	for i := range ops {
		op := &ops[i]
		if op.Outcome != OutcomeOK {
			continue
		}
		if op.Kind.IsRead() && op.Found {
			if w, ok := byValue[[2]string{op.Key, op.Read}]; ok {
				bound(w, op.Return)
			}
		}
		seen := observedRev(op)
		for _, p := range landed[op.Key] {
			if seen > p.rev {
				bound(p.i, op.Return)
			}
		}
	}
	return out
}

// observedRev is the highest revision of its key that a successful operation proves existed
// when it took effect (0 if none).
func observedRev(op *Operation) uint64 {
	rev := op.Revision
	if op.Kind.HasExpected() {
		rev = max(rev, op.Expected)
	}
	return rev
}
