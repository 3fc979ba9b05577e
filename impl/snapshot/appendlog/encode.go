package appendlog

import (
	"io"
	"slices"
	"strings"
	"sync"
)

// Encoding a compacted log is a copy per entry (an entry is its record, see fentry), and the
// copies wait on memory: the fold's array is walked in order, but the records it points to live
// wherever their Apply or Load put them (a loaded fold's in the file image, an applied one's in
// per-batch buffers). writePuts therefore encodes fixed-size chunks of entries on two
// goroutines while the caller's goroutine writes the encoded chunks, in order.
const (
	chunkEntries = 4096 // entries per chunk
	chunksAhead  = 4    // chunks encoded ahead of the one being written
	encoders     = 2
)

// putSource is what writePuts writes: the entries of a fold, either in the array's order or in
// a given order of positions. A live store's compaction and an export write the array's order
// (Load needs no order, and walking the array reads memory in sequence); Load's rewrite and
// Writer.Compact sort by key, so that their bytes are reproducible.
type putSource struct {
	f     fold
	order []int32 // when not nil, the positions to write, in this order
}

// inKeyOrder is the source of f's entries in ascending byte order of key.
func inKeyOrder(f fold) putSource {
	order := make([]int32, len(f))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(f[a].key(), f[b].key()) })
	return putSource{f: f, order: order}
}

func (s putSource) len() int { return len(s.f) }

func (s putSource) at(i int) *fentry {
	if s.order != nil {
		return &s.f[s.order[i]]
	}
	return &s.f[i]
}

// putChunk is the source's entries [lo, hi) and, once done is closed, their PUT records.
type putChunk struct {
	lo, hi int
	out    []byte
	done   chan struct{}
	sink   byte // what the sizing pass read, kept so that its reads are not optimised away
}

// encode sizes the chunk's records, then copies them. The sizing pass also reads the first and
// last byte of every record: those reads do not depend on one another, so the processor
// overlaps their cache misses, where the copies that follow would otherwise wait for each one
// in turn.
func (c *putChunk) encode(src putSource) {
	n := 0
	var sink byte
	for i := c.lo; i < c.hi; i++ {
		r := src.at(i).rec
		n += len(r)
		sink ^= r[0] ^ r[len(r)-1]
	}
	c.sink = sink
	if cap(c.out) < n {
		c.out = make([]byte, 0, n)
	}
	c.out = c.out[:0]
	for i := c.lo; i < c.hi; i++ {
		c.out = append(c.out, src.at(i).rec...)
	}
	close(c.done)
}

// writePuts writes one PUT record per entry of src to w, in src's order, and returns the first
// write error. The fold must stay unchanged until it returns. A short source (one chunk) is
// encoded on the calling goroutine.
func writePuts(w io.Writer, src putSource) error {
	n := src.len()
	if n <= chunkEntries {
		c := &putChunk{lo: 0, hi: n, done: make(chan struct{})}
		c.encode(src)
		_, err := w.Write(c.out)
		return err
	}
	jobs := make(chan *putChunk, chunksAhead)
	var wg sync.WaitGroup
	for range encoders {
		wg.Go(func() {
			for c := range jobs {
				c.encode(src)
			}
		})
	}
	var (
		inflight []*putChunk // dispatched, in order; the oldest is written first
		free     []*putChunk
		werr     error
	)
	writeOldest := func() {
		c := inflight[0]
		inflight = inflight[1:]
		<-c.done
		if werr == nil {
			_, werr = w.Write(c.out)
		}
		free = append(free, c)
	}
	for lo := 0; lo < n && werr == nil; lo += chunkEntries {
		c := &putChunk{}
		if k := len(free); k > 0 {
			c, free = free[k-1], free[:k-1]
		}
		c.lo, c.hi, c.done = lo, min(lo+chunkEntries, n), make(chan struct{})
		jobs <- c
		inflight = append(inflight, c)
		if len(inflight) > chunksAhead {
			writeOldest()
		}
	}
	close(jobs)
	for len(inflight) > 0 {
		writeOldest()
	}
	wg.Wait()
	return werr
}
