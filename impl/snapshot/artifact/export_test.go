package artifact_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// fakeSource writes a one-file payload and reports a cursor; its hooks misbehave on demand.
type fakeSource struct {
	live, reopened       kv.Cursor
	liveInc, reopenedInc kv.Incarnation
	// during, if set, runs after the payload is written (to simulate a concurrent intruder or
	// a payload with a link in it).
	during func(dataDir string) error
}

func (f *fakeSource) Identity() artifact.Identity {
	return artifact.Identity{Backend: "fake", Generation: "1"}
}
func (f *fakeSource) Accepts(string) error { return nil }
func (f *fakeSource) Verify(string) (kv.Cursor, kv.Incarnation, error) {
	return f.reopened, f.reopenedInc, nil
}
func (f *fakeSource) WritePayload(dir string) (kv.Cursor, kv.Incarnation, error) {
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		return kv.Cursor{}, kv.Incarnation{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "f"), []byte("payload"), 0o644); err != nil {
		return kv.Cursor{}, kv.Incarnation{}, err
	}
	if f.during != nil {
		return f.live, f.liveInc, f.during(dir)
	}
	return f.live, f.liveInc, nil
}

// Export refuses a copy that reopens at another cursor, a payload holding a link, and a
// destination that appeared while it ran; each time nothing is left behind and an intruder
// at the destination is untouched.
func TestExportRefuses(t *testing.T) {
	cur := kv.CursorFromUint64(5)
	parent := t.TempDir()
	dest := filepath.Join(parent, "artifact")
	cases := []struct {
		name, word string
		src        *fakeSource
	}{
		{"cursor lost", "reopens at", &fakeSource{live: cur, reopened: kv.CursorFromUint64(4)}},
		{"incarnation lost", "reopens at", &fakeSource{live: cur, reopened: cur, liveInc: testIncarnation(t, 1)}},
		{"link in payload", "non-regular", &fakeSource{live: cur, reopened: cur, during: func(dir string) error {
			return os.Symlink("sub/f", filepath.Join(dir, "link"))
		}}},
		{"destination appeared", "not empty", &fakeSource{live: cur, reopened: cur, during: func(string) error {
			if err := os.Mkdir(dest, 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dest, "intruder"), []byte("mine"), 0o644)
		}}},
	}
	for _, c := range cases {
		_, err := artifact.Export(c.src, dest)
		requireInvalid(t, c.name, err, c.word)
		ents := names(t, parent)
		if c.name == "destination appeared" {
			b, rerr := os.ReadFile(filepath.Join(dest, "intruder"))
			if rerr != nil || string(b) != "mine" || len(ents) != 1 {
				t.Fatalf("%s: intruder touched (%q, %v) or stage left: %v", c.name, b, rerr, ents)
			}
			continue
		}
		if len(ents) != 0 {
			t.Fatalf("%s: export left %v behind", c.name, ents)
		}
	}
}

// A well-behaved source exports a complete artifact: the manifest lists every payload file
// (subdirectories included) and the artifact passes WriteTar's checks.
func TestExportListsNestedFiles(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "artifact")
	inc := testIncarnation(t, 3)
	m, err := artifact.Export(&fakeSource{live: kv.CursorFromUint64(9), reopened: kv.CursorFromUint64(9), liveInc: inc, reopenedInc: inc}, dest)
	must(t, err)
	if len(m.Files) != 1 || m.Files[0].Path != "data/sub/f" || m.Files[0].Size != 7 {
		t.Fatalf("files %+v", m.Files)
	}
	got, raw, err := artifact.ReadManifest(dest)
	must(t, err)
	again, err := got.Marshal()
	must(t, err)
	if string(again) != string(raw) || got.Cursor != kv.CursorFromUint64(9) || got.Incarnation != inc || m.Incarnation != inc {
		t.Fatalf("manifest on disk does not round-trip: %s", raw)
	}
	if _, err := os.Stat(filepath.Join(dest, ".tmp-"+artifact.ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the manifest's temporary file is left: %v", err)
	}
}
