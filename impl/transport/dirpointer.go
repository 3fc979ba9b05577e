//go:build unix

package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// dirPointers keeps <root>/<key>.pointer, swapped under an exclusive lock by rename.
type dirPointers struct {
	root string
	// lock takes an exclusive lock on f (blocking); a test may replace it.
	lock func(f *os.File) error
}

func (p *dirPointers) path(key string) string { return filepath.Join(p.root, key+".pointer") }

// read returns at most MaxPointerBytes+1 bytes of the pointer, so that an oversize pointer is
// refused without reading all of it.
func (p *dirPointers) read(_ context.Context, key string) ([]byte, bool, error) {
	f, err := os.Open(p.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxPointerBytes+1))
	return b, err == nil, err
}

func (p *dirPointers) swap(ctx context.Context, key string, val []byte, decide func([]byte, bool) bool) (bool, error) {
	return false, p.locked(key, func() error {
		cur, present, err := p.read(ctx, key)
		if err != nil || decide(cur, present) {
			return err
		}
		return writeAtomic(p.path(key), val)
	})
}

// keys lists the keys below base that have a pointer file.
func (p *dirPointers) keys(_ context.Context, base string) ([]string, error) {
	ents, err := os.ReadDir(p.root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if key, ok := strings.CutSuffix(e.Name(), ".pointer"); ok && e.Type().IsRegular() && strings.HasPrefix(key, base+".") {
			out = append(out, key)
		}
	}
	return out, nil
}

// remove deletes the pointer file under the key's lock. The lock file stays: deleting it while
// another process waits on it would let two processes lock different files.
func (p *dirPointers) remove(ctx context.Context, key string, decide func([]byte) (bool, error)) (removed bool, err error) {
	err = p.locked(key, func() error {
		cur, present, err := p.read(ctx, key)
		if err != nil || !present {
			return err
		}
		if del, err := decide(cur); err != nil || !del {
			return err
		}
		if err := os.Remove(p.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = true
		return syncDir(p.root)
	})
	return removed, err
}

// locked runs f holding an exclusive flock on <root>/<key>.lock; a file system that cannot
// lock fails closed with ErrNoCompareAndSwap.
func (p *dirPointers) locked(key string, f func() error) error {
	lf, err := os.OpenFile(filepath.Join(p.root, key+".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close() // closing releases the lock
	if err := p.lock(lf); err != nil {
		if errors.Is(err, syscall.ENOLCK) || errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS) {
			return fmt.Errorf("%w: cannot lock %s: %w", ErrNoCompareAndSwap, lf.Name(), err)
		}
		return err
	}
	return f()
}

func flock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }

// writeAtomic writes b beside path, fsyncs it, renames it over path and fsyncs the directory.
func writeAtomic(path string, b []byte) error {
	return writeDurably(path, ".pointer-*", func(f *os.File) error {
		_, err := f.Write(b)
		return err
	})
}

// writeDurably creates a temporary file beside path (named by pattern, as os.CreateTemp takes
// it), lets fill write it, fsyncs it, renames it over path and fsyncs the directory: a file
// that exists at path is complete. The temporary file is removed on any failure.
func writeDurably(path, pattern string, fill func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := fill(f); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
