package linearizability

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Recorder collects one run's history. Create one per run: every timestamp is the monotonic
// time since its creation, so all clients share one clock. It is safe for concurrent use;
// recording is an append under a mutex.
type Recorder struct {
	start time.Time

	mu   sync.Mutex
	ops  []Operation
	next int // next client id
}

// NewRecorder returns an empty recorder whose clock starts now.
func NewRecorder() *Recorder { return &Recorder{start: time.Now()} }

// Now returns the nanoseconds since the recorder was created, from the monotonic clock. Use it
// to timestamp anything that should line up with the history (fault windows, for example).
func (r *Recorder) Now() int64 { return int64(time.Since(r.start)) }

// Start returns the wall-clock time the recorder was created (for reports only).
func (r *Recorder) Start() time.Time { return r.start }

// NewClient returns a client with a fresh id. A client is one sequential stream of operations:
// use it from one goroutine at a time.
func (r *Recorder) NewClient() *Client { return &Client{rec: r, id: r.newID()} }

func (r *Recorder) newID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := r.next
	r.next++
	return id
}

func (r *Recorder) append(op Operation) {
	r.mu.Lock()
	r.ops = append(r.ops, op)
	r.mu.Unlock()
}

// Operations returns a copy of the history so far, in the order operations returned (so each
// client's operations are in the order it issued them).
func (r *Recorder) Operations() []Operation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Operation(nil), r.ops...)
}

// Len returns the number of operations recorded so far.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ops)
}

// Client is one sequential stream of operations in a history (porcupine's client). After an
// operation whose outcome is unknown it takes a new id, because porcupine requires a client
// with a pending operation never to issue another, and an unknown operation stays pending
// forever.
type Client struct {
	rec  *Recorder
	id   int // read and written only by the goroutine holding busy
	busy atomic.Bool
}

// ID returns the client's current id (it changes after an unknown outcome).
func (c *Client) ID() int { return c.id }

// Record times one call: it reads the clock, runs call (which performs the operation and fills
// in op's outputs: Outcome, Revision, Found, Read, Err), reads the clock again, and appends op
// to the history under the client's id. The inputs (Key, Kind, Value, Expected) are set by the
// caller before. Record panics if the client is already inside Record: a client is sequential,
// and overlapping calls would make the history meaningless.
func (c *Client) Record(op Operation, call func(op *Operation)) Operation {
	if !c.busy.CompareAndSwap(false, true) {
		panic(fmt.Sprintf("linearizability: client %d used by two goroutines at once; give each goroutine its own Client", c.id))
	}
	defer c.busy.Store(false)
	op.Client = c.id
	op.Call = c.rec.Now()
	call(&op)
	op.Return = c.rec.Now()
	if op.Return < op.Call { // never for a monotonic clock; kept so a history always validates
		op.Return = op.Call
	}
	c.rec.append(op)
	if op.Outcome.Class() == ClassUnknown {
		c.id = c.rec.newID()
	}
	return op
}
