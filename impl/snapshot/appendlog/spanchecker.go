package appendlog

import (
	"os"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// hashBuffers is how many spans read back may wait for the hasher, or be hashed, at once.
const hashBuffers = 4

// spanChecker reads back and checks the spans a spanWriter wrote, in order, and has a hasher
// goroutine hash them meanwhile: hashing a 45 MB log took 20-30 ms of the checker's time
// (pprof), which the checker no longer waits for.
type spanChecker struct {
	f      *os.File
	hook   func(f *os.File, from, to int64)
	digest *artifact.Digester
	done   chan struct{} // closed when run returns; the fields below are then final
	sc     scanned       // of the records checked so far
	// checked is the bytes read back (and hashed), from the start of the file.
	checked int64
	// sound: every span read back held whole records that scanCompact accepts in that place.
	// When false the spans are still read back and hashed, but write asks scanCompact.
	sound     bool
	sawCursor bool
	rerr      error // the first read error; no span is read after it
}

func (c *spanChecker) run(spans <-chan [2]int64) {
	defer close(c.done)
	c.sound = true
	h := startHasher(c.digest)
	defer h.finish()
	for sp := range spans {
		if c.rerr != nil {
			continue // drain, so that the writer never waits on a checker that stopped
		}
		if c.hook != nil {
			c.hook(c.f, sp[0], sp[1])
		}
		b := h.buffer(int(sp[1] - sp[0]))
		if _, err := c.f.ReadAt(b, sp[0]); err != nil {
			c.rerr = err
			h.free <- b
			continue
		}
		h.in <- b
		c.checked = sp[1]
		c.sound = c.sound && c.take(b, sp[0] == 0)
	}
}

// take checks the records of one span read back, which follows those already taken. It
// returns false when scanCompact would not accept them there, or when that cannot be decided
// one span at a time (a stamp whose cursor is in the next span).
func (c *spanChecker) take(b []byte, first bool) bool {
	from := 0
	if first {
		if checkHeader(b) != nil {
			return false
		}
		from = HeaderLen
	}
	if from == len(b) {
		return true
	}
	if c.sawCursor {
		return false // a record follows the cursor
	}
	pc := scanRange(b, from, len(b))
	if pc.err != nil || pc.end != len(b) || (pc.sawStamp && !pc.sawCursor) {
		return false
	}
	c.sc.puts += pc.sc.puts
	if pc.sawCursor {
		c.sc.cursor, c.sc.stamp, c.sawCursor = pc.sc.cursor, pc.sc.stamp, true
	}
	return true
}

// hasher hashes, in order, the buffers sent on in, and returns each to free once hashed. A
// buffer is back in free only when the hasher is done with it, and the checker takes a new one
// only when it is done with the last: so a buffer in free is nobody's.
type hasher struct {
	digest   *artifact.Digester
	in, free chan []byte
	done     chan struct{}
}

func startHasher(d *artifact.Digester) *hasher {
	h := &hasher{digest: d, in: make(chan []byte, hashBuffers), free: make(chan []byte, hashBuffers), done: make(chan struct{})}
	for range hashBuffers {
		h.free <- nil
	}
	go func() {
		defer close(h.done)
		for b := range h.in {
			_, _ = h.digest.Write(b)
			h.free <- b
		}
	}()
	return h
}

// buffer returns a free buffer of n bytes.
func (h *hasher) buffer(n int) []byte {
	b := <-h.free
	if cap(b) < n {
		b = make([]byte, n)
	}
	return b[:n]
}

// finish waits until everything sent is hashed.
func (h *hasher) finish() {
	close(h.in)
	<-h.done
}
