package appendlog

import (
	"io"
	"os"
)

// File is the part of *os.File the log uses. Tests wrap it to inject failures.
type File interface {
	io.Writer
	io.ReaderAt
	// Truncate changes the file's size (the log uses it to take back a failed write).
	Truncate(size int64) error
	// Sync commits the file's contents to stable storage.
	Sync() error
	// Stat describes the open file (the log sizes the file from its handle, never by path).
	Stat() (os.FileInfo, error)
	Close() error
	// Name is the path the file was opened with.
	Name() string
}

// FS is the file system the log uses. The zero Options use the operating system's; tests pass
// a wrapper that fails chosen operations.
type FS interface {
	// OpenAppend opens path for reading and appending, creating it (mode 0o644) if absent.
	OpenAppend(path string) (File, error)
	// CreateTemp creates a new file in dir, as os.CreateTemp does.
	CreateTemp(dir, pattern string) (File, error)
	// ReadFile reads the whole file at path.
	ReadFile(path string) ([]byte, error)
	// Rename atomically replaces newpath with oldpath.
	Rename(oldpath, newpath string) error
	// Remove deletes path.
	Remove(path string) error
	// SyncDir fsyncs the directory dir, making a rename in it durable.
	SyncDir(dir string) error
}

// OSFS is the operating system's file system.
type OSFS struct{}

// OpenAppend implements FS.
func (OSFS) OpenAppend(path string) (File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
}

// CreateTemp implements FS.
func (OSFS) CreateTemp(dir, pattern string) (File, error) { return os.CreateTemp(dir, pattern) }

// ReadFile implements FS.
func (OSFS) ReadFile(path string) ([]byte, error) { return os.ReadFile(path) }

// Rename implements FS.
func (OSFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove implements FS.
func (OSFS) Remove(path string) error { return os.Remove(path) }

// SyncDir implements FS.
func (OSFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

func fsOrOS(fs FS) FS {
	if fs == nil {
		return OSFS{}
	}
	return fs
}
