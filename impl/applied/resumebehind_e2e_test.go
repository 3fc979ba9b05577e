package applied

import (
	"fmt"
	"maps"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A fold stopped at cursor C on a history-1 bucket while every key is overwritten twice (one
// key's last write a delete): the first sequence passes C+1 by supersession alone. Without a
// stream limit the restart resumes from C with no resync, receives only the tail (one record per
// key), and the fold ends equal to the bucket without the deleted key. With MaxMsgs set the same
// restart's cursor expires and the resync repairs the fold.
func TestResumeBehindFirstSeqNeedsNoResync(t *testing.T) {
	for _, limit := range []bool{false, true} {
		t.Run(fmt.Sprintf("limit=%v", limit), func(t *testing.T) {
			l := newLive(t, kv.StoreConfig{Name: "behind", MaxBytes: -1, Storage: kv.StorageMemory})
			if limit {
				st, err := l.js.Stream(tctx(t), "KV_behind")
				if err != nil {
					t.Fatal(err)
				}
				cfg := st.CachedInfo().Config
				// Far above what the test writes; under discard-old it could evict, so it counts.
				cfg.MaxMsgs, cfg.Discard = 1<<20, jetstream.DiscardOld
				if _, err := l.js.UpdateStream(tctx(t), cfg); err != nil {
					t.Fatal(err)
				}
			}
			const keys = 10
			var cursor uint64
			for i := range keys {
				cursor = l.put(fmt.Sprintf("k.%d", i), "v0")
			}
			s := l.start(nil)
			s.stopAt(t, cursor)
			for round := 1; round <= 2; round++ {
				for i := range keys {
					if round == 2 && i == 3 {
						l.del("k.3")
						continue
					}
					l.put(fmt.Sprintf("k.%d", i), fmt.Sprintf("v%d", round))
				}
			}
			state := l.streamState()
			if state.FirstSeq <= cursor+1 {
				t.Fatalf("setup: first sequence %d has not passed cursor %d + 1", state.FirstSeq, cursor)
			}

			s = l.start(nil)
			s.stopAt(t, state.LastSeq)
			st := s.prog.Stats()
			if limit {
				if st.Resyncs != 1 || l.bucket.ResumesBehindFirstSeq() != 0 {
					t.Fatalf("progress %+v, %d resumes behind the first sequence: want the expired cursor's resync on a stream with MaxMsgs",
						st, l.bucket.ResumesBehindFirstSeq())
				}
			} else {
				if st.Resyncs != 0 || st.Received != keys {
					t.Fatalf("progress %+v: want no resync and the tail only, %d updates (one per key), not the %d writes after the cursor",
						st, keys, 2*keys)
				}
				if n := l.bucket.ResumesBehindFirstSeq(); n != 1 {
					t.Fatalf("ResumesBehindFirstSeq = %d, want 1", n)
				}
			}
			fold, cur := l.folded()
			if _, ok := fold["k.3"]; ok {
				t.Fatal("k.3, deleted while the fold was stopped, is still folded")
			}
			if !maps.Equal(fold, l.scan()) || rev(t, cur) != state.LastSeq {
				t.Fatalf("fold at %v differs from the bucket at %d: %v", cur, state.LastSeq, fold)
			}
		})
	}
}
