package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func connect(t *testing.T, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

func TestStandaloneRestartKeepsData(t *testing.T) {
	t.Parallel()
	s := StartT(t)
	if !s.Running() || s.URL() == "" {
		t.Fatal("server not running")
	}
	_, js := connect(t, s.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "b"})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := kv.Put(ctx, "k", []byte("v"))
	if err != nil {
		t.Fatal(err)
	}
	url := s.URL()
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.URL() != url {
		t.Fatalf("restart moved the server from %s to %s", url, s.URL())
	}
	// The old client reconnects to the same port and sees the data from the same store dir.
	e, err := waitGet(ctx, kv, "k")
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if string(e.Value()) != "v" || e.Revision() != rev {
		t.Fatalf("after restart got %q@%d, want v@%d", e.Value(), e.Revision(), rev)
	}
}

// waitGet reads key until the reconnected client gets an answer. A request written to the
// connection just before the server went down is lost (core NATS requests are at most once),
// so each attempt gets its own short deadline; waitFor is this package's polling loop.
func waitGet(ctx context.Context, kv jetstream.KeyValue, key string) (jetstream.KeyValueEntry, error) {
	var e jetstream.KeyValueEntry
	err := waitFor(20*time.Second, func() error {
		attempt, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		var err error
		e, err = kv.Get(attempt, key)
		return err
	})
	return e, err
}

func TestTwoStandaloneServersAreIndependent(t *testing.T) {
	t.Parallel()
	a, b := StartT(t), StartT(t)
	if a.URL() == b.URL() || a.StoreDir() == b.StoreDir() {
		t.Fatalf("servers share a port or a store: %s %s", a.URL(), b.URL())
	}
}

func TestClusterLeaderStepDownAndRestart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("a 3-node cluster takes seconds to form")
	}
	c := StartClusterT(t, ClusterOptions{Nodes: 3})
	names := map[string]bool{}
	for _, n := range c.Nodes() {
		names[n.Name()] = true
	}
	if len(names) != 3 {
		t.Fatalf("node names are not distinct: %v", names)
	}
	_, js := connect(t, c.URLs())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "rep", Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	leader, err := c.WaitStreamLeader("KV_rep")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte("1")); err != nil {
		t.Fatal(err)
	}

	// Step down until leadership actually moves (an election may re-elect the same node).
	moved := false
	for range 5 {
		next, err := c.StepDownStream("KV_rep")
		if err != nil {
			t.Fatal(err)
		}
		if next != leader {
			moved = true
			leader = next
			break
		}
	}
	if !moved {
		t.Fatal("stream leadership never moved after 5 step-downs")
	}

	// Stop the leader: the others elect a new one and keep serving writes.
	c.StopNode(leader)
	if _, err := c.WaitStreamLeader("KV_rep"); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte("2")); err != nil {
		t.Fatalf("write with one node down: %v", err)
	}
	// Restart it on the same store: it rejoins and catches up.
	if err := c.RestartNode(leader); err != nil {
		t.Fatal(err)
	}
	e, err := waitGet(ctx, kv, "k")
	if err != nil || string(e.Value()) != "2" {
		t.Fatalf("after restart: %v %q", err, e.Value())
	}
}
