package artifact

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Verifier is a backend's fold format, as artifact needs it: its identity, which generations
// it can import, and a way to open a payload and read its cursor.
type Verifier interface {
	// Identity is the backend and the format generation an export of this backend writes.
	Identity() Identity
	// Accepts returns nil when a payload of this format generation can be imported, else why
	// not.
	Accepts(generation string) error
	// Verify opens the fold held in dataDir (the contents of an artifact's data/), returns the
	// cursor it recovers and the stream incarnation stored with it (zero when none is), and
	// closes it before returning. It may refuse a payload that does not open cleanly; it must
	// not change anything outside dataDir.
	Verify(dataDir string) (kv.Cursor, kv.Incarnation, error)
}

// Source is a live fold that can export itself. The caller guarantees no Apply runs during
// Export (applied.Run exports between flushes), so the payload is consistent with one cursor.
type Source interface {
	Verifier
	// WritePayload writes the fold into dataDir, which does not exist yet, and returns the
	// live cursor the payload is consistent with and the incarnation stored with it.
	WritePayload(dataDir string) (kv.Cursor, kv.Incarnation, error)
}

// Export writes a verified artifact of src at dest, which must be absent or an empty
// directory. It stages the artifact in a hidden directory beside dest; src writes its payload;
// the copy is reopened through src.Verify (or, for a CheckingSource, checked as it is written)
// and its cursor and incarnation must equal the live ones (the manifest records both); then
// every file is hashed and fsynced, MANIFEST.json is written last (temporary file, fsync, rename),
// and the staged directory is renamed to dest and its parent fsynced. Any artifact that exists
// is therefore complete. On error nothing is left at dest, nor any staging directory.
func Export(src Source, dest string) (*Manifest, error) {
	stage, err := newStage(dest)
	if err != nil {
		return nil, err
	}
	sealed := false
	defer func() {
		if !sealed {
			_ = os.RemoveAll(stage)
		}
	}()
	m, err := exportInto(src, stage)
	if err != nil {
		return nil, err
	}
	if err := renameIntoPlace(stage, dest); err != nil {
		return nil, err
	}
	sealed = true
	return m, nil
}

// exportInto fills the staging directory and returns its manifest.
func exportInto(src Source, stage string) (*Manifest, error) {
	x, err := writeAndCheck(src, stage)
	if err != nil {
		return nil, err
	}
	live, liveInc, files := x.Live, x.LiveIncarnation, x.files
	if x.Copy != live || x.CopyIncarnation != liveInc {
		return nil, invalidf("export: the copy reopens at %v of stream %v, the live fold is at %v of stream %v", x.Copy, x.CopyIncarnation, live, liveInc)
	}
	m := &Manifest{Identity: src.Identity(), Cursor: live, Incarnation: liveInc, Created: time.Now().UTC().Truncate(time.Second), Files: files}
	b, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	if err := writeManifest(stage, b); err != nil {
		return nil, err
	}
	return m, nil
}

// verifyPayload reopens the payload staged at stage through src and returns the cursor and
// incarnation it recovers and the manifest's file list, every file hashed and fsynced. A
// HashingVerifier's files are fsynced while it verifies and hashes them in one read; any other
// source is verified first (its Verify may create files, which the list must then include),
// then every file is hashed and fsynced.
func verifyPayload(src Source, stage string) (kv.Cursor, kv.Incarnation, []File, error) {
	data := filepath.Join(stage, DataDir)
	if _, ok := src.(HashingVerifier); !ok {
		got, gotInc, err := src.Verify(data)
		if err != nil {
			return kv.Cursor{}, kv.Incarnation{}, nil, copyDoesNotOpen(err)
		}
		files, err := hashPayload(stage)
		return got, gotInc, files, err
	}
	paths, dirs, err := walkPayload(stage)
	if err != nil {
		return kv.Cursor{}, kv.Incarnation{}, nil, err
	}
	full := make([]string, len(paths), len(paths)+len(dirs))
	for i, p := range paths {
		full[i] = filepath.Join(stage, filepath.FromSlash(p))
	}
	synced := make(chan error, 1)
	go func() { synced <- syncAll(append(full, dirs...)) }()
	got, gotInc, digests, err := verifyHashed(src, data)
	if serr := <-synced; err == nil && serr != nil {
		return kv.Cursor{}, kv.Incarnation{}, nil, serr
	}
	if err != nil {
		return kv.Cursor{}, kv.Incarnation{}, nil, copyDoesNotOpen(err)
	}
	files, err := payloadFiles(paths, full, digests)
	if err != nil {
		return kv.Cursor{}, kv.Incarnation{}, nil, err
	}
	return got, gotInc, files, nil
}

// hashWorkers is how many files payloadFiles hashes at once: while one worker waits on a read,
// another hashes. One file after another, a 1M-key Pebble export spent about 40 ms hashing its
// 40 MB of tables, with a core idle during every read.
const hashWorkers = 2

// payloadFiles returns the manifest's entry of each payload file, paths relative to the
// artifact root and full their paths on disk: its digest from known (keyed by the relative
// path) when the verifier hashed it while reading it, else hashed here. On failure it returns
// the error of the first file, in order, that failed.
func payloadFiles(paths, full []string, known map[string]Digest) ([]File, error) {
	files := make([]File, len(paths))
	errs := make([]error, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(hashWorkers, len(paths)) {
		wg.Go(func() {
			var buf []byte
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				d, ok := known[paths[i]]
				if !ok {
					if buf == nil {
						buf = make([]byte, bufSize)
					}
					d, errs[i] = hashFile(full[i], buf)
				}
				files[i] = File{Path: paths[i], Size: d.Size, BLAKE3: d.BLAKE3}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

func copyDoesNotOpen(err error) error {
	return fmt.Errorf("%w: export: the copy does not open: %w", ErrInvalid, err)
}

// writeManifest writes MANIFEST.json atomically (temporary file, fsync, rename) and fsyncs the
// artifact root.
func writeManifest(root string, b []byte) error {
	tmp := filepath.Join(root, ".tmp-"+ManifestFile)
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(root, ManifestFile)); err != nil {
		return ioErr("rename manifest in", root, err)
	}
	return syncDir(root)
}

// ReadManifest reads and parses the manifest of the artifact at dir. It returns the bytes as
// read too: derive names (a content address) from them, never from a re-marshalled copy.
func ReadManifest(dir string) (*Manifest, []byte, error) {
	p := filepath.Join(dir, ManifestFile)
	fi, err := os.Lstat(p)
	if os.IsNotExist(err) {
		return nil, nil, invalidf("no %s in %s (not an artifact, or an unfinished one)", ManifestFile, dir)
	}
	if err != nil {
		return nil, nil, ioErr("stat", p, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > MaxManifestBytes {
		return nil, nil, invalidf("%s is not a regular file of at most %d bytes", p, MaxManifestBytes)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, ioErr("read", p, err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	return m, b, nil
}
