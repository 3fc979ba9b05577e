package foldwl

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/pebble"
)

// backend is where one fold lives on disk. Only the consumer's goroutine calls it.
type backend interface {
	// open opens the store on what is on disk now.
	open() (snapshot.Store, error)
	// crashImage captures, while the live store is still running, what a crash at this
	// instant would leave on disk; the install it returns (called once the live store is
	// closed) makes the next open use that image. nil: this backend cannot simulate a crash.
	crashImage() (install func() error)
	// canCrash reports whether crashImage is supported.
	canCrash() bool
	// scratch is a directory on the fold's file system for export artifacts ("" if none).
	scratch() string
}

// logBackend is an append log on the real disk. A crash image is the log's bytes read while
// the loop appends: a prefix of what was written, perhaps torn in a record, which is what a
// killed process leaves (every Apply is one write, without fsync, so the page cache keeps it).
type logBackend struct {
	dir, path string
	crashes   int
}

func newLogBackend(dir, file string) *logBackend {
	_ = os.MkdirAll(dir, 0o755)
	return &logBackend{dir: dir, path: filepath.Join(dir, file)}
}

func (b *logBackend) open() (snapshot.Store, error) {
	return appendlog.Open(b.path, appendlog.Options{})
}
func (b *logBackend) scratch() string { return b.dir }
func (b *logBackend) canCrash() bool  { return true }

func (b *logBackend) crashImage() func() error {
	data, err := os.ReadFile(b.path)
	return func() error {
		if err != nil {
			return fmt.Errorf("read the crash image of %s: %w", b.path, err)
		}
		b.crashes++
		p := filepath.Join(b.dir, fmt.Sprintf("crash-%d.log", b.crashes))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		b.path = p // the old log stays beside it for the report
		return nil
	}
}

// pebbleBackend is Pebble on the real disk. Pebble locks its directory, so a second open
// while the first is live fails: no crash image here (memBackend has one).
type pebbleBackend struct{ dir string }

func (b *pebbleBackend) open() (snapshot.Store, error) { return pebble.Open(b.dir, pebble.Options{}) }
func (b *pebbleBackend) crashImage() func() error      { return nil }
func (b *pebbleBackend) canCrash() bool                { return false }
func (b *pebbleBackend) scratch() string {
	d := filepath.Dir(b.dir)
	_ = os.MkdirAll(d, 0o755)
	return d
}

// memBackend is Pebble on Pebble's crashable in-memory file system. A crash image is a crash
// clone: everything synced plus a random part (drawn from the seed) of what was not.
type memBackend struct {
	fs  *vfs.MemFS
	rng *rand.Rand
}

func newMemBackend(seed uint64) *memBackend {
	return &memBackend{fs: vfs.NewCrashableMem(), rng: rand.New(rand.NewPCG(seed, 0x6d656d))}
}

func (b *memBackend) open() (snapshot.Store, error) {
	return pebble.Open("db", pebble.Options{FS: b.fs})
}
func (b *memBackend) scratch() string { return "" }
func (b *memBackend) canCrash() bool  { return true }

func (b *memBackend) crashImage() func() error {
	clone := b.fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: b.rng.IntN(101), RNG: b.rng})
	return func() error { b.fs = clone; return nil }
}

// readState returns a store's cursor (as a revision) and live keys.
func readState(s snapshot.Store) (uint64, State, error) {
	cur, _ := s.Cursor().Uint64()
	st := State{}
	for e, err := range s.Range("") {
		if err != nil {
			return cur, st, err
		}
		rev, _ := e.Version.Uint64()
		st[e.Key] = Entry{Value: string(e.Value), Rev: rev}
	}
	return cur, st, nil
}

// skipDeletes is a deliberately broken fold: it moves its cursor over every batch but folds
// only the puts, so a delete it received is never applied (a consumer that advances its cursor
// on receipt). It exists to show that the checks catch such a fold.
type skipDeletes struct {
	backend
}

func (b skipDeletes) open() (snapshot.Store, error) {
	s, err := b.backend.open()
	if err != nil {
		return nil, err
	}
	return dropDeletes{s}, nil
}

// dropDeletes folds puts only: both ways to apply (with or without a stamp) lose the batch's
// deletes while still moving the cursor past them.
type dropDeletes struct{ snapshot.Store }

func (d dropDeletes) Apply(batch []kv.Update, cursor kv.Cursor) error {
	return d.Store.Apply(putsOnly(batch), cursor)
}

func (d dropDeletes) ApplyStamped(batch []kv.Update, cursor kv.Cursor, stamp snapshot.Stamp) error {
	return d.Store.ApplyStamped(putsOnly(batch), cursor, stamp)
}

func putsOnly(batch []kv.Update) []kv.Update {
	puts := make([]kv.Update, 0, len(batch))
	for _, u := range batch {
		if !u.IsDelete() {
			puts = append(puts, u)
		}
	}
	return puts
}
