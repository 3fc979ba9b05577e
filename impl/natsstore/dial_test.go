package natsstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// Connecting to a port nobody listens on fails fast with ErrConnectionFailed.
func TestConnectDeadURLFailsFast(t *testing.T) {
	t.Parallel()
	port, err := embedded.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Connect(context.Background(), Config{URL: fmt.Sprintf("nats://127.0.0.1:%d", port)})
	took := time.Since(start)
	if !errors.Is(err, kv.ErrConnectionFailed) {
		t.Fatalf("Connect to a dead port = %v, want ErrConnectionFailed", err)
	}
	if took > 3*time.Second {
		t.Fatalf("Connect to a dead port took %v", took)
	}
	if !strings.Contains(err.Error(), "server is running") {
		t.Fatalf("error %q does not say what to check", err)
	}
	t.Logf("dead port refused in %v", took)
}

// silentListener accepts TCP connections and never says anything (a server that hangs in the
// handshake); it returns its address.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}

// Connect is bounded by the caller's context and by ConnectTimeout, even when the server
// accepts the TCP connection and then never answers.
func TestConnectIsBounded(t *testing.T) {
	t.Parallel()
	addr := silentListener(t)
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		cfg  Config
	}{
		{"context", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}, Config{URL: "nats://" + addr, ConnectTimeout: time.Minute}},
		{"ConnectTimeout", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, Config{URL: "nats://" + addr, ConnectTimeout: 300 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, err := Connect(ctx, tc.cfg)
			took := time.Since(start)
			if !errors.Is(err, kv.ErrConnectionFailed) {
				t.Fatalf("Connect to a silent server = %v, want ErrConnectionFailed", err)
			}
			if took > 2*time.Second {
				t.Fatalf("Connect took %v with a 300 ms bound", took)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := Connect(ctx, Config{URL: "nats://" + addr, ConnectTimeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("a deadline-bound Connect does not report the deadline: %v", err)
	}
}
