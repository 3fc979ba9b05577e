package artifact

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// blockSize is the tar block size: entry data is padded with zero bytes to a multiple of it.
const blockSize = 512

// WriteTar streams the artifact at artifactDir as a tar: MANIFEST.json first, then every listed
// payload file in manifest order, as plain regular-file entries with fixed metadata (no
// directories, links or extended headers), which is the form ImportTar accepts. The manifest
// is parsed first, and each file must still have its listed size.
func WriteTar(artifactDir string, w io.Writer) error {
	m, raw, err := ReadManifest(artifactDir)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	if err := writeEntry(tw, ManifestFile, int64(len(raw)), bytes.NewReader(raw)); err != nil {
		return err
	}
	for _, f := range m.Files {
		p := filepath.Join(artifactDir, filepath.FromSlash(f.Path))
		if err := writeFileEntry(tw, p, f); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("artifact: write tar of %s: %w", artifactDir, err)
	}
	return nil
}

func writeFileEntry(tw *tar.Writer, path string, f File) error {
	in, err := os.Open(path)
	if err != nil {
		return ioErr("open", path, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return ioErr("stat", path, err)
	}
	if !fi.Mode().IsRegular() || uint64(fi.Size()) != f.Size {
		return invalidf("payload file %s is no longer the regular file of %d bytes the manifest lists", f.Path, f.Size)
	}
	return writeEntry(tw, f.Path, int64(f.Size), in)
}

func writeEntry(tw *tar.Writer, name string, size int64, r io.Reader) error {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644, ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("artifact: tar header for %s: %w", name, err)
	}
	if n, err := io.Copy(tw, r); err != nil || n != size {
		return fmt.Errorf("artifact: tar entry %s: wrote %d of %d bytes: %w", name, n, size, err)
	}
	return nil
}

// ImportTar is Import from a tar stream such as WriteTar writes: the first entry must be
// MANIFEST.json, every other entry a regular file the manifest lists, with its listed size,
// each once; directories, links, devices, unlisted or oversize entries and non-zero padding
// are refused as they are met, before anything past the bound is written. The payload is
// staged beside dest, verified exactly as Import verifies it, and renamed into place. On any
// refusal dest is as it was and no staging directory remains; r may be left part-read. Only
// the form WriteTar writes is accepted: a tar from another writer (extended headers, another
// checksum layout) may be refused.
func ImportTar(r io.Reader, dest string, v Verifier, opts ImportOptions) (*Manifest, error) {
	pr := &paddingReader{r: r}
	tr := tar.NewReader(pr)
	m, err := readTarManifest(tr, pr)
	if err != nil {
		return nil, err
	}
	if err := admit(m, v, opts); err != nil {
		return nil, err
	}
	st, err := openImportStage(m, v, dest)
	if err != nil {
		return nil, err
	}
	if err := copyTarEntries(st, tr, pr); err != nil {
		st.discard()
		return nil, err
	}
	if err := st.seal(v, dest); err != nil {
		return nil, err
	}
	return m, nil
}

func readTarManifest(tr *tar.Reader, pr *paddingReader) (*Manifest, error) {
	hdr, err := nextEntry(tr)
	if errors.Is(err, io.EOF) {
		return nil, invalidf("tar: the stream holds no entry; want %s first", ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	if hdr.Name != ManifestFile {
		return nil, invalidf("tar: first entry is %q, want %s", hdr.Name, ManifestFile)
	}
	if hdr.Size > MaxManifestBytes {
		return nil, invalidf("tar: %s entry is %d bytes, more than the %d allowed", ManifestFile, hdr.Size, MaxManifestBytes)
	}
	raw := make([]byte, hdr.Size)
	if _, err := io.ReadFull(tr, raw); err != nil {
		return nil, tarErr(ManifestFile, err)
	}
	pr.expectPadding(hdr.Size)
	return Parse(raw)
}

func copyTarEntries(st *importStage, tr *tar.Reader, pr *paddingReader) error {
	want := make(map[string]File, len(st.m.Files))
	for _, f := range st.m.Files {
		want[f.Path] = f
	}
	for {
		hdr, err := nextEntry(tr)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		f, ok := want[hdr.Name]
		if !ok {
			return invalidf("tar: entry %q is not a file the manifest lists (or is listed twice)", hdr.Name)
		}
		if uint64(hdr.Size) != f.Size {
			return invalidf("tar: entry %s is %d bytes, but the manifest lists %d", hdr.Name, hdr.Size, f.Size)
		}
		delete(want, hdr.Name)
		if err := st.copyFile(f, tr); err != nil {
			return err
		}
		pr.expectPadding(hdr.Size)
	}
	for _, f := range st.m.Files {
		if _, missing := want[f.Path]; missing {
			return invalidf("tar: payload file missing: %s is listed but not in the stream", f.Path)
		}
	}
	return nil
}

// nextEntry returns the next header, refusing anything but a plain regular file.
func nextEntry(tr *tar.Reader) (*tar.Header, error) {
	hdr, err := tr.Next()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, tarErr("header", err)
	}
	if hdr.Typeflag != tar.TypeReg || hdr.Linkname != "" {
		return nil, invalidf("tar: entry %q has type %q; only regular files are accepted (no directories, links or devices)", hdr.Name, hdr.Typeflag)
	}
	if hdr.Size < 0 {
		return nil, invalidf("tar: entry %q has a negative size", hdr.Name)
	}
	return hdr, nil
}

// tarErr classifies a failure of the tar stream: a malformed stream (or one cut short) is
// invalid, a failure of the underlying reader is I/O.
func tarErr(what string, err error) error {
	if errors.Is(err, ErrInvalid) {
		return err
	}
	if errors.Is(err, tar.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return invalidf("tar: %s: %v", what, err)
	}
	return ioErr("read tar", what, err)
}

// chksumEnd is the offset, in a tar header block, of the byte after the checksum's NUL: the
// checksum field ends with a NUL and a space, and archive/tar reads the field only up to the
// NUL, so the space is checked here.
const chksumEnd = 155

// paddingReader passes a tar stream through and checks the bytes archive/tar leaves unread:
// the padding after each entry's data must be zero, and each header's checksum field must end
// with its space. So no byte of a stream goes unchecked.
type paddingReader struct {
	r         io.Reader
	off       int64 // bytes passed through so far
	zeroUntil int64 // bytes before this offset (from off on) must be zero
	hdrAt     int64 // offset of the next header block
	nonZero   bool  // the header block at hdrAt has a non-zero byte so far
	sep       byte  // its byte at chksumEnd
}

// expectPadding is called once an entry of the given size has been read whole: its padding
// follows, then the next header.
func (p *paddingReader) expectPadding(size int64) {
	p.zeroUntil = p.off
	if rem := size % blockSize; rem != 0 {
		p.zeroUntil += blockSize - rem
	}
	p.hdrAt, p.nonZero = p.zeroUntil, false
}

func (p *paddingReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	for i := range n {
		at := p.off + int64(i)
		if at < p.zeroUntil && b[i] != 0 {
			return 0, invalidf("tar: non-zero padding byte at offset %d", at)
		}
		if at < p.hdrAt || at >= p.hdrAt+blockSize {
			continue
		}
		p.nonZero = p.nonZero || b[i] != 0
		if at == p.hdrAt+chksumEnd {
			p.sep = b[i]
		}
		if at == p.hdrAt+blockSize-1 && p.nonZero && p.sep != ' ' {
			return 0, invalidf("tar: header at offset %d: the checksum field does not end with a space", p.hdrAt)
		}
	}
	p.off += int64(n)
	return n, err
}
