package pebble

import (
	"sync"
	"sync/atomic"
)

// gate lets any number of operations run while the store is open and lets Close wait until
// they have all left, so the engine is never closed under a live call or iterator (Pebble
// panics on use after close). Entering never blocks: once Close has begun, enter fails, so a
// Range loop body may call Get without deadlocking against a waiting Close.
type gate struct {
	mu      sync.Mutex
	left    sync.Cond // signalled when active drops to zero after shutting
	active  int
	shut    bool
	closing atomic.Bool // read by iterators between steps, so they end early
}

// init prepares the gate for use; call it once before anything else.
func (g *gate) init() { g.left.L = &g.mu }

// enter registers an operation; it reports false once the store is closing or closed.
func (g *gate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut {
		return false
	}
	g.active++
	return true
}

// leave ends an operation started by a successful enter.
func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.active--
	if g.active == 0 && g.shut {
		g.left.Broadcast()
	}
}

// close refuses new operations and waits until the running ones have left. It reports false
// when the gate was already closed.
func (g *gate) close() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut {
		return false
	}
	g.shut = true
	g.closing.Store(true)
	for g.active > 0 {
		g.left.Wait()
	}
	return true
}
