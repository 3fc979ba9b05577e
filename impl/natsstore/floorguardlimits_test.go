package natsstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// publishKeys writes keys[i] to the bucket's stream at full speed, as a delete marker where del
// reports so, and waits for every acknowledgement.
func (d *bucketFixture) publishKeys(bucket string, keys []string, val string, del func(i int) bool) {
	d.t.Helper()
	for i, k := range keys {
		if i%watchBatch == watchBatch-1 { // stay under the client's limit of async publishes in flight
			<-d.js.PublishAsyncComplete()
		}
		m := nats.NewMsg("$KV." + bucket + "." + k)
		if del(i) {
			m.Header.Set("KV-Operation", "DEL")
		} else {
			m.Data = []byte(val)
		}
		if _, err := d.js.PublishMsgAsync(m); err != nil {
			d.t.Fatal(err)
		}
	}
	select {
	case <-d.js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		d.t.Fatal("publishing did not complete")
	}
}

// setMaxMsgs gives the bucket's stream a message limit under the discard-old policy, the one
// that removes the oldest records (far above what the test writes: it evicts nothing itself, but
// it could, so the floor guard must stay on).
func (d *bucketFixture) setMaxMsgs(n int64) {
	d.t.Helper()
	st, err := d.js.Stream(testCtx(d.t), d.store.stream)
	if err != nil {
		d.t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxMsgs, cfg.Discard = n, jetstream.DiscardOld
	if _, err := d.js.UpdateStream(testCtx(d.t), cfg); err != nil {
		d.t.Fatalf("set MaxMsgs: %v", err)
	}
}

// A watch held behind (its caller does not receive) on a history-1 bucket while every key it has
// not delivered, and the ones before its frontier, are overwritten: the stream's first sequence
// passes the frontier by supersession alone. Without a stream limit nothing lost can be a key's
// latest record, so the watch does not trip and the fold of what it delivers ends equal to the
// bucket. With a message limit, set before the watch or while it runs, the same run trips.
func TestFloorGuardSkipsTheTripWhereOnlySupersessionEvicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                 string
		before, during, trip bool
	}{
		{name: "no limits"},
		{name: "MaxMsgs before the watch", before: true, trip: true},
		{name: "MaxMsgs added while the watch runs", during: true, trip: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const bucket = "lag"
			d := newTestBucket(t, bucket, func(c *kv.StoreConfig) {
				c.MaxHistory, c.MaxBytes, c.Storage = 1, -1, kv.StorageMemory
			})
			if cfg := d.streamInfo().Config; cfg.MaxBytes > 0 || cfg.MaxMsgs > 0 || cfg.MaxAge > 0 || cfg.MaxMsgsPerSubject != 1 {
				t.Fatalf("setup: the bucket has limits: %+v", cfg)
			}
			f := fold{}
			var seeds []string
			for i := range 10 {
				k := fmt.Sprintf("seed.%d", i)
				seeds = append(seeds, k)
				f.apply(kv.Update{Op: kv.OpPut, Key: k, Value: []byte("v"), Version: d.put(k, "v")})
			}
			if tc.before {
				d.setMaxMsgs(1 << 20)
			}
			cursor := d.streamInfo().State.LastSeq
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := make(chan kv.Update) // unbuffered, and not read yet: the watch is held behind
			done := make(chan error, 1)
			held, hook := signal()
			d.store.hooks.beforeSend = hook
			go func() { done <- d.store.Watch(ctx, kv.All(), kv.CursorFromUint64(cursor), out) }()
			live := make([]string, 3*watchBatch) // more than the client buffers
			for i := range live {
				live[i] = fmt.Sprintf("live.%d", i)
			}
			d.publishKeys(bucket, live, "a", func(int) bool { return false })
			waitSignal(t, held, 10*time.Second, "the watch holds an update its caller does not take")
			if tc.during {
				d.setMaxMsgs(1 << 20)
			}
			// Overwrite every key, some with delete markers: each write evicts its key's
			// previous record, the seeds first, so the first sequence moves past all of them.
			d.publishKeys(bucket, append(seeds, live...), "b", func(i int) bool { return i%7 == 3 })
			st := d.streamInfo().State
			if st.FirstSeq <= cursor+2*watchBatch {
				t.Fatalf("setup: first sequence %d has not passed the frontier (cursor %d, nothing taken) by more than a pull batch", st.FirstSeq, cursor)
			}
			for {
				select {
				case u := <-out:
					f.apply(u)
					if rev(t, u.Version) < st.LastSeq {
						continue
					}
					if tc.trip {
						t.Fatalf("delivered up to the head (%d) on a stream with a limit: the guard did not trip", st.LastSeq)
					}
					if diff, err := f.diff(testCtx(t), d.store, ""); err != nil || diff != "[]" {
						t.Fatalf("fold against the bucket: %s %v", diff, err)
					}
					select {
					case err := <-done:
						t.Fatalf("the watch ended after catching up: %v", err)
					default:
					}
					return
				case err := <-done:
					if !tc.trip {
						t.Fatalf("the watch ended on a stream without limits: %v", err)
					}
					if !isTrip(err) {
						t.Fatalf("the watch ended with %v, want the floor-guard trip", err)
					}
					return
				case <-time.After(10 * time.Second):
					t.Fatal("the watch neither delivered nor ended")
				}
			}
		})
	}
}
