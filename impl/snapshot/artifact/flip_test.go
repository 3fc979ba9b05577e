package artifact_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// flipMasks are the ways a byte is damaged: its low bit, and all of its bits.
var flipMasks = []byte{0x01, 0xff}

// Every single-byte flip of the manifest and of the payload is refused, and the destination
// stays exactly as it was.
func TestEveryByteFlipOfAnArtifactIsRefused(t *testing.T) {
	src := sample(t, 5)
	format := backends()[0].format
	for _, name := range []string{artifact.ManifestFile, filepath.Join("data", "fold.snap")} {
		art := filepath.Join(t.TempDir(), "artifact")
		copyTree(t, src, art)
		p := filepath.Join(art, name)
		orig, err := os.ReadFile(p)
		must(t, err)
		parent := t.TempDir()
		dest := filepath.Join(parent, "dest")
		before := listing(t, parent)
		for i := range orig {
			for _, mask := range flipMasks {
				b := bytes.Clone(orig)
				b[i] ^= mask
				must(t, os.WriteFile(p, b, 0o644))
				if _, err := artifact.Import(art, dest, format, artifact.ImportOptions{}); err == nil {
					t.Fatalf("%s: flipping byte %d with %#x was accepted", name, i, mask)
				} else {
					requireInvalid(t, name, err)
				}
				requireSame(t, name, before, listing(t, parent))
			}
		}
		must(t, os.WriteFile(p, orig, 0o644))
		if _, err := artifact.Import(art, dest, format, artifact.ImportOptions{}); err != nil {
			t.Fatalf("%s: the undamaged artifact is refused: %v", name, err)
		}
	}
}

// Every single-byte flip of the tar stream WriteTar makes is refused (headers, data, padding
// and the end-of-archive blocks), and the destination stays exactly as it was.
func TestEveryByteFlipOfATarIsRefused(t *testing.T) {
	src := sample(t, 5)
	format := backends()[0].format
	var buf bytes.Buffer
	must(t, artifact.WriteTar(src, &buf))
	orig := buf.Bytes()
	parent := t.TempDir()
	dest := filepath.Join(parent, "dest")
	before := listing(t, parent)
	for i := range orig {
		for _, mask := range flipMasks {
			b := bytes.Clone(orig)
			b[i] ^= mask
			if _, err := artifact.ImportTar(bytes.NewReader(b), dest, format, artifact.ImportOptions{}); err == nil {
				t.Fatalf("tar: flipping byte %d of %d with %#x was accepted", i, len(orig), mask)
			} else {
				requireInvalid(t, "tar", err)
			}
			requireSame(t, "tar", before, listing(t, parent))
		}
	}
	if _, err := artifact.ImportTar(bytes.NewReader(orig), dest, format, artifact.ImportOptions{}); err != nil {
		t.Fatalf("the undamaged tar is refused: %v", err)
	}
}
