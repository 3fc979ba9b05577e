package pebble

import (
	"iter"
	"os"
	"reflect"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func put(key, value string, rev uint64) kv.Update {
	return kv.Update{Op: kv.OpPut, Key: key, Value: []byte(value), Version: kv.VersionFromUint64(rev)}
}

func del(key string, rev uint64) kv.Update {
	return kv.Update{Op: kv.OpDelete, Key: key, Version: kv.VersionFromUint64(rev)}
}

// fixture is a short bucket history: overwrites, a delete, two prefixes.
func fixture() []kv.Update {
	return []kv.Update{
		put("node.a", "v1", 1), put("node.b", "v2", 2), put("svc.x", "sx", 3),
		put("node.a", "v1b", 4), del("node.b", 5), put("node.c", "v3", 6), put("svc.y", "sy", 7),
	}
}

// expected is the fold of fixture, in key order.
func expected() []kv.Entry {
	e := func(k, v string, rev uint64) kv.Entry {
		return kv.Entry{Key: k, Value: []byte(v), Version: kv.VersionFromUint64(rev)}
	}
	return []kv.Entry{e("node.a", "v1b", 4), e("node.c", "v3", 6), e("svc.x", "sx", 3), e("svc.y", "sy", 7)}
}

// fold applies updates in chunks of three, each with the cursor of its last update.
func fold(t testing.TB, s *Store, updates []kv.Update) {
	t.Helper()
	for i := 0; i < len(updates); i += 3 {
		chunk := updates[i:min(i+3, len(updates))]
		if err := s.Apply(chunk, kv.CursorFromVersion(chunk[len(chunk)-1].Version)); err != nil {
			t.Fatal(err)
		}
	}
}

// dump collects Range(prefix), failing the test on an error.
func dump(t testing.TB, r interface {
	Range(string) iter.Seq2[kv.Entry, error]
}, prefix string) []kv.Entry {
	t.Helper()
	out := []kv.Entry{}
	for e, err := range r.Range(prefix) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func open(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustClose(t testing.TB, s *Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func assertState(t testing.TB, s *Store, cursor kv.Cursor, want []kv.Entry) {
	t.Helper()
	if got := s.Cursor(); got != cursor {
		t.Fatalf("cursor = %v, want %v", got, cursor)
	}
	if got := dump(t, s, ""); !reflect.DeepEqual(got, want) {
		t.Fatalf("state = %v, want %v", got, want)
	}
}

// wipe removes the store's directory.
func wipe(t testing.TB, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}
