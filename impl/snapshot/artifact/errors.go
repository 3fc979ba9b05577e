package artifact

import (
	"errors"
	"fmt"

	"github.com/slipstream-go/slipstream/impl/snapshot"
)

// ErrInvalid: an artifact (or a destination) was refused. The message names the file and what
// was wrong with it. A refused artifact is never retried as is: fetch or export a new one.
// When a backend refused the staged copy, the error also matches that backend's snapshot
// sentinel (snapshot.ErrCorrupted, snapshot.ErrInvalidFormat, …).
var ErrInvalid = errors.New("artifact invalid")

// invalidf returns an error matching ErrInvalid with the formatted detail.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// ioErr wraps a file-system failure as snapshot.ErrIO, naming the operation and the path. The
// destination is as it was, so the operation may be retried.
func ioErr(op, path string, err error) error {
	return fmt.Errorf("%w: %s %s: %w", snapshot.ErrIO, op, path, err)
}
