package cluster

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/chaos/node"
)

func TestMain(m *testing.M) {
	node.MaybeRun()
	os.Exit(m.Run())
}

const bucket = "t"
const stream = "KV_" + bucket

func startT(t *testing.T) *Cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a 3-process cluster")
	}
	c, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// bucketOn connects through node home's client proxy and opens an R3 bucket.
func bucketOn(t *testing.T, c *Cluster, home int) jetstream.KeyValue {
	t.Helper()
	nc, err := nats.Connect(c.ClientURLs(home), nats.DontRandomize(), nats.IgnoreDiscoveredServers(),
		nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond),
		// A blackholed connection is only noticed by missing pongs.
		nats.PingInterval(250*time.Millisecond), nats.MaxPingsOutstanding(2))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Right after the cluster forms, the meta leader may not yet count every peer and refuses
	// three replicas ("no suitable peers for placement"): retry until it places them.
	for {
		kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, Replicas: 3})
		if err == nil {
			return kv
		}
		select {
		case <-ctx.Done():
			t.Fatalf("create an R3 bucket: %v", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, limit time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %v: %v", what, limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// putUntilOK writes until a write succeeds (the first writes after a fault may time out).
func putUntilOK(t *testing.T, kv jetstream.KeyValue, key, val string) uint64 {
	t.Helper()
	var rev uint64
	eventually(t, 60*time.Second, "put "+key, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var err error
		rev, err = kv.Put(ctx, key, []byte(val))
		return err
	})
	return rev
}

// A partition really cuts traffic: the isolated node loses its routes, does not receive a write
// the majority commits, and catches up after the heal.
func TestPartitionCutsRouteTraffic(t *testing.T) {
	c := startT(t)
	ctx := context.Background()
	kv := bucketOn(t, c, 0)
	putUntilOK(t, kv, "a", "1")
	if err := c.WaitStream(ctx, stream); err != nil {
		t.Fatal(err)
	}
	const isolated = 2
	if err := c.PartitionPeers(isolated); err != nil {
		t.Fatal(err)
	}
	before, err := c.Stream(ctx, isolated, stream)
	if err != nil {
		t.Fatal(err)
	}
	// The majority (n1, n2) still commits; the client is homed on n1.
	rev := putUntilOK(t, kv, "a", "2")
	if rev <= before.LastSeq {
		t.Fatalf("write during partition got rev %d, isolated node was already at %d", rev, before.LastSeq)
	}
	eventually(t, 30*time.Second, "majority holds the write", func() error {
		for _, i := range []int{0, 1} {
			if v, err := c.Stream(ctx, i, stream); err != nil || v.LastSeq < rev {
				return fmt.Errorf("n%d at %d (%v), want %d", i+1, v.LastSeq, err, rev)
			}
		}
		return nil
	})
	v, err := c.Stream(ctx, isolated, stream)
	if err != nil {
		t.Fatal(err)
	}
	if v.LastSeq >= rev {
		t.Fatalf("isolated node received seq %d through the partition", v.LastSeq)
	}
	if err := c.HealNetwork(); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := c.WaitStream(cctx, stream); err != nil {
		t.Fatal(err)
	}
}

// A client partition cuts the clients of one node off: a client homed there fails over to
// another node's proxy and keeps writing.
func TestClientPartitionFailsOver(t *testing.T) {
	c := startT(t)
	kv := bucketOn(t, c, 1)
	putUntilOK(t, kv, "a", "1")
	if err := c.PartitionClients(1); err != nil {
		t.Fatal(err)
	}
	putUntilOK(t, kv, "a", "2")
	if err := c.HealNetwork(); err != nil {
		t.Fatal(err)
	}
}

// A crashed node comes back on its store dir and converges; a paused node stops answering and
// resumes; a stepped-down leader is replaced.
func TestCrashPauseStopAndStepDown(t *testing.T) {
	c := startT(t)
	ctx := context.Background()
	kv := bucketOn(t, c, 0)
	putUntilOK(t, kv, "a", "1")
	wait := func() {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		if err := c.WaitStream(cctx, stream); err != nil {
			t.Fatal(err)
		}
	}
	wait()
	if err := c.Crash(2); err != nil {
		t.Fatal(err)
	}
	if c.Node(2).Running() {
		t.Fatal("crashed node still running")
	}
	putUntilOK(t, kv, "a", "2")
	if err := c.Restart(2); err != nil {
		t.Fatal(err)
	}
	wait()

	if err := c.Pause(1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Routes(ctx, 1); err == nil {
		t.Fatal("paused node answered its monitoring port")
	}
	if err := c.Resume(1); err != nil {
		t.Fatal(err)
	}
	wait()

	if err := c.Stop(0); err != nil {
		t.Fatal(err)
	}
	putUntilOK(t, kv, "a", "3") // the client fails over from n1
	if err := c.Restart(0); err != nil {
		t.Fatal(err)
	}
	wait()

	old := c.StreamLeader(ctx, stream)
	if err := c.StepDown(ctx, stream); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "a new leader", func() error {
		if l := c.StreamLeader(ctx, stream); l < 0 || l == old {
			return fmt.Errorf("leader %d (old %d)", l, old)
		}
		return nil
	})
}
