package embedded

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ReadyTimeout bounds how long Start waits for a server to accept connections.
const ReadyTimeout = 20 * time.Second

// Options tunes a single node. The zero value is a loopback JetStream server on a free port
// with its store in a fresh temporary directory.
type Options struct {
	// StoreDir holds the JetStream store. Empty: a new temporary directory, removed by Shutdown.
	StoreDir string
	// Port is the client port. 0 picks a free loopback port (kept across Restart).
	Port int
	// MaxPayload overrides the server's maximum message size (default 1 MiB).
	MaxPayload int32
	// Configure, if set, edits the server options just before the server is created (for
	// accounts, TLS or limits a test needs).
	Configure func(*server.Options)
}

// Server is one running (or stopped) in-process nats-server.
type Server struct {
	opts    Options
	ownDir  bool
	port    int
	srv     *server.Server
	name    string
	cluster *clusterSpec // nil for a standalone node
}

// Start starts a standalone JetStream server on loopback and waits until it accepts
// connections.
func Start(opts Options) (*Server, error) {
	s := &Server{opts: opts, name: "slipstream-embedded"}
	if s.opts.StoreDir == "" {
		dir, err := os.MkdirTemp("", "slipstream-nats-")
		if err != nil {
			return nil, fmt.Errorf("embedded: create store dir: %w", err)
		}
		s.opts.StoreDir, s.ownDir = dir, true
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		s.port = opts.Port
		if s.port == 0 {
			if s.port, err = FreePort(); err != nil {
				break
			}
		}
		if err = s.start(); err == nil || opts.Port != 0 {
			break
		}
	}
	if err != nil {
		s.cleanup()
		return nil, err
	}
	return s, nil
}

// StartT starts a standalone server for a test (store in t.TempDir) and shuts it down in
// t.Cleanup. It fails the test if the server cannot start.
func StartT(t testing.TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.StoreDir == "" {
		o.StoreDir = t.TempDir()
	}
	s, err := Start(o)
	if err != nil {
		t.Fatalf("embedded: %v", err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

func (s *Server) serverOptions() *server.Options {
	o := &server.Options{
		ServerName: s.name,
		Host:       "127.0.0.1",
		Port:       s.port,
		NoLog:      true,
		NoSigs:     true,
		JetStream:  true,
		StoreDir:   s.opts.StoreDir,
		// Bounded so many servers fit in one test process.
		JetStreamMaxMemory: 512 << 20,
		JetStreamMaxStore:  4 << 30,
		HTTPPort:           0,
	}
	if s.opts.MaxPayload > 0 {
		o.MaxPayload = s.opts.MaxPayload
	}
	if s.cluster != nil {
		s.cluster.apply(o, s.name)
	}
	if s.opts.Configure != nil {
		s.opts.Configure(o)
	}
	return o
}

func (s *Server) start() error {
	srv, err := server.NewServer(s.serverOptions())
	if err != nil {
		return fmt.Errorf("embedded: configure nats-server %s: %w", s.name, err)
	}
	srv.Start()
	if !srv.ReadyForConnections(ReadyTimeout) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return fmt.Errorf("embedded: nats-server %s not ready for connections within %v", s.name, ReadyTimeout)
	}
	s.srv = srv
	return nil
}

// URL returns the client URL (nats://127.0.0.1:port). It stays the same across Restart.
func (s *Server) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

// Name returns the server name (stable across restarts).
func (s *Server) Name() string { return s.name }

// StoreDir returns the JetStream store directory (kept across Restart).
func (s *Server) StoreDir() string { return s.opts.StoreDir }

// Running reports whether the server is up.
func (s *Server) Running() bool { return s.srv != nil && s.srv.Running() }

// NATS returns the underlying server (nil while stopped), for assertions on its state.
func (s *Server) NATS() *server.Server { return s.srv }

// Stop shuts the server down gracefully and waits for it, keeping its store and ports so that
// Restart brings it back with its data. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.srv == nil {
		return
	}
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	s.srv = nil
}

// Restart stops the server if it runs and starts it again on the same store dir and ports.
func (s *Server) Restart() error {
	s.Stop()
	return s.start()
}

// Shutdown stops the server and removes its store if Start created it.
func (s *Server) Shutdown() {
	s.Stop()
	s.cleanup()
}

func (s *Server) cleanup() {
	if s.ownDir {
		_ = os.RemoveAll(s.opts.StoreDir)
		s.ownDir = false
	}
}

// FreePort returns a loopback TCP port that was free a moment ago, drawn at random below
// Linux's ephemeral range (32768+) so that a port kept for a restart is not taken by an outgoing
// connection in the meantime, and so that test processes running side by side rarely collide.
func FreePort() (int, error) {
	for range 256 {
		p := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err == nil {
			_ = l.Close()
			return p, nil
		}
	}
	return 0, errors.New("embedded: no free loopback port in 20000-31999")
}

func nodeDir(base string, i int) string { return filepath.Join(base, fmt.Sprintf("n%d", i+1)) }
