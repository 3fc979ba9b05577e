package artifact

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zeebo/blake3"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// ImportOptions bound what an import accepts. A zero bound is no bound beyond the sizes the
// manifest lists (which are always enforced).
type ImportOptions struct {
	// MaxFileBytes refuses an artifact listing a file larger than this.
	MaxFileBytes uint64
	// MaxTotalBytes refuses an artifact whose files add up to more than this.
	MaxTotalBytes uint64
}

// admit checks a parsed manifest against the importing backend and the bounds, before any
// payload byte is read.
func admit(m *Manifest, v Verifier, opts ImportOptions) error {
	want := v.Identity()
	if m.Identity.Backend != want.Backend {
		return invalidf("%s: backend %q, but this fold is %q", ManifestFile, m.Identity.Backend, want.Backend)
	}
	if err := v.Accepts(m.Identity.Generation); err != nil {
		return fmt.Errorf("%w: %s: backend_version %q: %w", ErrInvalid, ManifestFile, m.Identity.Generation, err)
	}
	var total uint64
	for _, f := range m.Files {
		if opts.MaxFileBytes > 0 && f.Size > opts.MaxFileBytes {
			return invalidf("%s: file %s is %d bytes, more than the %d allowed (ImportOptions.MaxFileBytes)", ManifestFile, f.Path, f.Size, opts.MaxFileBytes)
		}
		if total+f.Size < total || (opts.MaxTotalBytes > 0 && total+f.Size > opts.MaxTotalBytes) {
			return invalidf("%s: the files add up to more than the %d bytes allowed (ImportOptions.MaxTotalBytes)", ManifestFile, opts.MaxTotalBytes)
		}
		total += f.Size
	}
	return nil
}

// importStage is a hidden directory beside the destination that receives the payload of an
// untrusted artifact, file by file, before it is verified and renamed into place.
type importStage struct {
	root string
	m    *Manifest
	dirs map[string]bool // directories created under root/data
	buf  []byte
	// hashLater: the verifier hashes the staged files while it verifies them (HashingVerifier),
	// so copyFile only copies (by the kernel where it can) and seal checks the hashes.
	hashLater bool
}

func openImportStage(m *Manifest, v Verifier, dest string) (*importStage, error) {
	root, err := newStage(dest)
	if err != nil {
		return nil, err
	}
	data := filepath.Join(root, DataDir)
	if err := os.Mkdir(data, 0o755); err != nil {
		_ = os.RemoveAll(root)
		return nil, ioErr("create", data, err)
	}
	_, hashLater := v.(HashingVerifier)
	return &importStage{root: root, m: m, dirs: map[string]bool{data: true}, buf: make([]byte, bufSize), hashLater: hashLater}, nil
}

// discard removes the stage.
func (s *importStage) discard() { _ = os.RemoveAll(s.root) }

// copyFile copies f's contents from r into the stage, reading at most one byte more than f
// lists, and checks the size and then, unless seal will, the hash of the bytes copied.
func (s *importStage) copyFile(f File, r io.Reader) error {
	dst := filepath.Join(s.root, filepath.FromSlash(f.Path))
	if err := s.mkdirs(filepath.Dir(dst)); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return ioErr("create", dst, err)
	}
	defer out.Close()
	var w io.Writer = out // an *os.File to an *os.File: copy_file_range where it can
	var h *blake3.Hasher
	if !s.hashLater {
		h = blake3.New()
		w = io.MultiWriter(out, h)
	}
	n, err := io.CopyBuffer(w, io.LimitReader(r, int64(f.Size)+1), s.buf)
	switch {
	case errors.Is(err, ErrInvalid):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidf("payload file %s: the stream ends after %d of its %d bytes", f.Path, n, f.Size)
	case err != nil:
		return ioErr("copy", f.Path, err)
	case uint64(n) != f.Size:
		return invalidf("payload file %s: %d bytes or more, but the manifest lists %d", f.Path, n, f.Size)
	}
	if s.hashLater {
		return nil
	}
	return checkSum(f, hex.EncodeToString(h.Sum(nil)))
}

// checkSum refuses a file whose BLAKE3 hash is not the one the manifest lists.
func checkSum(f File, sum string) error {
	if sum != f.BLAKE3 {
		return invalidf("payload file %s: checksum mismatch (BLAKE3 %s, the manifest lists %s)", f.Path, sum, f.BLAKE3)
	}
	return nil
}

func (s *importStage) mkdirs(dir string) error {
	if s.dirs[dir] {
		return nil
	}
	if err := s.mkdirs(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return ioErr("create", dir, err)
	}
	s.dirs[dir] = true
	return nil
}

// seal fsyncs the staged files and directories, opens it through v and requires its cursor
// and incarnation to equal the manifest's, then renames the payload to dest. The stage is gone afterwards either way.
func (s *importStage) seal(v Verifier, dest string) error {
	defer s.discard()
	paths := make([]string, 0, len(s.m.Files)+len(s.dirs))
	for _, f := range s.m.Files {
		paths = append(paths, filepath.Join(s.root, filepath.FromSlash(f.Path)))
	}
	for d := range s.dirs {
		paths = append(paths, d)
	}
	got, inc, err := s.verify(v, paths)
	if err != nil {
		return err
	}
	if got != s.m.Cursor {
		return invalidf("the staged payload opens at %v, but the manifest's cursor_hex says %v", got, s.m.Cursor)
	}
	if inc != s.m.Incarnation {
		return invalidf("the staged payload belongs to stream %v, but the manifest's incarnation says %v", inc, s.m.Incarnation)
	}
	return renameIntoPlace(filepath.Join(s.root, DataDir), dest)
}

// verify fsyncs paths and opens the staged payload through v. A HashingVerifier runs while the
// fsyncs do, and every staged file's hash (its own, or hashFile's for a file it did not
// report) must then be the manifest's: a damaged file is refused by its checksum before any
// verification error. Any other verifier runs after the fsyncs, the hashes having been
// checked as the files were copied.
func (s *importStage) verify(v Verifier, paths []string) (kv.Cursor, kv.Incarnation, error) {
	data := filepath.Join(s.root, DataDir)
	if !s.hashLater {
		if err := syncAll(paths); err != nil {
			return kv.Cursor{}, kv.Incarnation{}, err
		}
		got, inc, err := v.Verify(data)
		if err != nil {
			return kv.Cursor{}, kv.Incarnation{}, stagedDoesNotOpen(err)
		}
		return got, inc, nil
	}
	synced := make(chan error, 1)
	go func() { synced <- syncAll(paths) }()
	got, inc, digests, verr := verifyHashed(v, data)
	serr := <-synced
	for _, f := range s.m.Files {
		d, ok := digests[f.Path]
		if !ok {
			var err error
			if d, err = hashFile(filepath.Join(s.root, filepath.FromSlash(f.Path)), s.buf); err != nil {
				return kv.Cursor{}, kv.Incarnation{}, err
			}
		}
		if d.Size != f.Size {
			return kv.Cursor{}, kv.Incarnation{}, invalidf("payload file %s: %d bytes staged, but the manifest lists %d", f.Path, d.Size, f.Size)
		}
		if err := checkSum(f, d.BLAKE3); err != nil {
			return kv.Cursor{}, kv.Incarnation{}, err
		}
	}
	if serr != nil {
		return kv.Cursor{}, kv.Incarnation{}, serr
	}
	if verr != nil {
		return kv.Cursor{}, kv.Incarnation{}, stagedDoesNotOpen(verr)
	}
	return got, inc, nil
}

func stagedDoesNotOpen(err error) error {
	return fmt.Errorf("%w: the staged payload does not open: %w", ErrInvalid, err)
}
