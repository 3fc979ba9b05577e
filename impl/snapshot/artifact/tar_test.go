package artifact_test

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// entry is one crafted tar entry; body nil means the header alone (the stream is cut there).
type entry struct {
	hdr  tar.Header
	body []byte
}

func reg(name string, body []byte) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(body)), Mode: 0o644}, body: body}
}

func craft(t *testing.T, es ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		must(t, tw.WriteHeader(&e.hdr))
		if e.body == nil {
			return buf.Bytes()
		}
		_, err := tw.Write(e.body)
		must(t, err)
	}
	must(t, tw.Close())
	return buf.Bytes()
}

// Tar import refuses slip paths, links, devices, directories, unlisted, duplicate, missing and
// oversize entries, and a stream that does not start with the manifest; the destination stays
// as it was each time.
func TestImportTarRefuses(t *testing.T) {
	art := sample(t, 5)
	man, err := os.ReadFile(filepath.Join(art, artifact.ManifestFile))
	must(t, err)
	fold, err := os.ReadFile(filepath.Join(art, "data", "fold.snap"))
	must(t, err)
	m := reg(artifact.ManifestFile, man)
	payload := reg("data/fold.snap", fold)
	typed := func(name string, flag byte, link string) entry {
		return entry{hdr: tar.Header{Typeflag: flag, Name: name, Linkname: link, Mode: 0o644}, body: []byte{}}
	}
	bigger := reg("data/fold.snap", append(bytes.Clone(fold), 'x'))
	cases := []struct {
		name, word string
		stream     []byte
		opts       artifact.ImportOptions
	}{
		{"slip dotdot", "not a file the manifest lists", craft(t, m, reg("../evil", []byte("x")), payload), artifact.ImportOptions{}},
		{"slip absolute", "not a file the manifest lists", craft(t, m, reg("/tmp/evil", []byte("x")), payload), artifact.ImportOptions{}},
		{"slip inner", "not a file the manifest lists", craft(t, m, reg("data/../data/fold.snap", fold)), artifact.ImportOptions{}},
		{"symlink", "only regular files", craft(t, m, typed("data/fold.snap", tar.TypeSymlink, "/etc/passwd")), artifact.ImportOptions{}},
		{"hard link", "only regular files", craft(t, m, typed("data/fold.snap", tar.TypeLink, "MANIFEST.json")), artifact.ImportOptions{}},
		{"directory", "only regular files", craft(t, m, typed("data/", tar.TypeDir, ""), payload), artifact.ImportOptions{}},
		{"char device", "only regular files", craft(t, m, typed("data/fold.snap", tar.TypeChar, "")), artifact.ImportOptions{}},
		{"fifo", "only regular files", craft(t, m, typed("data/fold.snap", tar.TypeFifo, "")), artifact.ImportOptions{}},
		{"unlisted", "not a file the manifest lists", craft(t, m, payload, reg("data/extra", []byte("x"))), artifact.ImportOptions{}},
		{"duplicate", "listed twice", craft(t, m, payload, payload), artifact.ImportOptions{}},
		{"missing", "payload file missing", craft(t, m), artifact.ImportOptions{}},
		{"oversize", "manifest lists", craft(t, m, bigger), artifact.ImportOptions{}},
		{"manifest not first", "first entry", craft(t, payload, m), artifact.ImportOptions{}},
		{"file bound", "MaxFileBytes", craft(t, m, payload), artifact.ImportOptions{MaxFileBytes: 10}},
		{"truncated", "stream ends", craft(t, m, payload)[:1024+512+100], artifact.ImportOptions{}},
		{"empty stream", "tar", nil, artifact.ImportOptions{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireRefused(t, c.name, c.word, func(dest string) error {
				_, err := artifact.ImportTar(bytes.NewReader(c.stream), dest, backends()[0].format, c.opts)
				return err
			})
		})
	}
}

// countingReader serves prefix, then endless 'x' bytes, counting what was read.
type countingReader struct {
	prefix []byte
	n      int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	k := copy(b, c.prefix)
	c.prefix = c.prefix[k:]
	for i := k; i < len(b); i++ {
		b[i] = 'x'
	}
	c.n += int64(len(b))
	return len(b), nil
}

// An entry announcing more than the manifest lists, or a manifest entry over its bound, is
// refused at its header: the stream is read no further than that header.
func TestImportTarRefusesOversizeBeforeReadingIt(t *testing.T) {
	art := sample(t, 5)
	man, err := os.ReadFile(filepath.Join(art, artifact.ManifestFile))
	must(t, err)
	huge := entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: "data/fold.snap", Size: 1 << 40, Mode: 0o644}}
	hugeManifest := entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: artifact.ManifestFile, Size: 1 << 30, Mode: 0o644}}
	for _, c := range []struct {
		name, word string
		prefix     []byte
	}{
		{"payload", "manifest lists", craft(t, reg(artifact.ManifestFile, man), huge)},
		{"manifest", "allowed", craft(t, hugeManifest)},
	} {
		requireRefused(t, c.name, c.word, func(dest string) error {
			r := &countingReader{prefix: c.prefix}
			_, err := artifact.ImportTar(r, dest, backends()[0].format, artifact.ImportOptions{})
			if r.n > int64(len(c.prefix))+512 {
				t.Fatalf("%s: read %d bytes of a %d-byte prefix before refusing", c.name, r.n, len(c.prefix))
			}
			return err
		})
	}
}

// WriteTar refuses an artifact whose files no longer match the manifest's sizes.
func TestWriteTarChecksSizes(t *testing.T) {
	art := sample(t, 5)
	f, err := os.OpenFile(filepath.Join(art, "data", "fold.snap"), os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	_, _ = f.Write([]byte("x"))
	must(t, f.Close())
	requireInvalid(t, "grown file", artifact.WriteTar(art, io.Discard), "data/fold.snap")
}
