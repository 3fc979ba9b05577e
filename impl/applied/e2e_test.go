package applied

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A restart resumes after the store's cursor: it receives exactly the updates written while
// it was down, not the bucket again.
func TestRestartResumesDeltaOnly(t *testing.T) {
	l := newLive(t, kv.StoreConfig{Name: "delta"})
	var head uint64
	for i := range 50 {
		head = l.put(fmt.Sprintf("node.%02d", i), "v1")
	}
	s := l.start(nil)
	s.stopAt(t, head)
	if got := s.prog.Stats().Received; got != 50 {
		t.Fatalf("first run received %d updates, want 50", got)
	}
	for i := range 10 {
		l.put(fmt.Sprintf("node.%02d", i), "v2") // rewrites
		l.put(fmt.Sprintf("new.%02d", i), "v1")  // new keys
	}
	for i := 40; i < 45; i++ {
		l.del(fmt.Sprintf("node.%02d", i))
	}
	head = l.streamState().LastSeq
	s = l.start(nil)
	s.stopAt(t, head)
	if st := s.prog.Stats(); st.Received != 25 || st.Resyncs != 0 {
		t.Fatalf("restart received %d updates (%d resyncs), want exactly the 25 written while down", st.Received, st.Resyncs)
	}
	fold, cur := l.folded()
	if !maps.Equal(fold, l.scan()) || rev(t, cur) != head {
		t.Fatalf("fold at %v differs from the bucket at %d", cur, head)
	}
}

// Retention evicts delete markers while the consumer is down; the restart's expired cursor
// resyncs: keys deleted in the gap leave the fold, keys re-created in the gap are in it.
func TestResyncRepairsEvictedDeleteMarkers(t *testing.T) {
	l := newLive(t, kv.StoreConfig{Name: "evict", Discard: kv.DiscardOld, MaxBytes: 8 << 10})
	var head uint64
	for _, k := range []string{"a", "b", "c", "d"} {
		head = l.put(k, "v1")
	}
	s := l.start(nil)
	s.stopAt(t, head)

	l.del("b")
	l.del("c")
	marker := l.streamState().LastSeq
	for i := 0; l.streamState().FirstSeq <= marker; i++ {
		if i > 10000 {
			t.Fatal("retention never evicted the delete markers")
		}
		l.put(fmt.Sprintf("fill.%d", i), strings.Repeat("x", 200))
	}
	head = l.put("c", "v2") // re-created during the gap
	if first := l.streamState().FirstSeq; first <= marker {
		t.Fatalf("setup: first sequence %d does not pass the markers at %d", first, marker)
	}

	s = l.start(nil)
	s.stopAt(t, head)
	st := s.prog.Stats()
	fold, _ := l.folded()
	if st.Resyncs != 1 || st.SyntheticDeletes == 0 {
		t.Fatalf("progress %+v: want one resync with synthetic deletes", st)
	}
	if _, ok := fold["b"]; ok {
		t.Fatal("b, deleted during the gap, is still in the fold")
	}
	if fold["c"] != "v2" {
		t.Fatalf("c, re-created during the gap, is %q in the fold", fold["c"])
	}
	if want := l.scan(); !maps.Equal(fold, want) {
		t.Fatalf("fold has %d keys, bucket %d", len(fold), len(want))
	}
}
