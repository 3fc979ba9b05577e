package foldwl

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Record is one message of a bucket's stream as the control connection read it back.
type Record struct {
	Seq    uint64 `json:"seq"` // stream sequence (the revision)
	Key    string `json:"key"`
	Delete bool   `json:"delete,omitempty"` // a delete or purge marker
	Value  string `json:"value,omitempty"`  // the value of a put
}

// Entry is one key's live state: its value and the revision that wrote it.
type Entry struct {
	Value string `json:"value"`
	Rev   uint64 `json:"rev"`
}

// State is a fold's (or the bucket's) live keys.
type State map[string]Entry

// Recovered is a fold as it was opened from disk: at the start, after a restart (soft: the
// loop stopped and the store closed; hard: a crash image), after an import, or at the end.
type Recovered struct {
	Fold   string `json:"fold"`
	How    string `json:"how"`    // "start", "soft", "hard", "import" or "final"
	Cursor uint64 `json:"cursor"` // the store's recovered cursor (0: none)
	State  State  `json:"state"`
	Err    string `json:"error,omitempty"` // the open failed: the fold could not be recovered
	At     int64  `json:"at_ns"`           // on the run's history clock
	// Unreconciled marks a final open of a fold that, in the settle's wait, did not complete
	// the two reconciliation rounds that ensure one listed the bucket after the last operator
	// action: it may not have repaired a removal yet.
	Unreconciled bool `json:"unreconciled,omitempty"`
}

// StateAt is the bucket's state once every record at or below seq is applied.
func StateAt(recs []Record, seq uint64) State {
	s := State{}
	for _, r := range recs {
		if r.Seq > seq {
			break
		}
		if r.Delete {
			delete(s, r.Key)
		} else {
			s[r.Key] = Entry{Value: r.Value, Rev: r.Seq}
		}
	}
	return s
}

// head is the last sequence of recs (0 when empty).
func head(recs []Record) uint64 {
	if len(recs) == 0 {
		return 0
	}
	return recs[len(recs)-1].Seq
}

// diff describes how got differs from want, naming at most three keys.
func diff(got, want State) string {
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		g, gok := got[k]
		w, wok := want[k]
		if gok == wok && g == w {
			continue
		}
		out = append(out, fmt.Sprintf("%s: fold %s, bucket %s", k, show(g, gok), show(w, wok)))
	}
	if len(out) > 3 {
		out = append(out[:3], fmt.Sprintf("and %d more", len(out)-3))
	}
	return strings.Join(out, "; ")
}

func show(e Entry, ok bool) string {
	if !ok {
		return "absent"
	}
	return fmt.Sprintf("%s@%d", e.Value, e.Rev)
}
