package natsstore

import (
	"context"
	"crypto/tls"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// DefaultRequestTimeout bounds every request to the server that has no deadline of its own.
const DefaultRequestTimeout = 30 * time.Second

// Config says how to reach and authenticate to a NATS server. Its String, GoString and
// LogValue never show credentials.
type Config struct {
	// URL is the server URL, or several separated by commas. Userinfo in it (user:pass@) is
	// used for authentication and removed before dialling, so it never appears in logs.
	URL string
	// Creds is the standard-base64 encoding of a .creds file's content (JWT + NKey seed).
	// It takes priority over every other credential.
	Creds string
	// CredsFile is the path of a .creds file, used when Creds is empty.
	CredsFile string
	// NKeySeedFile is the path of an NKey seed file, used when no creds are given.
	NKeySeedFile string
	// TLS, if set, is the client TLS configuration (root CAs, client certificates).
	TLS *tls.Config
	// RequestTimeout bounds each request; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Logger receives warnings and debug lines; nil means silent.
	Logger *slog.Logger
	// Name is the client connection name shown by the server's monitoring.
	Name string
}

// Conn is a connection to NATS JetStream that opens key-value stores. It implements
// kv.Connection. Close ends it; stores opened earlier then fail with kv.ErrNotConnected.
type Conn struct {
	cfg      Config
	nc       *nats.Conn
	js       jetstream.JetStream
	borrowed bool // the caller owns nc: Close does not close it

	mu     sync.RWMutex
	closed bool
}

// Connect dials the server described by cfg and returns a healthy connection.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	// Minimal path; credentials, health tracking and the bucket fallbacks are being built.
	nc, err := nats.Connect(cfg.URL, nats.MaxReconnects(-1))
	if err != nil {
		return nil, kv.NewError("connect", "", kv.ErrConnectionFailed, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, kv.NewError("connect", "", kv.ErrConnectionFailed, err)
	}
	return &Conn{cfg: cfg, nc: nc, js: js}, nil
}

func (c *Conn) timeout() time.Duration {
	if c.cfg.RequestTimeout > 0 {
		return c.cfg.RequestTimeout
	}
	return DefaultRequestTimeout
}

// Healthy reports whether the connection is open and connected right now. It does not block.
func (c *Conn) Healthy() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return !c.closed && c.nc != nil && c.nc.IsConnected()
}

// Capabilities reports what stores on this connection can do (TTL depends on the bucket: see
// Store.Capabilities).
func (c *Conn) Capabilities() kv.Capabilities { return capabilities() }

// Close ends the connection (unless it was borrowed with FromClient, in which case the caller
// keeps owning it). Closing twice is harmless.
func (c *Conn) Close() error {
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

// OpenBucket opens bucket cfg.Name, creating it with cfg if it does not exist, and returns the
// concrete store (which also implements Writer, Purger, TTL and Watcher). An existing bucket is
// returned as it is: cfg applies only at creation.
func (c *Conn) OpenBucket(ctx context.Context, cfg kv.StoreConfig) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c.mu.RLock()
	closed, js := c.closed, c.js
	c.mu.RUnlock()
	if closed || js == nil {
		return nil, kv.NewError("open bucket", cfg.Name, kv.ErrNotConnected, nil)
	}
	cfg = cfg.WithDefaults()
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	b, err := js.KeyValue(ctx, cfg.Name)
	if err != nil {
		b, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:   cfg.Name,
			History:  uint8(cfg.MaxHistory),
			TTL:      cfg.MaxAge,
			MaxBytes: cfg.MaxBytes,
			Replicas: cfg.Replicas,
		})
		if err != nil {
			return nil, kv.NewError("open bucket", cfg.Name, kv.ErrConnectionFailed, err)
		}
	}
	st, err := js.Stream(ctx, "KV_"+cfg.Name)
	if err != nil {
		return nil, kv.NewError("open bucket", cfg.Name, kv.ErrConnectionFailed, err)
	}
	return newStore(c, js, b, st.CachedInfo()), nil
}

// isClosed reports whether Close has been called; stores check it before every call.
func (c *Conn) isClosed() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.closed
}

// logger returns the configured logger, or one that discards everything.
func (c *Conn) logger() *slog.Logger {
	if c.cfg.Logger != nil {
		return c.cfg.Logger
	}
	return slog.New(slog.DiscardHandler)
}
