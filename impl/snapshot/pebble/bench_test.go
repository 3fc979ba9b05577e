package pebble

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Each benchmark times the store against bare Pebble doing the same work on the same bytes in
// the same run (no value codec, no cursor, no key prefix), and reports the store's time as a
// ratio of the bare time ("x-raw"; 1.0 means no overhead) together with its throughput.

const (
	benchEntries = 100_000
	benchBatch   = 100
)

type benchData struct {
	keys    []string
	rawKeys [][]byte // keys as bytes, so the bare baseline does not convert them
	values  [][]byte
}

func newBenchData() benchData {
	rng := rand.New(rand.NewPCG(9, 9))
	d := benchData{keys: make([]string, benchEntries), rawKeys: make([][]byte, benchEntries), values: make([][]byte, benchEntries)}
	for i := range benchEntries {
		d.keys[i] = fmt.Sprintf("node.%08d", i)
		d.rawKeys[i] = []byte(d.keys[i])
		d.values[i] = make([]byte, 100)
		for j := range d.values[i] {
			d.values[i][j] = byte(rng.Uint32())
		}
	}
	return d
}

func openRaw(b *testing.B) *pebble.DB {
	db, err := pebble.Open(b.TempDir(), &pebble.Options{Logger: engineLogger{}, FormatMajorVersion: pebble.FormatNewest})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// applyRaw writes the data in batches of benchBatch with bare Pebble and returns the time taken.
func (d benchData) applyRaw(b *testing.B, db *pebble.DB) time.Duration {
	start := time.Now()
	for i := 0; i < benchEntries; i += benchBatch {
		batch := db.NewBatch()
		for j := i; j < i+benchBatch; j++ {
			if err := batch.Set(d.rawKeys[j], d.values[j], nil); err != nil {
				b.Fatal(err)
			}
		}
		if err := batch.Commit(pebble.NoSync); err != nil {
			b.Fatal(err)
		}
		_ = batch.Close()
	}
	return time.Since(start)
}

// applyStore writes the same data through Store.Apply and returns the time taken.
func (d benchData) applyStore(b *testing.B, s *Store) time.Duration {
	updates := make([]kv.Update, benchBatch)
	start := time.Now()
	for i := 0; i < benchEntries; i += benchBatch {
		for j := range benchBatch {
			rev := uint64(i + j + 1)
			updates[j] = kv.Update{Op: kv.OpPut, Key: d.keys[i+j], Value: d.values[i+j], Version: kv.VersionFromUint64(rev)}
		}
		if err := s.Apply(updates, kv.CursorFromUint64(uint64(i+benchBatch))); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

func BenchmarkApply100kInBatchesOf100(b *testing.B) {
	d := newBenchData()
	var raw, ours time.Duration
	for i := 0; b.Loop(); i++ {
		runRaw := func() {
			db := openRaw(b)
			raw += d.applyRaw(b, db)
			_ = db.Close()
		}
		runOurs := func() {
			s := open(b, b.TempDir(), Options{})
			ours += d.applyStore(b, s)
			mustClose(b, s)
		}
		if i%2 == 0 { // alternate which goes first, so neither always runs on a warm machine
			runRaw()
			runOurs()
		} else {
			runOurs()
			runRaw()
		}
	}
	b.ReportMetric(float64(ours)/float64(raw), "x-raw")
	b.ReportMetric(float64(b.N*benchEntries)/ours.Seconds(), "entries/s")
	b.ReportMetric(float64(b.N*benchEntries)/raw.Seconds(), "raw-entries/s")
}

func BenchmarkRange100k(b *testing.B) {
	d := newBenchData()
	db := openRaw(b)
	defer db.Close()
	d.applyRaw(b, db)
	if err := db.Compact(context.Background(), []byte("node."), []byte("node/"), true); err != nil {
		b.Fatal(err)
	}
	s := open(b, b.TempDir(), Options{})
	defer mustClose(b, s)
	d.applyStore(b, s)
	if err := s.Settle(); err != nil {
		b.Fatal(err)
	}
	var raw, ours time.Duration
	for b.Loop() {
		start := time.Now()
		n := 0
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte("node."), UpperBound: []byte("node/")})
		if err != nil {
			b.Fatal(err)
		}
		for ok := it.First(); ok; ok = it.Next() {
			// The store hands out a string key and its own copy of the value; so does this.
			v, err := it.ValueAndErr()
			if err != nil {
				b.Fatal(err)
			}
			n += len(string(it.Key())) + len(append([]byte{}, v...))
		}
		_ = it.Close()
		raw += time.Since(start)

		start = time.Now()
		m := 0
		for e, err := range s.Range("node.") {
			if err != nil {
				b.Fatal(err)
			}
			m += len(e.Key) + len(e.Value)
		}
		ours += time.Since(start)
		if m != n {
			b.Fatalf("the store ranged over %d bytes, bare Pebble over %d", m, n)
		}
	}
	b.ReportMetric(float64(ours)/float64(raw), "x-raw")
	b.ReportMetric(float64(b.N*benchEntries)/ours.Seconds(), "entries/s")
}
