package applied

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Retention overrunning a stalled watch trips the floor guard before the evicted delete reaches
// the fold, on every scope (on the filtered ones the stream also holds keys out of scope, so the
// watch sees sparse revisions): Run does not stop, it takes the resync path itself (a live
// consumer lagging behind retention heals rather than dies), logs why, and the fold ends equal
// to the bucket in scope.
func TestFloorGuardTripResyncsInPlace(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scope kv.Scope
	}{
		{"All", kv.All()},
		{"Prefix", kv.Prefix("app")},
		{"Prefixes", kv.Prefixes("app", "cfg")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := "overrun" + strings.ToLower(tc.name)
			l := newLive(t, kv.StoreConfig{Name: bucket, MaxBytes: 64 << 20, Discard: kv.DiscardOld}) // a cap that evicts: the purge below stands for it
			l.scope = tc.scope
			for i := range 10 {
				l.put(fmt.Sprintf("app.seed.%d", i), "v")
				l.put(fmt.Sprintf("other.seed.%d", i), "v")
			}
			head := l.put("app.victim", "v")
			s := l.start(nil)
			s.stopAt(t, head)

			gate, stalled := make(chan struct{}), make(chan struct{})
			first := true
			s = l.start(func([]string) error {
				if first {
					first = false
					close(stalled)
					<-gate
				}
				return nil
			})
			// Alternating in scope and out of it; the last write is in scope. The marker comes
			// after 1500 in-scope writes, more than the stalled watch buffers and admits (its
			// channel plus one pull batch), so only the eviction can hide it from the watch.
			const burst = 6000
			for i := range burst {
				subj := fmt.Sprintf("$KV.%s.other.live.%d", bucket, i)
				if i%2 == 1 {
					subj = fmt.Sprintf("$KV.%s.app.live.%d", bucket, i)
				}
				if i == burst/2 {
					marker := &nats.Msg{Subject: "$KV." + bucket + ".app.victim", Header: nats.Header{"KV-Operation": []string{"DEL"}}}
					if _, err := l.js.PublishMsgAsync(marker); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if _, err := l.js.PublishAsync(subj, []byte("v")); err != nil {
					t.Fatal(err)
				}
				if i%1000 == 999 { // bounded in flight: nats.go stalls past 4000 outstanding
					<-l.js.PublishAsyncComplete()
				}
				if i == 1 {
					<-l.js.PublishAsyncComplete()
					select {
					case <-stalled:
					case <-time.After(10 * time.Second):
						t.Fatal("the live watch never delivered")
					}
				}
			}
			<-l.js.PublishAsyncComplete()
			stream, err := l.js.Stream(tctx(t), "KV_"+bucket)
			if err != nil {
				t.Fatal(err)
			}
			if err := stream.Purge(tctx(t), jetstream.WithPurgeSequence(head+burst-500)); err != nil {
				t.Fatal(err) // evicts the victim's delete marker, unseen by the stalled watch
			}
			close(gate)
			// The trip does not stop Run: it resyncs by itself (deletes for the vanished keys,
			// then a state-sync watch) and reaches the head.
			s.stopAt(t, l.streamState().LastSeq)
			st := s.prog.Stats()
			if st.OverrunResyncs != 1 || st.Resyncs != 1 || st.SyntheticDeletes == 0 {
				t.Fatalf("progress %+v: want one overrun resync with synthetic deletes", st)
			}
			if !s.log.logged("applied: resyncing", "retention overran the watch") {
				t.Fatalf("the resync's reason was not logged: %v", s.log.reasons("applied: resyncing"))
			}
			fold, _ := l.folded()
			if _, ok := fold["app.victim"]; ok {
				t.Fatal("the victim, deleted while retention overran the watch, is still folded")
			}
			want := l.scan()
			if !tc.scope.IsAll() {
				maps.DeleteFunc(want, func(k, _ string) bool { return !strings.HasPrefix(k, "app.") })
			}
			if !maps.Equal(fold, want) {
				t.Fatalf("fold has %d keys, the bucket %d in scope", len(fold), len(want))
			}
		})
	}
}
