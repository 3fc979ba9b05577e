package pebble

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// opError is every error this package returns: the operation, the store's directory, the
// snapshot sentinel it matches and the engine's cause. errors.Is matches both Kind and Cause.
type opError struct {
	op    string
	dir   string
	kind  error
	cause error
}

func (e *opError) Error() string {
	var b strings.Builder
	b.WriteString("pebble snapshot ")
	b.WriteString(e.op)
	if e.dir != "" {
		b.WriteString(" ")
		b.WriteString(e.dir)
	}
	b.WriteString(": ")
	b.WriteString(e.kind.Error())
	if e.cause != nil && e.cause != e.kind {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.cause.Error(), e.kind.Error()+": "))
	}
	if h := hint(e.kind); h != "" {
		b.WriteString(" (")
		b.WriteString(h)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap exposes the sentinel and the cause to errors.Is and errors.As.
func (e *opError) Unwrap() []error {
	if e.cause == nil || e.cause == e.kind {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// hint says what to do about each kind of failure; it is written here once.
func hint(kind error) string {
	switch kind {
	case snapshot.ErrIO:
		return "check the disk's free space and the directory's permissions"
	case snapshot.ErrInvalidFormat:
		return "the directory does not hold a fold this version can read: delete it and fold again from the zero cursor"
	case snapshot.ErrClosed:
		return "open the store again"
	case snapshot.ErrPoisoned:
		return "the engine failed mid-commit: close the store and open it again"
	}
	return ""
}

// storeErr wraps err for op. An error that already matches one of the sentinels this package
// raises keeps that kind; any other engine error is ErrIO when the file system caused it and
// ErrBackend otherwise.
func (s *Store) storeErr(op string, err error) error {
	return wrapErr(op, s.dir, err)
}

func wrapErr(op, dir string, err error) error {
	if err == nil {
		return nil
	}
	for _, k := range []error{snapshot.ErrInvalidFormat, snapshot.ErrClosed, snapshot.ErrPoisoned} {
		if errors.Is(err, k) {
			return &opError{op: op, dir: dir, kind: k, cause: err}
		}
	}
	kind := snapshot.ErrBackend
	if isIO(err) {
		kind = snapshot.ErrIO
	}
	return &opError{op: op, dir: dir, kind: kind, cause: err}
}

// isIO reports whether the file system caused err: a path, link or system-call error, or a
// bare errno, anywhere in its chain.
func isIO(err error) bool {
	var (
		pathErr *fs.PathError
		linkErr *os.LinkError
		sysErr  *os.SyscallError
		errno   syscall.Errno
	)
	return errors.As(err, &pathErr) || errors.As(err, &linkErr) || errors.As(err, &sysErr) || errors.As(err, &errno)
}
