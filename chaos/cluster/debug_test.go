package cluster

import (
	"context"
	"testing"
	"time"
)

func TestDebugHealTime(t *testing.T) {
	c := startT(t)
	ctx := context.Background()
	kv := bucketOn(t, c, 0)
	putUntilOK(t, kv, "a", "1")
	c.WaitStream(ctx, stream)
	l := c.StreamLeader(ctx, stream)
	iso := (l + 1) % 3
	if iso == 0 {
		iso = (l + 2) % 3
	}
	t.Logf("leader %d isolating %d", l, iso)
	c.PartitionPeers(iso)
	for i := range 50 {
		putUntilOK(t, kv, "a", string(rune('a'+i%26)))
	}
	time.Sleep(2 * time.Second)
	c.HealNetwork()
	start := time.Now()
	last := ""
	c.waitFor(ctx, func(ctx context.Context) error {
		err := c.readyNow(ctx)
		if err != nil && err.Error() != last {
			last = err.Error()
			t.Logf("%v: %v", time.Since(start), err)
		}
		return err
	})
	t.Logf("healed %d after %v", iso, time.Since(start))
}
