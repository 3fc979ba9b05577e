package artifact_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// copyTree copies the regular files and directories under src to dst.
func copyTree(t testing.TB, src, dst string) { copyFiles(t, src, dst, false) }

// copyFiles is copyTree; with skipVanished, a file that disappears while the copy runs (a live
// store deleting what it no longer needs) is skipped instead of failing the copy.
func copyFiles(t testing.TB, src, dst string, skipVanished bool) {
	t.Helper()
	vanished := func(err error) bool { return skipVanished && errors.Is(err, fs.ErrNotExist) }
	must(t, filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if vanished(err) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		in, err := os.Open(p)
		if vanished(err) {
			return nil
		}
		if err != nil {
			return err
		}
		defer in.Close()
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(f, in)
		return err
	}))
}

// remanifest rewrites the artifact's manifest after change, with a valid digest.
func remanifest(t testing.TB, art string, change func(m *artifact.Manifest)) {
	t.Helper()
	m, _, err := artifact.ReadManifest(art)
	must(t, err)
	change(m)
	b, err := m.Marshal()
	must(t, err)
	must(t, os.WriteFile(filepath.Join(art, artifact.ManifestFile), b, 0o644))
}

// refuseCase damages a copy of the sample artifact; the import must be refused with an error
// naming word, and leave the destination's parent exactly as it was.
type refuseCase struct {
	name   string
	damage func(t *testing.T, art string)
	opts   artifact.ImportOptions
	word   string
}

func TestImportRefuses(t *testing.T) {
	src := sample(t, 20)
	payload := func(art string) string { return filepath.Join(art, "data", "fold.snap") }
	cases := []refuseCase{
		{name: "tampered payload", word: "checksum mismatch", damage: func(t *testing.T, art string) {
			b, _ := os.ReadFile(payload(art))
			b[len(b)/2] ^= 1
			must(t, os.WriteFile(payload(art), b, 0o644))
		}},
		{name: "grown payload", word: "manifest lists", damage: func(t *testing.T, art string) {
			f, _ := os.OpenFile(payload(art), os.O_APPEND|os.O_WRONLY, 0)
			_, _ = f.Write([]byte("x"))
			must(t, f.Close())
		}},
		{name: "missing payload", word: "missing", damage: func(t *testing.T, art string) { must(t, os.Remove(payload(art))) }},
		{name: "undeclared file", word: "undeclared file data/extra", damage: func(t *testing.T, art string) {
			must(t, os.WriteFile(filepath.Join(art, "data", "extra"), nil, 0o644))
		}},
		{name: "symlink", word: "non-regular", damage: func(t *testing.T, art string) {
			must(t, os.Symlink("fold.snap", filepath.Join(art, "data", "link")))
		}},
		{name: "listed symlink", word: "non-regular", damage: func(t *testing.T, art string) {
			must(t, os.Rename(payload(art), filepath.Join(art, "real")))
			must(t, os.Symlink("../real", payload(art)))
		}},
		{name: "fifo", word: "non-regular", damage: func(t *testing.T, art string) {
			must(t, syscall.Mkfifo(filepath.Join(art, "data", "fifo"), 0o644))
		}},
		{name: "data is a symlink", word: "not a directory", damage: func(t *testing.T, art string) {
			must(t, os.Rename(filepath.Join(art, "data"), filepath.Join(art, "elsewhere")))
			must(t, os.Symlink("elsewhere", filepath.Join(art, "data")))
		}},
		{name: "no manifest", word: "no MANIFEST.json", damage: func(t *testing.T, art string) {
			must(t, os.Remove(filepath.Join(art, artifact.ManifestFile)))
		}},
		{name: "schema version", word: "schema_version", damage: func(t *testing.T, art string) {
			p := filepath.Join(art, artifact.ManifestFile)
			b, _ := os.ReadFile(p)
			must(t, os.WriteFile(p, bytes.Replace(b, []byte(`"schema_version": 1`), []byte(`"schema_version": 2`), 1), 0o644))
		}},
		{name: "wrong backend", word: "backend", damage: func(t *testing.T, art string) {
			remanifest(t, art, func(m *artifact.Manifest) { m.Identity.Backend = "pebble" })
		}},
		{name: "wrong generation", word: "backend_version", damage: func(t *testing.T, art string) {
			remanifest(t, art, func(m *artifact.Manifest) { m.Identity.Generation = "3" })
		}},
		{name: "doctored cursor", word: "cursor", damage: func(t *testing.T, art string) {
			remanifest(t, art, func(m *artifact.Manifest) { m.Cursor = kv.CursorFromUint64(7) })
		}},
		{name: "unlisted payload", word: "undeclared", damage: func(t *testing.T, art string) {
			remanifest(t, art, func(m *artifact.Manifest) { m.Files = nil })
		}},
		{name: "file bound", word: "MaxFileBytes", opts: artifact.ImportOptions{MaxFileBytes: 100}},
		{name: "total bound", word: "MaxTotalBytes", opts: artifact.ImportOptions{MaxTotalBytes: 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			art := filepath.Join(t.TempDir(), "artifact")
			copyTree(t, src, art)
			if c.damage != nil {
				c.damage(t, art)
			}
			requireRefused(t, c.name, c.word, func(dest string) error {
				_, err := artifact.Import(art, dest, backends()[0].format, c.opts)
				return err
			})
		})
	}
}

// requireRefused runs imp against a destination that is absent, and one that is an empty
// directory, and requires a refusal naming word with the parent left exactly as it was.
func requireRefused(t testing.TB, what, word string, imp func(dest string) error) {
	t.Helper()
	parent := t.TempDir()
	must(t, os.Mkdir(filepath.Join(parent, "empty"), 0o755))
	for _, dest := range []string{filepath.Join(parent, "absent"), filepath.Join(parent, "empty")} {
		before := listing(t, parent)
		requireInvalid(t, what, imp(dest), word)
		requireSame(t, what, before, listing(t, parent))
	}
}

// The Pebble backend's own checks: its generation gate and the cursor of the staged copy.
func TestImportRefusesPebble(t *testing.T) {
	b := backends()[1]
	dir := t.TempDir()
	live := b.open(t, dir)
	fill(t, live, 50)
	src := filepath.Join(dir, "artifact")
	_, err := live.ExportArtifact(src)
	must(t, err)
	must(t, live.Close())
	for _, c := range []struct {
		name, word string
		change     func(m *artifact.Manifest)
	}{
		{"doctored cursor", "cursor", func(m *artifact.Manifest) { m.Cursor = kv.CursorFromUint64(3) }},
		{"generation", "backend_version", func(m *artifact.Manifest) { m.Identity.Generation = "999" }},
		{"not a number", "backend_version", func(m *artifact.Manifest) { m.Identity.Generation = "v1" }},
		{"wrong backend", "backend", func(m *artifact.Manifest) { m.Identity.Backend = "append-log" }},
	} {
		art := filepath.Join(t.TempDir(), "artifact")
		copyTree(t, src, art)
		remanifest(t, art, c.change)
		requireRefused(t, c.name, c.word, func(dest string) error {
			_, err := artifact.Import(art, dest, b.format, artifact.ImportOptions{})
			return err
		})
	}
}
