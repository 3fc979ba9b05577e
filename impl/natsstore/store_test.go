package natsstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func TestStoreImplementsTheKVInterfaces(t *testing.T) {
	t.Parallel()
	var s any = (*Store)(nil)
	for name, ok := range map[string]bool{
		"Store": isA[kv.Store](s), "Writer": isA[kv.Writer](s), "Purger": isA[kv.Purger](s),
		"TTL": isA[kv.TTL](s), "Watcher": isA[kv.Watcher](s),
	} {
		if !ok {
			t.Errorf("*Store does not implement kv.%s", name)
		}
	}
}

func isA[T any](v any) bool { _, ok := v.(T); return ok }

// Every resume start goes through protocol.ResumeStartSequence (which refuses to wrap at the
// maximum uint64): no file of this package spells "+ 1" on a revision, sequence, cursor or
// frontier (a hand-written +1 at the maximum would wrap to 0 and replay the bucket).
func TestNoNakedRevisionPlusOne(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	naked := regexp.MustCompile(`(?i)[a-z_.()]*(rev|revision|seq|sequence|cursor|frontier|start|first|last)[a-z0-9_.()]*\s*\+\s*1\b`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if c := strings.Index(line, "//"); c >= 0 {
				line = line[:c] // prose may say cursor+1; code may not
			}
			if m := naked.FindString(line); m != "" {
				t.Errorf("%s:%d spells %q; compute resume starts with protocol.ResumeStartSequence", f, i+1, m)
			}
		}
	}
	// The detector itself works.
	for _, bad := range []string{"start := cursor ", "rev", "info.State.LastSeq ", "ack.streamSeq"} {
		bad += "+ 1" // assembled here so this file does not trip its own check
		if !naked.MatchString(bad) {
			t.Errorf("the detector misses %q", bad)
		}
	}
}

// Every method of the zero Store and of a nil *Store returns kv.ErrNotConnected (or, for the
// methods without an error, a harmless zero answer); none panics.
func TestZeroStoreIsNotConnected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v := kv.VersionFromUint64(1)
	for name, s := range map[string]*Store{"zero": {}, "nil": nil, "zero leader view": (&Store{}).LeaderReads(), "nil leader view": (*Store)(nil).LeaderReads()} {
		calls := map[string]func() error{
			"Get":               func() error { _, _, err := s.Get(ctx, "k"); return err },
			"Entry":             func() error { _, _, err := s.Entry(ctx, "k"); return err },
			"Keys":              func() error { _, err := s.Keys(ctx, ""); return err },
			"Scan":              func() error { _, err := s.Scan(ctx, ""); return err },
			"Put":               func() error { _, err := s.Put(ctx, "k", []byte("v")); return err },
			"Create":            func() error { _, err := s.Create(ctx, "k", []byte("v")); return err },
			"Update":            func() error { _, err := s.Update(ctx, "k", []byte("v"), v); return err },
			"Delete":            func() error { return s.Delete(ctx, "k") },
			"DeleteWithVersion": func() error { return s.DeleteWithVersion(ctx, "k", v) },
			"Purge":             func() error { return s.Purge(ctx, "k") },
			"CreateWithTTL":     func() error { _, err := s.CreateWithTTL(ctx, "k", []byte("v"), time.Minute); return err },
			"Watch":             func() error { return s.Watch(ctx, kv.All(), kv.Cursor{}, make(chan kv.Update, 1)) },
		}
		for method, call := range calls {
			err := call()
			mustKind(t, err, kv.ErrNotConnected, name+" Store."+method)
			var ke *kv.Error
			if !errors.As(err, &ke) || ke.Hint != hintNeverConnected {
				t.Errorf("%s Store.%s: %v, want the never-connected hint", name, method, err)
			}
		}
		if s.Name() != "" {
			t.Errorf("%s Store.Name() = %q", name, s.Name())
		}
		if c := s.Capabilities(); c.TTL || c.MaxValueSize != 0 || !c.CAS {
			t.Errorf("%s Store.Capabilities() = %+v, want the shared NATS facts with no TTL and no known limit", name, c)
		}
		if got := s.LeaderReads(); got == nil || !got.ReadsFromLeader() {
			t.Errorf("%s Store.LeaderReads() = %v", name, got)
		}
	}
	if (*Store)(nil).ReadsFromLeader() {
		t.Error("a nil *Store reads from the leader")
	}
}

// A nil *Conn behaves like the zero Conn: unhealthy, OpenBucket and Store give
// kv.ErrNotConnected, Close does nothing.
func TestNilConnIsNotConnected(t *testing.T) {
	t.Parallel()
	var c *Conn
	if c.Healthy() {
		t.Fatal("a nil *Conn is healthy")
	}
	_, err := c.OpenBucket(context.Background(), kv.StoreConfig{Name: "b"})
	mustKind(t, err, kv.ErrNotConnected, "OpenBucket on a nil *Conn")
	_, err = c.Store(context.Background(), kv.StoreConfig{Name: "b"})
	mustKind(t, err, kv.ErrNotConnected, "Store on a nil *Conn")
	if err := c.Close(); err != nil {
		t.Fatalf("Close on a nil *Conn: %v", err)
	}
	if !strings.Contains(c.String(), "never connected") {
		t.Fatalf("String of a nil *Conn: %q", c.String())
	}
}
