package chaos

import (
	"slices"
	"testing"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
)

func TestDoubtWindowsCoverPartitionsAndPausesPlusGrace(t *testing.T) {
	ev := func(action string, i int, kind nemesis.Kind, at int64) nemesis.Event {
		return nemesis.Event{Action: action, Fault: nemesis.Fault{Index: i, Kind: kind}, At: at}
	}
	const end = 100e9
	events := []nemesis.Event{
		ev("inject", 0, nemesis.Kill, 1e9), ev("heal", 0, nemesis.Kill, 2e9), // a crash: no doubt
		ev("inject", 1, nemesis.Partition, 3e9), ev("heal", 1, nemesis.Partition, 5e9),
		ev("inject", 2, nemesis.Pause, 95e9), ev("heal", 2, nemesis.Pause, 96e9), // grace clipped at the end
		ev("inject", 3, nemesis.Partition, 97e9), // never healed
	}
	got := doubtWindows(events, end)
	want := []check.Window{{Start: 3e9, End: 5e9 + deposedLeaderGrace}, {Start: 95e9, End: end}, {Start: 97e9, End: end}}
	if !slices.Equal(got, want) {
		t.Fatalf("windows %v, want %v", got, want)
	}
}
