package artifact

import (
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"

	"lukechampine.com/blake3"
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

// hashFile streams path through BLAKE3, then fsyncs it.
func hashFile(path string, buf []byte) (size uint64, sum string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", ioErr("open", path, err)
	}
	defer f.Close()
	h := blake3.New(32, nil)
	n, err := io.CopyBuffer(h, f, buf)
	if err != nil {
		return 0, "", ioErr("read", path, err)
	}
	if err := f.Sync(); err != nil {
		return 0, "", ioErr("fsync", path, err)
	}
	return uint64(n), hex.EncodeToString(h.Sum(nil)), nil
}

// hashPayload hashes and fsyncs every file under root/data, fsyncs every directory, and
// returns the manifest's file list.
func hashPayload(root string) ([]File, error) {
	paths, dirs, err := walkPayload(root)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, bufSize)
	files := make([]File, len(paths))
	for i, p := range paths {
		size, sum, err := hashFile(filepath.Join(root, filepath.FromSlash(p)), buf)
		if err != nil {
			return nil, err
		}
		files[i] = File{Path: p, Size: size, BLAKE3: sum}
	}
	for _, d := range dirs {
		if err := syncDir(d); err != nil {
			return nil, err
		}
	}
	return files, nil
}
