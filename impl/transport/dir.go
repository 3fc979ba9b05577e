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
	return writeDurably(dst, ".upload-*", func(f *os.File) error {
		_, err := io.Copy(f, r)
		return err
	})
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

// list reads one key's payload directory when prefix names one (it holds a '/'), else every
// <key>.payloads directory of a key starting with prefix.
func (o dirObjects) list(_ context.Context, prefix string) ([]object, error) {
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		return o.listDir(prefix[:i+1], prefix[i+1:])
	}
	ents, err := os.ReadDir(o.root)
	if err != nil {
		return nil, err
	}
	var out []object
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".payloads") {
			objs, err := o.listDir(e.Name()+"/", "")
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
	}
	return out, nil
}

// listDir lists the objects in the directory dirPrefix (a name prefix ending in '/') whose
// file names start with namePrefix.
func (o dirObjects) listDir(dirPrefix, namePrefix string) ([]object, error) {
	dir := filepath.Join(o.root, filepath.FromSlash(strings.TrimSuffix(dirPrefix, "/")))
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []object
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasPrefix(e.Name(), namePrefix) {
			continue // in-flight uploads and anything not ours
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed since the listing
		}
		out = append(out, object{name: dirPrefix + e.Name(), modTime: fi.ModTime()})
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
