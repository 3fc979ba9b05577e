package appendlog

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func delU(key string, n uint64) kv.Update {
	return kv.Update{Op: kv.OpDelete, Key: key, Version: rev(n)}
}

func logPath(t testing.TB) string { return filepath.Join(t.TempDir(), "fold.snap") }

// batch is one Apply: its updates, its cursor, and the stamp it sets (nil: left as it is).
type batch struct {
	updates []kv.Update
	cursor  kv.Cursor
	stamp   *snapshot.Stamp
}

// writeBatches writes each batch through a raw Writer (records, then a checkpoint) and returns
// the file's bytes.
func writeBatches(t testing.TB, path string, batches ...batch) []byte {
	t.Helper()
	w, err := OpenWriter(path, Options{CompactThreshold: NeverCompact})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		for _, u := range b.updates {
			if err := w.WriteUpdate(u); err != nil {
				t.Fatal(err)
			}
		}
		if b.stamp != nil {
			if err := w.WriteStamp(*b.stamp); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Checkpoint(b.cursor); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return readFile(t, path)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustLoad(t testing.TB, path string) *Snapshot {
	t.Helper()
	snap, err := Load(path, Options{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return snap
}

// state is a fold's content in comparable form.
type state struct {
	cursor  kv.Cursor
	stamp   snapshot.Stamp
	entries map[string]kv.Entry
}

func stateOf(snap *Snapshot) state {
	if snap == nil {
		return state{entries: map[string]kv.Entry{}}
	}
	st := state{cursor: snap.Cursor, stamp: snap.Stamp, entries: map[string]kv.Entry{}}
	for e := range snap.All() {
		st.entries[e.Key] = e
	}
	return st
}

// entryOf returns the snapshot's entry for key (the zero Entry when absent).
func entryOf(snap *Snapshot, key string) kv.Entry {
	e, _ := snap.Get(key)
	return e
}

func (a state) equal(b state) bool {
	if a.cursor != b.cursor || !a.stamp.Equal(b.stamp) || len(a.entries) != len(b.entries) {
		return false
	}
	for k, e := range a.entries {
		f, ok := b.entries[k]
		if !ok || f.Key != e.Key || !bytes.Equal(f.Value, e.Value) || f.Version != e.Version {
			return false
		}
	}
	return true
}

// prefixStates returns the state after every prefix of the log's events (each update record
// and each cursor record is one event; a stamp takes effect with its cursor): the states a
// crash may legitimately leave, data possibly ahead of its cursor but never behind it, and the
// stamp always the one written with the cursor.
func prefixStates(batches []batch) []state {
	cur := state{entries: map[string]kv.Entry{}}
	out := []state{cur}
	step := func(f func(m map[string]kv.Entry)) {
		next := state{cursor: cur.cursor, stamp: cur.stamp, entries: make(map[string]kv.Entry, len(cur.entries)+1)}
		for k, e := range cur.entries {
			next.entries[k] = e
		}
		f(next.entries)
		cur = next
		out = append(out, cur)
	}
	for _, b := range batches {
		for _, u := range b.updates {
			step(func(m map[string]kv.Entry) {
				if u.IsDelete() {
					delete(m, u.Key)
				} else {
					m[u.Key] = kv.Entry{Key: u.Key, Value: u.Value, Version: u.Version}
				}
			})
		}
		c := b.cursor
		step(func(map[string]kv.Entry) {})
		cur.cursor = c
		if b.stamp != nil {
			cur.stamp = *b.stamp
		}
		out[len(out)-1] = cur
	}
	return out
}

// prefixIndex returns the index of the prefix state s equals, or -1.
func prefixIndex(states []state, s state) int {
	for i, p := range states {
		if p.equal(s) {
			return i
		}
	}
	return -1
}

// testStamp returns a stamp of bucket "b"'s incarnation created at second n, in contact a
// minute later.
func testStamp(n int64) snapshot.Stamp {
	inc, err := kv.NewIncarnation("b", time.Unix(1_700_000_000+n, 0))
	if err != nil {
		panic(err)
	}
	return snapshot.Stamp{Stream: inc, Contact: time.Unix(1_700_000_060+n, 0)}
}
