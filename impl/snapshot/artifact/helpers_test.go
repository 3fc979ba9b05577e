package artifact_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lukechampine.com/blake3"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/impl/snapshot/pebble"
)

// backend is one fold backend, seen through what export and import need.
type backend struct {
	name   string
	format artifact.Verifier
	// open opens (creating) a live store under dir.
	open func(t testing.TB, dir string) liveStore
	// openImported opens the fold that artifact.Import placed in dir.
	openImported func(t testing.TB, dir string) snapshot.Store
}

// liveStore is a store that exports.
type liveStore interface {
	snapshot.Store
	ExportArtifact(dest string) (*artifact.Manifest, error)
}

func backends() []backend {
	return []backend{
		{
			name:   "appendlog",
			format: appendlog.ArtifactFormat{},
			open: func(t testing.TB, dir string) liveStore {
				must(t, os.MkdirAll(dir, 0o755))
				s, err := appendlog.Open(filepath.Join(dir, "fold.log"), appendlog.Options{})
				must(t, err)
				return s
			},
			openImported: func(t testing.TB, dir string) snapshot.Store {
				s, err := appendlog.Open(appendlog.ImportedPath(dir), appendlog.Options{})
				must(t, err)
				return s
			},
		},
		{
			name:   "pebble",
			format: pebble.ArtifactFormat{},
			open: func(t testing.TB, dir string) liveStore {
				s, err := pebble.Open(filepath.Join(dir, "db"), pebble.Options{})
				must(t, err)
				return s
			},
			openImported: func(t testing.TB, dir string) snapshot.Store {
				s, err := pebble.Open(dir, pebble.Options{})
				must(t, err)
				return s
			},
		},
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fill applies n puts (key-i = value-i at revision i+1) and a delete of key-0, in batches.
func fill(t testing.TB, s snapshot.Store, n int) kv.Cursor { return fillSized(t, s, n, 0) }

// fillSized is fill with every value padded to valueLen bytes (0: "value-i" as it is).
func fillSized(t testing.TB, s snapshot.Store, n, valueLen int) kv.Cursor {
	t.Helper()
	var batch []kv.Update
	for i := range n {
		v := []byte(fmt.Sprintf("value-%d", i))
		if len(v) < valueLen {
			v = append(v, bytes.Repeat([]byte{'.'}, valueLen-len(v))...)
		}
		batch = append(batch, kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("key-%07d", i), Value: v, Version: kv.VersionFromUint64(uint64(i + 1))})
		if len(batch) == 1000 || i == n-1 {
			must(t, s.Apply(batch, kv.CursorFromUint64(uint64(i+1))))
			batch = batch[:0]
		}
	}
	cur := kv.CursorFromUint64(uint64(n + 1))
	must(t, s.Apply([]kv.Update{{Op: kv.OpDelete, Key: "key-0000000", Version: kv.VersionFromUint64(uint64(n + 1))}}, cur))
	return cur
}

// dump renders a store's fold as "key=value@version" lines.
func dump(t testing.TB, s snapshot.Store) string {
	t.Helper()
	var b strings.Builder
	for e, err := range s.Range("") {
		must(t, err)
		fmt.Fprintf(&b, "%s=%s@%v\n", e.Key, e.Value, e.Version)
	}
	return b.String()
}

// listing describes every entry under dir (type, size and BLAKE3 of files, link targets), so
// that two listings are equal exactly when nothing under dir changed.
func listing(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link " + target
		case d.IsDir():
			out[rel] = "dir"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := blake3.Sum256(b)
			out[rel] = fmt.Sprintf("file %d %s", len(b), hex.EncodeToString(sum[:]))
		}
		return nil
	})
	must(t, err)
	return out
}

// requireSame fails unless the two listings are equal.
func requireSame(t testing.TB, what string, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("%s: %s changed: %q -> %q", what, k, v, after[k])
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			t.Fatalf("%s: %s appeared (%s)", what, k, v)
		}
	}
}

// requireInvalid fails unless err matches artifact.ErrInvalid and mentions each of words.
func requireInvalid(t testing.TB, what string, err error, words ...string) {
	t.Helper()
	if !errors.Is(err, artifact.ErrInvalid) {
		t.Fatalf("%s: got %v, want artifact.ErrInvalid", what, err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("%s: error %q does not mention %q", what, err, w)
		}
	}
}

// sample exports a small append-log fold and returns the artifact's directory.
func sample(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	s := backends()[0].open(t, dir)
	defer s.Close()
	fill(t, s, n)
	art := filepath.Join(dir, "artifact")
	_, err := s.ExportArtifact(art)
	must(t, err)
	return art
}
