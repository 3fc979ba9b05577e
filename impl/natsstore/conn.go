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

// Connect dials the server described by cfg, authenticates with the first credential set
// (Creds, CredsFile, NKeySeedFile, URL userinfo; see Config) and returns a healthy connection
// that reconnects by itself after network failures until Close.
//
// Connect is bounded by ctx and by cfg.ConnectTimeout. Every failure — bad credentials
// configuration, unreachable server, rejected authentication, TLS failure, deadline — matches
// kv.ErrConnectionFailed; a deadline or cancellation also matches ctx.Err(). No error and no
// log line contains a credential or a credential file path.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	log := loggerOf(cfg)
	a, err := cfg.auth()
	if err != nil {
		log.Warn("nats connect: invalid credentials configuration", "config", cfg, "err", err)
		return nil, err
	}
	if a.ignored != "" {
		log.Warn("nats connect: some credentials are set but not used", "ignored", a.ignored, "using", a.method)
	}
	timeout := cfg.connectTimeout()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dialTimeout := timeout
	if dl, ok := cctx.Deadline(); ok {
		dialTimeout = max(min(dialTimeout, time.Until(dl)), time.Millisecond)
	}

	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.Timeout(dialTimeout),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats connection lost; reconnecting", "url", RedactURL(cfg.URL), "err", a.secrets.scrubErr(err))
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats connection re-established", "url", nc.ConnectedUrlRedacted())
		}),
		nats.ClosedHandler(func(*nats.Conn) {
			log.Debug("nats connection closed", "url", RedactURL(cfg.URL))
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("nats asynchronous error", "err", a.secrets.scrubErr(err))
		}),
	}
	opts = append(opts, a.opts...)
	if cfg.TLS != nil {
		opts = append(opts, nats.Secure(cfg.TLS))
	}

	type dialed struct {
		nc  *nats.Conn
		err error
	}
	done := make(chan dialed, 1)
	go func() {
		nc, err := nats.Connect(a.dialURL, opts...)
		done <- dialed{nc, err}
	}()
	var nc *nats.Conn
	select {
	case d := <-done:
		if d.err != nil {
			err := kv.NewError("connect", "", kv.ErrConnectionFailed, a.secrets.scrubErr(d.err)).
				WithHint(dialHint(d.err, cfg))
			log.Warn("nats connect failed", "config", cfg, "auth", a.method, "err", err)
			return nil, err
		}
		nc = d.nc
	case <-cctx.Done():
		go func() { // the dial may still succeed: do not leak it
			if d := <-done; d.nc != nil {
				d.nc.Close()
			}
		}()
		err := kv.NewError("connect", "", kv.ErrConnectionFailed, cctx.Err()).
			WithHint(fmt.Sprintf("no connection to %s within %v; check the URL, the network and Config.ConnectTimeout",
				RedactURL(a.dialURL), timeout))
		log.Warn("nats connect timed out", "config", cfg, "err", err)
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, kv.NewError("connect", "", kv.ErrConnectionFailed, a.secrets.scrubErr(err)).
			WithHint(hintJetStreamSetup)
	}
	log.Debug("nats connected", "url", nc.ConnectedUrlRedacted(), "auth", a.method)
	return &Conn{cfg: cfg, nc: nc, js: js}, nil
}

// dialHint says what to do about a failed dial. The package's own credential failures are
// recognised by type (credentialError from the callbacks nats.go runs while connecting, a
// kv.ErrConnectionFailed from parsing a creds file), nats.go's by its sentinels.
func dialHint(err error, cfg Config) string {
	var cred *credentialError
	switch {
	case errors.Is(err, nats.ErrAuthorization), errors.Is(err, nats.ErrAuthExpired),
		errors.Is(err, nats.ErrAuthRevoked), errors.Is(err, nats.ErrAccountAuthExpired):
		return hintAuthRejected
	case errors.As(err, &cred), errors.Is(err, kv.ErrConnectionFailed):
		return hintCredentials
	case errors.Is(err, nats.ErrNoServers):
		return fmt.Sprintf("no server answered at %s; check the URL and that the server is running", RedactURL(cfg.URL))
	case errors.Is(err, nats.ErrSecureConnRequired), errors.Is(err, nats.ErrSecureConnWanted):
		return hintTLSMismatch
	case cfg.TLS != nil:
		return hintTLSCheck
	default:
		return fmt.Sprintf("check that a NATS server is reachable at %s", RedactURL(cfg.URL))
	}
}

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
