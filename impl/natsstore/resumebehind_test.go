package natsstore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
	"github.com/slipstream-go/slipstream/protocol"
)

// A fold stopped at cursor C on a history-1 bucket while every key is overwritten twice (the
// last write of one key a delete): the first sequence passes C+1 by supersession alone. Without
// a stream limit the resume from C goes on (no kv.ErrCursorExpired), delivers only the tail (one
// record per key: each first overwrite was itself superseded), and the fold ends equal to the
// bucket without the deleted key; the resume is logged and counted. The same holds on a bucket
// of kv.StoreConfig's defaults, whose 10 MiB cap under the discard-new policy refuses writes
// rather than remove records. With MaxMsgs under discard-old set, the same cursor expires.
func TestResumeBehindFirstSeqWhereOnlySupersessionEvicts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		maxBytes int64 // kv.StoreConfig.MaxBytes: -1 unlimited, 0 the default cap
		limit    bool  // MaxMsgs under discard-old added before the resume
	}{
		{"no limit", -1, false},
		{"default cap, discard new", 0, false},
		{"MaxMsgs, discard old", -1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var logs logBuffer
			srv := embedded.StartT(t)
			d := openTestBucket(t, srv, Config{URL: srv.URL(), Logger: logs.logger()}, "behind", func(sc *kv.StoreConfig) {
				sc.MaxHistory, sc.MaxBytes, sc.Storage = 1, c.maxBytes, kv.StorageMemory
			})
			cfg := d.streamInfo().Config
			wantBytes := int64(-1)
			if c.maxBytes == 0 {
				wantBytes = kv.DefaultMaxBytes
			}
			if cfg.MaxBytes != wantBytes || cfg.Discard != jetstream.DiscardNew || cfg.MaxMsgs > 0 || cfg.MaxAge > 0 || cfg.MaxMsgsPerSubject != 1 {
				t.Fatalf("setup: want a history-1 bucket, MaxBytes %d, discard new and no other limit, got %+v", wantBytes, cfg)
			}
			if c.limit {
				d.setMaxMsgs(1 << 20) // far above what the test writes: it could evict, so it counts
			}
			const keys = 10
			f := fold{}
			for i := range keys {
				k := fmt.Sprintf("k.%d", i)
				f.apply(kv.Update{Op: kv.OpPut, Key: k, Value: []byte("v0"), Version: d.put(k, "v0")})
			}
			cursor := d.streamInfo().State.LastSeq
			for round := 1; round <= 2; round++ {
				for i := range keys {
					k := fmt.Sprintf("k.%d", i)
					if round == 2 && i == 3 {
						d.del(k)
						continue
					}
					d.put(k, fmt.Sprintf("v%d", round))
				}
			}
			st := d.streamInfo().State
			if protocol.ResumeWindowOK(cursor, st.FirstSeq) || st.LastSeq != cursor+2*keys {
				t.Fatalf("setup: first sequence %d, last %d; want first past cursor %d + 1 and %d writes after it", st.FirstSeq, st.LastSeq, cursor, 2*keys)
			}

			w := d.startWatch(kv.All(), kv.CursorFromUint64(cursor))
			if c.limit {
				mustKind(t, w.result(t, 10*time.Second), kv.ErrCursorExpired, "resume behind the first sequence on a stream with MaxMsgs")
				if n := d.store.ResumesBehindFirstSeq(); n != 0 {
					t.Fatalf("an expired resume was counted as accepted behind the first sequence (%d)", n)
				}
				return
			}
			delivered := 0
			for {
				u := w.next(t)
				delivered++
				f.apply(u)
				if rev(t, u.Version) == st.LastSeq {
					break
				}
			}
			if delivered != int(st.Msgs) || delivered != keys {
				t.Fatalf("delivered %d updates, want the tail only: the %d records the stream holds (one per key), not the %d writes after the cursor", delivered, st.Msgs, 2*keys)
			}
			if diff, err := f.diff(testCtx(t), d.store, ""); err != nil || diff != "[]" {
				t.Fatalf("fold against the bucket: %s %v", diff, err)
			}
			if _, ok := f["k.3"]; ok {
				t.Fatal("the fold keeps k.3, deleted after the cursor")
			}
			if n := d.store.ResumesBehindFirstSeq(); n != 1 {
				t.Fatalf("ResumesBehindFirstSeq = %d, want 1", n)
			}
			line := fmt.Sprintf("cursor=%d first_seq=%d", cursor, st.FirstSeq)
			if l := logs.String(); !strings.Contains(l, "level=INFO") || !strings.Contains(l, "resume behind the first sequence accepted") || !strings.Contains(l, line) {
				t.Fatalf("no Info line for the accepted resume with %q:\n%s", line, l)
			}
			w.none(t, 200*time.Millisecond)
			w.cancel()
			if err := w.result(t, 10*time.Second); err != nil {
				t.Fatalf("watch ended with %v after its context was cancelled", err)
			}
		})
	}
}
