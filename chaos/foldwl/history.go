package foldwl

import (
	"cmp"
	"fmt"
	"slices"
)

// History is the folds' bucket as judged after the run: the stream read back (what the bucket
// holds) and the records operator actions removed from it.
type History struct {
	Recs    []Record  // the stream read back from sequence 1, in order
	Removed []Removal // records removed by an operator: each once, in order, none in Recs
}

// NewHistory pairs the stream read back with the operator's attempted removals. An attempt
// whose record is still in the stream did not take effect and is dropped; a record two
// actions tried to remove keeps the earlier action (the first that may have removed it).
func NewHistory(recs []Record, attempts []Removal) History {
	present := make(map[uint64]bool, len(recs))
	for _, r := range recs {
		present[r.Seq] = true
	}
	seen := map[uint64]bool{}
	var removed []Removal
	for _, a := range slices.SortedStableFunc(slices.Values(attempts), func(a, b Removal) int { return cmp.Compare(a.At, b.At) }) {
		if present[a.Seq] || seen[a.Seq] {
			continue
		}
		seen[a.Seq] = true
		removed = append(removed, a)
	}
	slices.SortFunc(removed, func(a, b Removal) int { return cmp.Compare(a.Seq, b.Seq) })
	return History{Recs: recs, Removed: removed}
}

// last is the stream's last sequence: the highest record read back or removed.
func (h History) last() uint64 {
	l := head(h.Recs)
	if n := len(h.Removed); n > 0 {
		l = max(l, h.Removed[n-1].Seq)
	}
	return l
}

// contiguous reports whether the records read back and those removed together hold every
// sequence from 1 to the last: a sequence neither read back nor removed by the operator means
// the read-back is incomplete.
func (h History) contiguous() error {
	i, j := 0, 0
	for seq := uint64(1); seq <= h.last(); seq++ {
		switch {
		case i < len(h.Recs) && h.Recs[i].Seq == seq:
			i++
		case j < len(h.Removed) && h.Removed[j].Seq == seq:
			j++
		default:
			return fmt.Errorf("the stream read back is missing sequence %d, which no operator action removed", seq)
		}
	}
	return nil
}

// step is one record of a key's whole history, removed or not.
type step struct {
	Record
	removed bool
	at      int64 // when the action that removed it began
}

// byKey is every key's whole history (records read back and removed), in stream order.
func (h History) byKey() map[string][]step {
	all := make([]step, 0, len(h.Recs)+len(h.Removed))
	for _, r := range h.Recs {
		all = append(all, step{Record: r})
	}
	for _, r := range h.Removed {
		all = append(all, step{Record: r.Record, removed: true, at: r.At})
	}
	slices.SortFunc(all, func(a, b step) int { return cmp.Compare(a.Seq, b.Seq) })
	out := map[string][]step{}
	for _, s := range all {
		out[s.Key] = append(out[s.Key], s)
	}
	return out
}
