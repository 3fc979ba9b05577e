package artifact_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"lukechampine.com/blake3"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// hashingSource is a fakeSource whose verifier reports the given digests (keyed by path
// under data/), as a backend that hashes while it verifies does.
type hashingSource struct {
	fakeSource
	digests map[string]artifact.Digest
}

func (h *hashingSource) VerifyHashed(dir string) (kv.Cursor, kv.Incarnation, map[string]artifact.Digest, error) {
	c, inc, err := h.Verify(dir)
	return c, inc, h.digests, err
}

// fileDigest hashes the file at p independently of the package under test.
func fileDigest(t *testing.T, p string) artifact.Digest {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	sum := blake3.Sum256(b)
	return artifact.Digest{Size: uint64(len(b)), BLAKE3: hex.EncodeToString(sum[:])}
}

// Every backend's manifest lists each payload file with the size and BLAKE3 hash of the file
// on disk, whether the backend's verifier hashed it or the exporter did.
func TestManifestHashesAreTheFilesHashes(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			live := b.open(t, dir)
			defer live.Close()
			fill(t, live, 3000)
			art := filepath.Join(dir, "artifact")
			m, err := live.ExportArtifact(art)
			must(t, err)
			for _, f := range m.Files {
				if got := fileDigest(t, filepath.Join(art, filepath.FromSlash(f.Path))); got != (artifact.Digest{Size: f.Size, BLAKE3: f.BLAKE3}) {
					t.Fatalf("%s: manifest lists %d bytes %s, the file is %d bytes %s", f.Path, f.Size, f.BLAKE3, got.Size, got.BLAKE3)
				}
			}
		})
	}
}

// A hashing verifier that reports no digest leaves the exporter and the importer to hash the
// file themselves; one that reports a digest other than the manifest's has the import refused
// by checksum, before its verification runs.
func TestHashingVerifierDigests(t *testing.T) {
	cur := kv.CursorFromUint64(9)
	src := &hashingSource{fakeSource: fakeSource{live: cur, reopened: cur}}
	art := filepath.Join(t.TempDir(), "artifact")
	m, err := artifact.Export(src, art)
	must(t, err)
	want := fileDigest(t, filepath.Join(art, "data", "sub", "f"))
	if len(m.Files) != 1 || m.Files[0].Size != want.Size || m.Files[0].BLAKE3 != want.BLAKE3 {
		t.Fatalf("files %+v, want %+v", m.Files, want)
	}
	dest := filepath.Join(t.TempDir(), "imported")
	if _, err := artifact.Import(art, dest, src, artifact.ImportOptions{}); err != nil {
		t.Fatalf("import hashing the file itself: %v", err)
	}
	forged := &hashingSource{fakeSource: fakeSource{reopened: cur}, digests: map[string]artifact.Digest{"sub/f": artifact.DigestOf([]byte("payloaD"))}}
	_, err = artifact.Import(art, filepath.Join(t.TempDir(), "refused"), forged, artifact.ImportOptions{})
	requireInvalid(t, "a digest other than the manifest's", err, "data/sub/f", "checksum mismatch")
	right := &hashingSource{fakeSource: fakeSource{reopened: cur}, digests: map[string]artifact.Digest{"sub/f": want}}
	if _, err := artifact.Import(art, filepath.Join(t.TempDir(), "imported2"), right, artifact.ImportOptions{}); err != nil {
		t.Fatalf("import with the verifier's digest: %v", err)
	}
}
