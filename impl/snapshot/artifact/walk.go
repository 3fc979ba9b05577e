package artifact

import (
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/zeebo/blake3"
)

// bufSize is the copy and hashing buffer.
const bufSize = 1 << 20

// walkPayload lists the regular files under root/data as manifest paths ("data/…", sorted) and
// the directories under it (data itself included). Symbolic links, devices, sockets, pipes and
// any other non-regular file are refused, as are names that are not valid manifest paths.
func walkPayload(root string) (files, dirs []string, err error) {
	top := filepath.Join(root, DataDir)
	err = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return ioErr("walk", p, err)
		}
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil || !utf8.ValidString(rel) {
			return invalidf("payload file %q has a name that is not valid UTF-8", p)
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			dirs = append(dirs, p)
			return nil
		case !d.Type().IsRegular():
			return invalidf("payload file %s is non-regular (%v); an artifact holds only regular files and directories", rel, d.Type())
		}
		if err := CheckPath(rel); err != nil {
			return err
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.Sort(files)
	return files, dirs, nil
}

// hashFile streams path through BLAKE3.
func hashFile(path string, buf []byte) (Digest, error) {
	f, err := os.Open(path)
	if err != nil {
		return Digest{}, ioErr("open", path, err)
	}
	defer f.Close()
	h := blake3.New()
	n, err := io.CopyBuffer(h, f, buf)
	if err != nil {
		return Digest{}, ioErr("read", path, err)
	}
	return Digest{Size: uint64(n), BLAKE3: hex.EncodeToString(h.Sum(nil))}, nil
}

// hashPayload hashes every file under root/data, fsyncs every file and directory there, and
// returns the manifest's file list. The fsyncs run while the files are hashed.
func hashPayload(root string) ([]File, error) {
	paths, dirs, err := walkPayload(root)
	if err != nil {
		return nil, err
	}
	full := make([]string, len(paths), len(paths)+len(dirs))
	for i, p := range paths {
		full[i] = filepath.Join(root, filepath.FromSlash(p))
	}
	synced := make(chan error, 1)
	go func() { synced <- syncAll(append(full, dirs...)) }()
	files, err := payloadFiles(paths, full, nil)
	if serr := <-synced; err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	return files, nil
}

// syncConcurrency bounds the fsyncs syncAll runs at once.
const syncConcurrency = 8

// syncAll fsyncs the given files and directories, several at once: concurrent fsyncs share
// the file system's journal commits, where one after another each waits for its own.
func syncAll(paths []string) error {
	errs := make([]error, len(paths))
	sem := make(chan struct{}, syncConcurrency)
	var wg sync.WaitGroup
	for i, p := range paths {
		sem <- struct{}{}
		wg.Go(func() {
			errs[i] = syncPath(p)
			<-sem
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// syncPath fsyncs one file or directory.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return ioErr("open", p, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ioErr("fsync", p, err)
	}
	return nil
}
