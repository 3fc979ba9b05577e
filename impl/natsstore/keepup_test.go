package natsstore

import (
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// keepUpWrites is the churn of TestKeepingUpNeverTrips: 100,000 writes (about 30 s), or
// 10,000 with -short or under the race detector (make test), where 100,000 take 90 s.
func keepUpWrites() int {
	if testing.Short() || raceEnabled {
		return 10_000
	}
	return 100_000
}

// Watches of every scope, resumed and state-sync, whose readers keep up with steady churn on a
// discard-old bucket that evicts all the time, never trip; each ends with its fold equal to
// the bucket's state in its scope.
func TestKeepingUpNeverTrips(t *testing.T) {
	t.Parallel()
	const bucket = "keepup"
	d := newTestBucket(t, bucket, func(c *kv.StoreConfig) {
		c.Discard, c.Storage, c.MaxBytes = kv.DiscardOld, kv.StorageMemory, 256<<10 // about 6,000 records
	})
	log := &writeLog{d: d, bucket: bucket}
	log.publish(300, "s")
	cursor := kv.CursorFromUint64(d.streamInfo().State.LastSeq)
	type reader struct {
		name string
		in   func(string) bool
		w    *watchRun
		fold map[string]string
		last uint64
	}
	var readers []*reader
	for _, sc := range []struct {
		name string
		sc   kv.Scope
		in   func(string) bool
	}{
		{"All", kv.All(), func(string) bool { return true }},
		{"Prefix", kv.Prefix("p"), func(k string) bool { return strings.HasPrefix(k, "p.") }},
		{"Prefixes", kv.Prefixes("p", "q"), func(k string) bool { return strings.HasPrefix(k, "p.") || strings.HasPrefix(k, "q.") }},
	} {
		for _, from := range []kv.Cursor{cursor, {}} {
			r := &reader{name: sc.name, in: sc.in, w: d.startWatch(sc.sc, from), fold: map[string]string{}}
			if !from.IsZero() {
				r.name += "/resumed"
				maps.Copy(r.fold, log.stateAt(mustU64(from), sc.in))
			} else {
				r.name += "/state-sync"
			}
			readers = append(readers, r)
		}
	}
	var mu sync.Mutex // guards every reader's last
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, r := range readers {
		wg.Go(func() {
			for {
				select {
				case u := <-r.w.ch:
					apply(r.fold, u)
					mu.Lock()
					r.last = rev(t, u.Version)
					mu.Unlock()
				case <-stop:
					return
				}
			}
		})
	}
	// catchUp waits until every reader has delivered the last write in its scope among the
	// first upto writes of the log; a watch that ended fails the test.
	catchUp := func(upto int) {
		for _, r := range readers {
			var want uint64
			for _, w := range log.writes[:upto] {
				if r.in(w.key) {
					want = w.rev
				}
			}
			eventually(t, 30*time.Second, r.name+" delivers the last write in its scope", func() bool {
				select {
				case err := <-r.w.done:
					r.w.done <- err
					t.Fatalf("%s ended while keeping up: %v", r.name, err)
				default:
				}
				mu.Lock()
				defer mu.Unlock()
				return r.last >= want
			})
		}
	}
	// Steady churn that the readers keep up with: one pull batch of writes at a time, and the
	// next batch only once every reader has delivered the one before last (a lag of at most
	// two batches, against a bucket that keeps about three).
	n := keepUpWrites()
	for i := 0; i < n; i += watchBatch {
		before := len(log.writes)
		log.publish(watchBatch, "c"+strconv.Itoa(i))
		catchUp(before)
	}
	catchUp(len(log.writes))
	info := d.streamInfo().State
	if info.FirstSeq <= mustU64(cursor) {
		t.Fatalf("setup: retention evicted nothing (first sequence %d)", info.FirstSeq)
	}
	close(stop)
	wg.Wait()
	for _, r := range readers {
		if want := log.stateAt(info.LastSeq, r.in); !maps.Equal(r.fold, want) {
			t.Errorf("%s: the fold has %d keys, the bucket %d, or a value differs", r.name, len(r.fold), len(want))
		}
	}
	t.Logf("%d writes, first sequence now %d: %d watches kept up without a trip", n, info.FirstSeq, len(readers))
}

func mustU64(c kv.Cursor) uint64 {
	r, ok := c.Uint64()
	if !ok {
		panic("cursor is not a NATS revision")
	}
	return r
}
