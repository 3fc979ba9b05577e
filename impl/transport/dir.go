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

// NewDirectory returns the transport that keeps payloads and pointers under root on one
// host's file system: <root>/<key>.payloads/<rank>-<hash>.tar and <root>/<key>.pointer. The
// pointer swap holds an exclusive flock on <root>/<key>.lock while it reads, decides and
// renames a new pointer into place; a file system that cannot lock fails the swap closed with
// ErrNoCompareAndSwap. root must exist.
func NewDirectory(root string) (*Remote, error) {
	fi, err := os.Stat(root)
	if err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("transport: directory %s must exist: %v", root, err)
	}
	return &Remote{objs: dirObjects{root}, ptrs: &dirPointers{root: root, lock: flock}}, nil
}

type dirObjects struct{ root string }

func (o dirObjects) has(_ context.Context, name string) (bool, error) {
	_, err := os.Stat(filepath.Join(o.root, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// put writes the object beside its final name, fsyncs it and renames it into place: an object
// that exists is complete.
func (o dirObjects) put(_ context.Context, name string, r io.Reader) error {
	dst := filepath.Join(o.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(dst), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if _, err := io.Copy(f, r); err != nil {
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
	if err := os.Rename(f.Name(), dst); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

func (o dirObjects) get(_ context.Context, name string, w io.Writer) error {
	f, err := os.Open(filepath.Join(o.root, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return errObjectMissing
	}
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func (o dirObjects) list(_ context.Context, prefix string) ([]object, error) {
	dir := filepath.Join(o.root, filepath.FromSlash(strings.TrimSuffix(prefix, "/")))
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []object
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue // in-flight uploads and anything not ours
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed since the listing
		}
		out = append(out, object{name: prefix + e.Name(), modTime: fi.ModTime()})
	}
	return out, nil
}

func (o dirObjects) remove(_ context.Context, name string) error {
	err := os.Remove(filepath.Join(o.root, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return errObjectMissing
	}
	return err
}

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
	lf, err := os.OpenFile(filepath.Join(p.root, key+".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return false, err
	}
	defer lf.Close() // closing releases the lock
	if err := p.lock(lf); err != nil {
		if errors.Is(err, syscall.ENOLCK) || errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS) {
			return false, fmt.Errorf("%w: cannot lock %s: %w", ErrNoCompareAndSwap, lf.Name(), err)
		}
		return false, err
	}
	cur, present, err := p.read(ctx, key)
	if err != nil {
		return false, err
	}
	if decide(cur, present) {
		return false, nil
	}
	return false, writeAtomic(p.path(key), val)
}

func flock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }

// writeAtomic writes b beside path, fsyncs it, renames it over path and fsyncs the directory.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".pointer-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
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
