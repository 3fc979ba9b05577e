package pebble

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// eventually polls cond until it holds, failing the test after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Every batch rewrites all keys at one revision, so each Range through a Reader, being one
// Pebble iterator, sees all keys at the same revision: a batch never shows in part.
func TestReaderSeesWholeBatchesWhileApplying(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	defer mustClose(t, s)
	const keys, batches = 10, 200
	r := s.Reader()
	done := make(chan struct{})
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			var revs []uint64
			for e, err := range r.Range("k") {
				if err != nil {
					errs <- err
					return
				}
				rev, _ := e.Version.Uint64()
				revs = append(revs, rev)
			}
			torn := len(revs) != 0 && len(revs) != keys
			for _, rev := range revs {
				torn = torn || rev != revs[0]
			}
			if torn {
				errs <- fmt.Errorf("one Range saw revisions %v: a batch showed in part", revs)
				return
			}
			if _, _, err := r.Get("k0"); err != nil {
				errs <- err
				return
			}
		}
	})
	for rev := uint64(1); rev <= batches; rev++ {
		var b []kv.Update
		for k := range keys {
			b = append(b, put(fmt.Sprintf("k%d", k), "v", rev))
		}
		if err := s.Apply(b, kv.CursorFromUint64(rev)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
}

// Close waits for a Range in progress, which ends at its next step with ErrClosed; calls made
// from inside the loop meanwhile fail fast instead of deadlocking.
func TestCloseEndsARangeInProgress(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	fold(t, s, fixture())
	inLoop, release := make(chan struct{}), make(chan struct{})
	type step struct {
		key string
		err error
	}
	steps := make(chan []step, 1)
	go func() {
		var seen []step
		for e, err := range s.Range("") {
			seen = append(seen, step{e.Key, err})
			if len(seen) == 1 {
				close(inLoop)
				<-release
				_, _, gerr := s.Get("node.a")
				seen = append(seen, step{"get", gerr})
			}
		}
		steps <- seen
	}()
	<-inLoop
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	eventually(t, "Close has begun", s.gate.closing.Load)
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v while a Range was still running", err)
	default:
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	seen := <-steps
	if len(seen) != 3 || seen[0].key != "node.a" || seen[0].err != nil ||
		!errors.Is(seen[1].err, snapshot.ErrClosed) || !errors.Is(seen[2].err, snapshot.ErrClosed) {
		t.Fatalf("the Range went %+v; want node.a, a Get failing with ErrClosed, then ErrClosed", seen)
	}
}
