package artifact

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// stagePattern names the hidden staging directories that export and import create beside
// their destination (same file system, so the final rename is atomic). A crash leaves at most
// such a directory behind; it is safe to delete.
const stagePattern = ".slipstream-artifact-*"

// checkDest reports whether dest may receive an artifact or a fold: it must be absent or an
// empty directory.
func checkDest(dest string) error {
	fi, err := os.Stat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return ioErr("stat destination", dest, err)
	case !fi.IsDir():
		return invalidf("destination %s already exists and is not a directory; choose another or remove it", dest)
	}
	d, err := os.Open(dest)
	if err != nil {
		return ioErr("open destination", dest, err)
	}
	defer d.Close()
	if _, err := d.Readdirnames(1); !errors.Is(err, io.EOF) {
		if err != nil {
			return ioErr("list destination", dest, err)
		}
		return invalidf("destination %s exists and is not empty; choose another or empty it", dest)
	}
	return nil
}

// newStage checks dest and creates a hidden staging directory beside it.
func newStage(dest string) (string, error) {
	if err := checkDest(dest); err != nil {
		return "", err
	}
	parent := filepath.Dir(filepath.Clean(dest))
	if filepath.Clean(dest) == parent {
		return "", invalidf("destination %s has no parent directory", dest)
	}
	stage, err := os.MkdirTemp(parent, stagePattern)
	if err != nil {
		return "", ioErr("create staging directory in", parent, err)
	}
	return stage, nil
}

// renameIntoPlace moves from to dest and fsyncs dest's parent. An empty directory at dest is
// removed first (non-recursively). If dest was filled meanwhile the rename fails and the error
// is returned: an artifact never overwrites anything.
func renameIntoPlace(from, dest string) error {
	if err := checkDest(dest); err != nil {
		return err
	}
	removed := false
	if fi, err := os.Lstat(dest); err == nil && fi.IsDir() {
		if err := os.Remove(dest); err != nil {
			return ioErr("remove the empty destination", dest, err)
		}
		removed = true
	}
	if err := os.Rename(from, dest); err != nil {
		if removed {
			_ = os.Mkdir(dest, 0o755) // put the empty directory back, as the caller had it
		}
		return ioErr("rename staged copy to", dest, err)
	}
	parent := filepath.Dir(filepath.Clean(dest))
	if err := syncDir(parent); err != nil {
		return err
	}
	return nil
}

// syncDir fsyncs a directory, so the entries created or renamed in it survive a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return ioErr("open directory", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ioErr("fsync directory", dir, err)
	}
	return nil
}

// writeFileSync writes data to path (created, not existing before) and fsyncs it.
func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return ioErr("create", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ioErr("write", path, err)
	}
	return nil
}
