package applied

import (
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// A watch that fails in the middle of a state-sync's snapshot is started again in place, after
// the last update the loop took, and the fold still ends equal to the bucket: the keys the
// snapshot had not reached, the deletes among them, and the writes made after the failure. The
// loop is held on its first batch, so the watch stops in the snapshot with the channel full,
// and the server is stopped and restarted under it there: 4,000 keys are more than the loop's
// batch, the channel and the consumer's pull buffer hold together (about 2,400), so the
// consumer still has snapshot records to deliver when the server goes.
func TestWatchRestartsMidSnapshot(t *testing.T) {
	l := newLive(t, kv.StoreConfig{Name: "midsnap"})
	l.tweak = func(c *Config[string]) { c.WatchRetry = restartRetry }
	l.writeBatch("before", 4000)
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := l.start(func([]string) error {
		once.Do(func() {
			close(held)
			<-release
		})
		return nil
	})
	select {
	case <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("the first batch never reached Apply")
	}
	l.srv.Stop()
	if err := l.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	close(release)
	head := l.writeBatch("after", 20)
	s.keptGoingTo(t, 40*time.Second, head)
	if st := s.prog.Stats(); st.WatchRestarts == 0 || st.Resyncs != 0 {
		t.Fatalf("stats %+v: want a restart in place and no resync", st)
	}
	l.requireFoldIsBucket(head)
}
