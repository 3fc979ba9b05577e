package artifact_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// Both backends export and import through the same code: the imported fold equals the live
// one, at the same cursor, and a tail applied to both keeps them equal.
func TestRoundTripBothBackends(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			live := b.open(t, dir)
			defer live.Close()
			cur := fill(t, live, 2500)
			art := filepath.Join(dir, "artifact")
			m, err := live.ExportArtifact(art)
			must(t, err)
			if m.Cursor != cur || m.Identity.Backend != b.format.Identity().Backend {
				t.Fatalf("manifest %+v, want cursor %v", m, cur)
			}
			if strings.Contains(strings.Join(names(t, dir), ","), ".slipstream-artifact-") {
				t.Fatal("export left a staging directory behind")
			}
			for _, via := range []string{"dir", "tar"} {
				dest := filepath.Join(dir, "imported-"+via)
				got := importVia(t, via, art, dest, b.format)
				if got.Cursor != cur {
					t.Fatalf("%s import: cursor %v, want %v", via, got.Cursor, cur)
				}
				imp := b.openImported(t, dest)
				if imp.Cursor() != cur || dump(t, imp) != dump(t, live) {
					t.Fatalf("%s import: fold or cursor differs (cursor %v)", via, imp.Cursor())
				}
				tail := []kv.Update{{Op: kv.OpPut, Key: "tail", Value: []byte("t"), Version: kv.VersionFromUint64(9000)}}
				must(t, imp.Apply(tail, kv.CursorFromUint64(9000)))
				must(t, imp.Close())
			}
		})
	}
}

// An empty fold (zero cursor) exports and imports.
func TestRoundTripEmptyFold(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			live := b.open(t, dir)
			defer live.Close()
			art := filepath.Join(dir, "artifact")
			m, err := live.ExportArtifact(art)
			must(t, err)
			if !m.Cursor.IsZero() {
				t.Fatalf("cursor %v, want none", m.Cursor)
			}
			dest := filepath.Join(dir, "imported")
			importVia(t, "dir", art, dest, b.format)
			imp := b.openImported(t, dest)
			defer imp.Close()
			if !imp.Cursor().IsZero() || dump(t, imp) != "" {
				t.Fatalf("imported an empty fold as %v %q", imp.Cursor(), dump(t, imp))
			}
		})
	}
}

// importVia imports art into dest from the directory or through WriteTar + ImportTar.
func importVia(t *testing.T, via, art, dest string, f artifact.Verifier) *artifact.Manifest {
	t.Helper()
	if via == "dir" {
		m, err := artifact.Import(art, dest, f, artifact.ImportOptions{})
		must(t, err)
		return m
	}
	r, w, err := os.Pipe()
	must(t, err)
	done := make(chan error, 1)
	go func() { done <- artifact.WriteTar(art, w); _ = w.Close() }()
	m, err := artifact.ImportTar(r, dest, f, artifact.ImportOptions{})
	_ = r.Close()
	must(t, err)
	must(t, <-done)
	return m
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	must(t, err)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// Export and import refuse an occupied destination and leave it, and the artifact, as they
// were; an empty directory is a free destination.
func TestOccupiedDestination(t *testing.T) {
	b := backends()[0]
	dir := t.TempDir()
	live := b.open(t, dir)
	defer live.Close()
	fill(t, live, 10)
	full := filepath.Join(dir, "full")
	must(t, os.MkdirAll(full, 0o755))
	must(t, os.WriteFile(filepath.Join(full, "keep"), []byte("mine"), 0o644))
	file := filepath.Join(dir, "file")
	must(t, os.WriteFile(file, []byte("mine"), 0o644))
	empty := filepath.Join(dir, "empty")
	must(t, os.Mkdir(empty, 0o755))

	before := listing(t, dir)
	_, err := live.ExportArtifact(full)
	requireInvalid(t, "export into a non-empty dir", err, "not empty")
	_, err = live.ExportArtifact(file)
	requireInvalid(t, "export onto a file", err, "already exists")
	requireSame(t, "refused exports", before, listing(t, dir))

	_, err = live.ExportArtifact(empty)
	must(t, err)
	before = listing(t, dir)
	_, err = artifact.Import(empty, full, b.format, artifact.ImportOptions{})
	requireInvalid(t, "import into a non-empty dir", err, "not empty")
	requireSame(t, "refused import", before, listing(t, dir))
	// The artifact survived the refusal and imports elsewhere.
	_, err = artifact.Import(empty, filepath.Join(dir, "elsewhere"), b.format, artifact.ImportOptions{})
	must(t, err)
}

// The stamp travels with the fold: the manifest names the live fold's incarnation, and the
// imported fold recovers the live stamp (incarnation and contact time). A manifest re-sealed
// with another incarnation than its payload's is refused.
func TestRoundTripCarriesTheStamp(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			live := b.open(t, dir)
			defer live.Close()
			cur := fill(t, live, 10)
			inc := testIncarnation(t, 7)
			st := snapshot.Stamp{Stream: inc, Contact: time.Unix(1_800_000_000, 42)}
			must(t, live.ApplyStamped(nil, cur, st))
			art := filepath.Join(dir, "artifact")
			m, err := live.ExportArtifact(art)
			must(t, err)
			if m.Incarnation != inc {
				t.Fatalf("manifest incarnation %v, want %v", m.Incarnation, inc)
			}
			for _, via := range []string{"dir", "tar"} {
				dest := filepath.Join(dir, "imported-"+via)
				got := importVia(t, via, art, dest, b.format)
				imp := b.openImported(t, dest)
				if got.Incarnation != inc || !imp.Stamp().Equal(st) || imp.Cursor() != cur {
					t.Fatalf("%s import: manifest %v, fold stamp %v at %v; want %v at %v", via, got.Incarnation, imp.Stamp(), imp.Cursor(), st, cur)
				}
				must(t, imp.Close())
			}
			m.Incarnation = testIncarnation(t, 8)
			forged, err := m.Marshal()
			must(t, err)
			must(t, os.WriteFile(filepath.Join(art, artifact.ManifestFile), forged, 0o644))
			_, err = artifact.Import(art, filepath.Join(dir, "forged"), b.format, artifact.ImportOptions{})
			requireInvalid(t, "re-sealed incarnation", err, "belongs to stream")
		})
	}
}
