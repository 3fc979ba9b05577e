package foldwl

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/slipstream-go/slipstream/chaos/check"
)

// PointerObs is one value of an export pointer someone observed: an exporter's round (the
// cursor it published, or the newer one that superseded it) or a poller's leader read. The
// value held at some instant between Call and Return (the history's clock).
type PointerObs struct {
	Key    string `json:"key"`
	Source string `json:"source"` // exporter holder id or "poller"
	Rank   uint64 `json:"rank"`   // the pointed artifact's cursor revision
	Call   int64  `json:"call_ns"`
	Return int64  `json:"return_ns"`
}

// PointerHistory is what the monotonic-pointer check judges for one transport key.
type PointerHistory struct {
	Key string
	// Committed is the rank of every revision of the pointer's key, in stream order, read
	// back after the heal: the pointer's values as they were committed.
	Committed []uint64
	// Observed are the values seen while the run went.
	Observed []PointerObs
}

// PointerMonotonic judges that no export pointer ever went backwards: its committed values
// never decrease, every observed value is one that was committed, and no observation returns
// a lower value than one that finished before it began. An observation that falls in a span
// where a deposed stream leader may answer reads (doubt) is reported, not failed: NATS
// answers a leader read from whichever node believes it leads. No publish at all is
// incomplete: the check exercised nothing.
func PointerMonotonic(hs []PointerHistory, doubt []check.Window) check.Result {
	var bad, notes []string
	published := 0
	for _, h := range hs {
		published += len(h.Committed)
		for i := 1; i < len(h.Committed); i++ {
			if h.Committed[i] < h.Committed[i-1] {
				bad = append(bad, fmt.Sprintf("%s: committed revision %d of the pointer names cursor %d after %d",
					h.Key, i+1, h.Committed[i], h.Committed[i-1]))
			}
		}
		obs := slices.Clone(h.Observed)
		slices.SortFunc(obs, func(a, b PointerObs) int { return cmp.Compare(a.Return, b.Return) })
		stale := 0
		for _, o := range obs {
			if len(h.Committed) > 0 && !slices.Contains(h.Committed, o.Rank) {
				bad = append(bad, fmt.Sprintf("%s: %s saw cursor %d, which the pointer never held", h.Key, o.Source, o.Rank))
			}
			var prev *PointerObs
			for i := range obs { // the highest value seen by an observation that ended before o began
				if p := &obs[i]; p.Return < o.Call && (prev == nil || p.Rank > prev.Rank) {
					prev = p
				}
			}
			if prev == nil || o.Rank >= prev.Rank {
				continue
			}
			if inAny(o.Call, o.Return, doubt) {
				stale++
				continue
			}
			bad = append(bad, fmt.Sprintf("%s: %s saw cursor %d at %.3fs after %s had seen %d at %.3fs",
				h.Key, o.Source, o.Rank, float64(o.Call)/1e9, prev.Source, prev.Rank, float64(prev.Return)/1e9))
		}
		notes = append(notes, fmt.Sprintf("%s: %d publishes, %d observations, %d stale under a deposed leader",
			h.Key, len(h.Committed), len(h.Observed), stale))
	}
	switch {
	case len(bad) > 0:
		if len(bad) > 4 {
			bad = append(bad[:4], fmt.Sprintf("and %d more", len(bad)-4))
		}
		return check.Result{Verdict: check.Violates, Detail: strings.Join(bad, " | ")}
	case published == 0:
		return check.Result{Verdict: check.Incomplete, Detail: "no export was published: " + strings.Join(notes, "; ")}
	}
	return check.Result{Verdict: check.Holds, Detail: "never went backwards; " + strings.Join(notes, "; ")}
}

func inAny(call, ret int64, ws []check.Window) bool {
	for _, w := range ws {
		if call <= w.End && ret >= w.Start {
			return true
		}
	}
	return false
}

// ImportsConverged judges the folds bootstrapped with ImportRemote during the run, reopened
// from disk after the heal: each must equal the bucket, as MatchesBucket judges it. A run in
// which no import succeeded is incomplete; failed attempts (faults make some) are reported.
func ImportsConverged(h History, finals []Recovered, failedAttempts []string) check.Result {
	note := ""
	if n := len(failedAttempts); n > 0 {
		note = fmt.Sprintf("; %d import attempts failed under faults (first: %s)", n, failedAttempts[0])
	}
	if len(finals) == 0 {
		return check.Result{Verdict: check.Incomplete, Detail: "no import succeeded" + note}
	}
	r := MatchesBucket(h, finals)
	r.Detail += note
	return r
}
