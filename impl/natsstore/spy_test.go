package natsstore

import (
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/slipstream-go/slipstream/internal/embedded"
)

// apiSpy records every message published on subject (as seen by a separate connection).
type apiSpy struct {
	mu   sync.Mutex
	msgs []*nats.Msg // every message taken from sub so far
	nc   *nats.Conn
	sub  *nats.Subscription
}

// spyOn subscribes a separate connection to subject. The subscription is synchronous: the
// client's reader queues each message on it as it reads it, so a message read before a flush's
// reply is queued by the time the flush returns (a callback subscription may not have run its
// callback yet, and a spy built on one missed messages under load).
func spyOn(t *testing.T, srv *embedded.Server, subject string) *apiSpy {
	t.Helper()
	nc, _ := rawClient(t, srv)
	sub, err := nc.SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return &apiSpy{nc: nc, sub: sub}
}

// seen returns what the spy saw of everything publisher sent before the call: publisher's
// flush returns once the server has processed its messages (and queued them to the spy), and
// the spy's own flush returns once those have reached it and are queued on its subscription.
func (sp *apiSpy) seen(t *testing.T, publisher *nats.Conn) []*nats.Msg {
	t.Helper()
	if publisher != nil && publisher.IsConnected() {
		if err := publisher.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	queued, _, err := sp.sub.Pending()
	if err != nil {
		t.Fatal(err)
	}
	for range queued {
		m, err := sp.sub.NextMsg(time.Second) // queued already: it returns at once
		if err != nil {
			t.Fatalf("spy: a queued message: %v", err)
		}
		sp.msgs = append(sp.msgs, m)
	}
	return append([]*nats.Msg(nil), sp.msgs...)
}
