package natsstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Conn is a connection to NATS JetStream that opens key-value stores. It implements
// kv.Connection and is safe for concurrent use.
//
// Lifecycle: Connect (or FromClient) returns a healthy Conn; Close ends it for good. A closed
// Conn never reconnects — OpenBucket then returns kv.ErrNotConnected, and so does every store
// opened from it — so to reconnect, call Connect again. Between those two points nats.go
// reconnects by itself after a network failure, and Healthy follows the live state.
//
// The zero Conn (and a nil *Conn) is a connection that was never established: Healthy is
// false, OpenBucket returns kv.ErrNotConnected, and Close does nothing.
type Conn struct {
	cfg      Config
	nc       *nats.Conn
	js       jetstream.JetStream
	borrowed bool // the caller owns nc: Close does not close it

	mu     sync.RWMutex
	closed bool

	hooks hooks // test seams, copied into every store opened afterwards
}

var _ kv.Connection = (*Conn)(nil)

// FromClient wraps a connection the caller already owns. Stores can be opened at once, with
// cfg's RequestTimeout, MarkerTTL and Logger (its URL and credentials are not used: this Conn
// never dials). Close marks the Conn closed but leaves nc open; the caller closes nc. Like any
// Conn, a closed one stays closed: wrap nc again with FromClient to continue.
func FromClient(nc *nats.Conn, cfg Config) (*Conn, error) {
	if nc == nil {
		return nil, kv.NewError("from client", "", kv.ErrNotConnected, errors.New("nil *nats.Conn")).
			WithHint(hintNilClient)
	}
	if nc.IsClosed() {
		return nil, kv.NewError("from client", "", kv.ErrNotConnected, nats.ErrConnectionClosed).
			WithHint(hintClosedClient)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, kv.NewError("from client", "", kv.ErrConnectionFailed, err).
			WithHint(hintJetStreamSetup)
	}
	return &Conn{cfg: cfg, nc: nc, js: js, borrowed: true}, nil
}

// timeout is the bound of one request.
func (c *Conn) timeout() time.Duration {
	if c == nil {
		return DefaultRequestTimeout
	}
	return c.cfg.requestTimeout()
}

func (c *Conn) floorGuardInterval() time.Duration {
	if c == nil {
		return DefaultFloorGuardInterval
	}
	return c.cfg.floorGuardInterval()
}

// Healthy reports, without blocking, whether the Conn is open and its connection to the server
// is up right now. It turns false while nats.go is reconnecting after a failure, true again
// once it has reconnected, and false for good after Close.
func (c *Conn) Healthy() bool {
	if c == nil {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return !c.closed && c.nc != nil && c.nc.IsConnected()
}

// Capabilities reports what stores on this connection can do (TTL depends on the bucket: see
// Store.Capabilities).
func (c *Conn) Capabilities() kv.Capabilities { return capabilities() }

// Store opens bucket cfg.Name as a kv.Store; it is OpenBucket behind the kv.Connection
// interface. The concrete *Store also implements kv.Writer, kv.Purger, kv.TTL and kv.Watcher.
func (c *Conn) Store(ctx context.Context, cfg kv.StoreConfig) (kv.Store, error) {
	s, err := c.OpenBucket(ctx, cfg)
	if err != nil {
		return nil, err // a nil interface, not a typed nil
	}
	return s, nil
}

// Close ends the Conn: it closes the nats connection unless it was borrowed with FromClient,
// and every store opened from it fails with kv.ErrNotConnected from then on. Closing twice is
// harmless. Close does not wait for an OpenBucket in progress; that call then fails.
func (c *Conn) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if !c.borrowed && c.nc != nil {
		c.nc.Close()
	}
	return nil
}

// String describes the connection without credentials.
func (c *Conn) String() string {
	if c == nil {
		return "natsstore.Conn{state: never connected}"
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	state := "never connected"
	switch {
	case c.closed:
		state = "closed"
	case c.nc != nil:
		state = c.nc.Status().String()
	}
	own := ""
	if c.borrowed {
		own = ", borrowed"
	}
	return fmt.Sprintf("natsstore.Conn{url: %q, state: %s%s}", RedactURL(c.cfg.URL), state, own)
}

// handles returns the nats connection and JetStream context for one operation, or
// kv.ErrNotConnected if the Conn was never connected or is closed. They are copied out of the
// lock, so a long operation never blocks Close.
func (c *Conn) handles(op, key string) (*nats.Conn, jetstream.JetStream, error) {
	if c == nil {
		return nil, nil, neverConnected(op, key)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, nil, notConnected(op, key)
	}
	if c.nc == nil || c.js == nil {
		return nil, nil, neverConnected(op, key)
	}
	return c.nc, c.js, nil
}

// isClosed reports whether Close has been called; stores check it before every call.
func (c *Conn) isClosed() bool {
	if c == nil {
		return true
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.closed
}

// logger returns the configured logger, or one that discards everything.
func (c *Conn) logger() *slog.Logger {
	if c == nil {
		return loggerOf(Config{})
	}
	return loggerOf(c.cfg)
}

func loggerOf(cfg Config) *slog.Logger {
	if cfg.Logger != nil {
		return cfg.Logger
	}
	return slog.New(slog.DiscardHandler)
}
