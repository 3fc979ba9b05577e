package linearizability

import (
	"cmp"
	"fmt"
	"slices"
)

// maxOrderBreaks bounds how many revision-order breaks a report describes (all are counted).
const maxOrderBreaks = 10

// revisionOrder checks what the per-key model cannot see: revisions are sequences of one
// stream shared by every key, so an acknowledged write that returned before another was called
// has the smaller revision, and no two acknowledged writes share one. It returns how many
// breaks it found and a description of the first few.
func revisionOrder(ops []Operation) (int, []string) {
	var acked []*Operation
	for i := range ops {
		if ops[i].Outcome == OutcomeOK && ops[i].Kind.HasValue() {
			acked = append(acked, &ops[i])
		}
	}
	var breaks []string
	n := 0
	report := func(format string, args ...any) {
		n++
		if len(breaks) < maxOrderBreaks {
			breaks = append(breaks, fmt.Sprintf(format, args...))
		}
	}
	byRev := make(map[uint64]*Operation, len(acked))
	for _, w := range acked {
		if prev, dup := byRev[w.Revision]; dup {
			report("revision %d acknowledged twice: %s on %q (client %d) and %s on %q (client %d)",
				w.Revision, prev.Kind, prev.Key, prev.Client, w.Kind, w.Key, w.Client)
			continue
		}
		byRev[w.Revision] = w
	}
	byCall := slices.Clone(acked)
	slices.SortFunc(byCall, func(a, b *Operation) int { return cmp.Compare(a.Call, b.Call) })
	byReturn := slices.Clone(acked)
	slices.SortFunc(byReturn, func(a, b *Operation) int { return cmp.Compare(a.Return, b.Return) })
	var newest *Operation // highest revision among writes returned so far
	j := 0
	for _, w := range byCall {
		for ; j < len(byReturn) && byReturn[j].Return < w.Call; j++ {
			if newest == nil || byReturn[j].Revision > newest.Revision {
				newest = byReturn[j]
			}
		}
		if newest != nil && w.Revision < newest.Revision {
			report("revision went backwards: %s on %q (client %d) returned revision %d at %d, then %s on %q (client %d), called at %d, got %d",
				newest.Kind, newest.Key, newest.Client, newest.Revision, newest.Return, w.Kind, w.Key, w.Client, w.Call, w.Revision)
		}
	}
	return n, breaks
}
