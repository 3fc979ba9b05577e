package natsstore

import (
	"errors"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// FromClient wraps a caller's connection: healthy at once, and its stores work; a nil or
// closed connection is refused.
func TestFromClientReusesExistingConnection(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	nc, _ := rawClient(t, srv)
	c, err := FromClient(nc, Config{RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Healthy() {
		t.Fatal("a wrapped live connection is not healthy")
	}
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "fromclient"})
	if err != nil {
		t.Fatalf("OpenBucket without Connect: %v", err)
	}
	roundTrip(t, s, "node.a", "1")

	if _, err := FromClient(nil, Config{}); !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("FromClient(nil) = %v, want ErrNotConnected", err)
	}
	closedNC, _ := rawClient(t, srv)
	closedNC.Close()
	if _, err := FromClient(closedNC, Config{}); !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("FromClient(closed) = %v, want ErrNotConnected", err)
	}
}

// A closed Conn stays closed (there is no reconnect method), OpenBucket returns ErrNotConnected, and the
// caller's connection is left open.
func TestFromClientCloseLeavesCallerConnection(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t)
	nc, _ := rawClient(t, srv)
	c, err := FromClient(nc, Config{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "borrowed"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !nc.IsConnected() {
		t.Fatal("Close closed a borrowed connection")
	}
	if c.Healthy() {
		t.Fatal("a closed Conn reports healthy although its borrowed connection is up")
	}
	_, err = c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "borrowed"})
	if !errors.Is(err, kv.ErrNotConnected) {
		t.Fatalf("OpenBucket after Close = %v, want ErrNotConnected", err)
	}
	if !s.conn.isClosed() {
		t.Fatal("a store opened before Close does not see the Conn as closed")
	}
	if err := nc.Flush(); err != nil || c.Healthy() {
		t.Fatalf("a closed Conn whose borrowed connection is live reports healthy (flush: %v)", err)
	}
}
