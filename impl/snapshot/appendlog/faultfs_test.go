package appendlog

import (
	"errors"
	"sync"
)

var errInjected = errors.New("injected fault")

// faultFS is the operating system's file system with failures on demand: arm(op, n) lets n
// more calls of op succeed and fails the next one (once). Ops: "open", "createTemp",
// "readFile", "rename", "remove", "syncDir", and on files "write" (the log), "tmpWrite" (a
// compaction's temporary file), "truncate", "sync", "stat". A failing "write" first writes
// half of its bytes, as a full disk can.
type faultFS struct {
	OSFS
	mu    sync.Mutex
	armed map[string]int
	calls map[string]int
	log   []string // every op, in call order
}

func newFaultFS() *faultFS { return &faultFS{armed: map[string]int{}, calls: map[string]int{}} }

func (f *faultFS) arm(op string, after int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed[op] = after
}

func (f *faultFS) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// ops returns the ops called so far, in order, and forgets them.
func (f *faultFS) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}

func (f *faultFS) check(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	f.log = append(f.log, op)
	n, ok := f.armed[op]
	if !ok {
		return nil
	}
	if n > 0 {
		f.armed[op] = n - 1
		return nil
	}
	delete(f.armed, op)
	return errInjected
}

func (f *faultFS) OpenAppend(path string) (File, error) {
	if err := f.check("open"); err != nil {
		return nil, err
	}
	file, err := f.OSFS.OpenAppend(path)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, writeOp: "write"}, nil
}

func (f *faultFS) CreateTemp(dir, pattern string) (File, error) {
	if err := f.check("createTemp"); err != nil {
		return nil, err
	}
	file, err := f.OSFS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, writeOp: "tmpWrite"}, nil
}

func (f *faultFS) ReadFile(path string) ([]byte, error) {
	if err := f.check("readFile"); err != nil {
		return nil, err
	}
	return f.OSFS.ReadFile(path)
}

func (f *faultFS) Rename(oldpath, newpath string) error {
	if err := f.check("rename"); err != nil {
		return err
	}
	return f.OSFS.Rename(oldpath, newpath)
}

func (f *faultFS) Remove(path string) error {
	if err := f.check("remove"); err != nil {
		return err
	}
	return f.OSFS.Remove(path)
}

func (f *faultFS) SyncDir(dir string) error {
	if err := f.check("syncDir"); err != nil {
		return err
	}
	return f.OSFS.SyncDir(dir)
}

type faultFile struct {
	File
	fs      *faultFS
	writeOp string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.fs.check(f.writeOp); err != nil {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, err
	}
	return f.File.Write(p)
}

func (f *faultFile) Truncate(size int64) error {
	if err := f.fs.check("truncate"); err != nil {
		return err
	}
	return f.File.Truncate(size)
}

func (f *faultFile) Sync() error {
	if err := f.fs.check("sync"); err != nil {
		return err
	}
	return f.File.Sync()
}
