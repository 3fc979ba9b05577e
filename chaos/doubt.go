package chaos

import (
	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
)

// deposedLeaderGrace is how long after a partition or pause heals a deposed stream leader may
// still answer leader reads from its old state: a few election timeouts of the nodes' raft
// timings (at most 3.5 s each with the test timings, 9 s with production ones).
const deposedLeaderGrace = 10e9 // ns

// doubtWindows returns the spans of the history in which a stream leader may be deposed
// without knowing it: from each partition or pause of a node until deposedLeaderGrace after
// its heal. NATS answers a leader read from whichever node believes it leads, so in these spans
// a leader read can be stale; that is NATS behaviour, reported beside the guarantee, not a
// failure of it.
func doubtWindows(events []nemesis.Event, end int64) []check.Window {
	var out []check.Window
	open := map[int]int{} // fault index -> window index
	for _, e := range events {
		if e.Fault.Kind != nemesis.Partition && e.Fault.Kind != nemesis.Pause {
			continue
		}
		switch e.Action {
		case "inject":
			open[e.Fault.Index] = len(out)
			out = append(out, check.Window{Start: e.At, End: end})
		case "heal":
			if i, ok := open[e.Fault.Index]; ok {
				out[i].End = min(e.At+deposedLeaderGrace, end)
				delete(open, e.Fault.Index)
			}
		}
	}
	return out
}
