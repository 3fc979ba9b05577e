package appendlog

import (
	"io"
	"iter"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Encoding a compacted log costs a copy and a checksum per record, and the copies wait on
// memory: the fold's array is walked in order, but the keys and values it points to live
// wherever their Apply or Load put them (a loaded fold's in the file image, an applied one's in
// per-batch buffers and decoded keys). writePuts therefore encodes fixed-size chunks of entries
// on two goroutines while the caller's goroutine walks the entries and writes the encoded
// chunks, in order.
const (
	chunkEntries = 4096 // entries per chunk
	chunksAhead  = 4    // chunks encoded ahead of the one being written
	encoders     = 2
)

// putChunk is a run of entries, with their records' checksums where known (0: compute it),
// and, once done is closed, their PUT records.
type putChunk struct {
	ents []kv.Entry
	crcs []uint32
	out  []byte
	done chan struct{}
	sink byte // what the sizing pass read, kept so that its reads are not optimised away
}

// encode sizes the chunk's records, then writes them. The sizing pass also reads the first and
// last byte of every key and value: those reads do not depend on one another, so the processor
// overlaps their cache misses, where the copies that follow would otherwise wait for each one
// in turn.
func (c *putChunk) encode() {
	n := 0
	var sink byte
	for _, e := range c.ents {
		n += putLen(e.Key, e.Value, e.Version)
		if k := e.Key; len(k) > 0 {
			sink ^= k[0] ^ k[len(k)-1]
		}
		if v := e.Value; len(v) > 0 {
			sink ^= v[0] ^ v[len(v)-1]
		}
	}
	c.sink = sink
	if cap(c.out) < n {
		c.out = make([]byte, 0, n)
	}
	c.out = c.out[:0]
	for i, e := range c.ents {
		if crc := c.crcs[i]; crc != 0 {
			c.out = appendSealedPut(c.out, e.Key, e.Value, e.Version, crc)
		} else {
			c.out = appendPut(c.out, e.Key, e.Value, e.Version)
		}
	}
	close(c.done)
}

// writePuts writes one PUT record per entry to w, in the order entries yields them, computing
// every record's checksum, and returns the first write error.
func writePuts(w io.Writer, entries iter.Seq[kv.Entry]) error {
	return writeSealedPuts(w, func(yield func(kv.Entry, uint32) bool) {
		for e := range entries {
			if !yield(e, 0) {
				return
			}
		}
	})
}

// writeSealedPuts is writePuts for entries that come with their records' checksums (0 where
// not known, to be computed): see appendSealedPut for when that is safe. The entries' values
// must stay unchanged until it returns. A short sequence (one chunk) is encoded on the calling
// goroutine.
func writeSealedPuts(w io.Writer, entries iter.Seq2[kv.Entry, uint32]) error {
	var (
		jobs     chan *putChunk
		wg       sync.WaitGroup
		inflight []*putChunk // dispatched, in order; the oldest is written first
		free     []*putChunk
		werr     error
	)
	newChunk := func() *putChunk {
		if n := len(free); n > 0 {
			c := free[n-1]
			free = free[:n-1]
			c.ents, c.crcs, c.done = c.ents[:0], c.crcs[:0], make(chan struct{})
			return c
		}
		return &putChunk{ents: make([]kv.Entry, 0, chunkEntries), crcs: make([]uint32, 0, chunkEntries), done: make(chan struct{})}
	}
	writeOldest := func() {
		c := inflight[0]
		inflight = inflight[1:]
		<-c.done
		if werr == nil {
			_, werr = w.Write(c.out)
		}
		free = append(free, c)
	}
	cur := newChunk()
	for e, crc := range entries {
		cur.ents, cur.crcs = append(cur.ents, e), append(cur.crcs, crc)
		if len(cur.ents) < chunkEntries {
			continue
		}
		if jobs == nil {
			jobs = make(chan *putChunk, chunksAhead)
			for range encoders {
				wg.Go(func() {
					for c := range jobs {
						c.encode()
					}
				})
			}
		}
		jobs <- cur
		inflight = append(inflight, cur)
		if len(inflight) > chunksAhead {
			writeOldest()
		}
		if werr != nil {
			break
		}
		cur = newChunk()
	}
	if jobs != nil {
		close(jobs)
	}
	for len(inflight) > 0 {
		writeOldest()
	}
	wg.Wait()
	if werr != nil {
		return werr
	}
	if len(cur.ents) > 0 {
		cur.encode()
		_, werr = w.Write(cur.out)
	}
	return werr
}
