package snapshottest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func put(key, value string, rev uint64) kv.Update {
	return kv.Update{Op: kv.OpPut, Key: key, Value: []byte(value), Version: kv.VersionFromUint64(rev)}
}

func del(key string, rev uint64) kv.Update {
	return kv.Update{Op: kv.OpDelete, Key: key, Version: kv.VersionFromUint64(rev)}
}

func purge(key string, rev uint64) kv.Update {
	return kv.Update{Op: kv.OpPurge, Key: key, Version: kv.VersionFromUint64(rev)}
}

func entry(key, value string, rev uint64) kv.Entry {
	return kv.Entry{Key: key, Value: []byte(value), Version: kv.VersionFromUint64(rev)}
}

// stream is a bucket's history: overwrites, a delete and two key families.
func stream() []kv.Update {
	return []kv.Update{
		put("node.a", "v1", 1),
		put("node.b", "v2", 2),
		put("svc.x", "sx", 3),
		put("node.a", "v1b", 4),
		del("node.b", 5),
		put("node.c", "v3", 6),
		put("svc.y", "sy", 7),
	}
}

// expected is the live state after the whole stream, in key order.
func expected() []kv.Entry {
	return []kv.Entry{
		entry("node.a", "v1b", 4),
		entry("node.c", "v3", 6),
		entry("svc.x", "sx", 3),
		entry("svc.y", "sy", 7),
	}
}

// fold applies updates in batches of three, each with the cursor of its last update, as a
// watch delivering the stream would.
func fold(t *testing.T, s snapshot.Store, updates []kv.Update) {
	t.Helper()
	for i := 0; i < len(updates); i += 3 {
		batch := updates[i:min(i+3, len(updates))]
		cur := kv.CursorFromVersion(batch[len(batch)-1].Version)
		if err := s.Apply(batch, cur); err != nil {
			t.Fatalf("apply batch at %d (cursor %v): %v", i, cur, err)
		}
	}
}

func apply(t *testing.T, s snapshot.Store, batch []kv.Update, cursor kv.Cursor) {
	t.Helper()
	if err := s.Apply(batch, cursor); err != nil {
		t.Fatalf("apply %d updates, cursor %v: %v", len(batch), cursor, err)
	}
}

// dump collects Range(prefix), failing the test on an error.
func dump(t *testing.T, s snapshot.Store, prefix string) []kv.Entry {
	t.Helper()
	var out []kv.Entry
	for e, err := range s.Range(prefix) {
		if err != nil {
			t.Fatalf("range %q: %v", prefix, err)
		}
		out = append(out, e)
	}
	return out
}

// keys collects Keys(prefix), failing the test on an error.
func keys(t *testing.T, s snapshot.Store, prefix string) []string {
	t.Helper()
	var out []string
	for k, err := range s.Keys(prefix) {
		if err != nil {
			t.Fatalf("keys %q: %v", prefix, err)
		}
		out = append(out, k)
	}
	return out
}

func sameEntry(a, b kv.Entry) bool {
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) && a.Version == b.Version
}

func format(es []kv.Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%s=%q@%v", e.Key, e.Value, e.Version)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// requireEntries fails unless got equals want entry by entry (nil and empty values are equal).
func requireEntries(t *testing.T, what string, got, want []kv.Entry) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = sameEntry(got[i], want[i])
	}
	if !ok {
		t.Fatalf("%s:\n got  %s\n want %s", what, format(got), format(want))
	}
}

func requireCursor(t *testing.T, s snapshot.Store, want kv.Cursor) {
	t.Helper()
	if got := s.Cursor(); got != want {
		t.Fatalf("cursor: got %v, want %v", got, want)
	}
}

// requireGet fails unless Get(key) returns want (ok true) or, when want is nil, reports absent.
func requireGet(t *testing.T, s snapshot.Store, key string, want *kv.Entry) {
	t.Helper()
	e, ok, err := s.Get(key)
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	switch {
	case want == nil && ok:
		t.Fatalf("get %q: got %s, want absent", key, format([]kv.Entry{e}))
	case want != nil && !ok:
		t.Fatalf("get %q: absent, want %s", key, format([]kv.Entry{*want}))
	case want != nil && !sameEntry(e, *want):
		t.Fatalf("get %q: got %s, want %s", key, format([]kv.Entry{e}), format([]kv.Entry{*want}))
	}
}

func ptr(e kv.Entry) *kv.Entry { return &e }
