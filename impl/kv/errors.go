package kv

import (
	"errors"
	"strings"
)

// Sentinel errors. Every failure a backend returns matches exactly one of these with errors.Is
// (an *Error carries it together with the operation, the key and the underlying cause).
var (
	// ErrNotConnected: the connection was never established or has been closed. Connect again
	// and open a new Store.
	ErrNotConnected = errors.New("store not connected")
	// ErrConnectionFailed: dialling, authenticating or creating the bucket failed.
	ErrConnectionFailed = errors.New("connection failed")
	// ErrKeyNotFound: the key does not exist where the operation needs it to.
	ErrKeyNotFound = errors.New("key not found")
	// ErrAlreadyExists: Create found a live value under the key.
	ErrAlreadyExists = errors.New("key already exists")
	// ErrRevisionMismatch: a compare-and-swap found the key at another revision (or absent).
	// The write was decided against the caller; re-read and retry if appropriate.
	ErrRevisionMismatch = errors.New("revision mismatch")
	// ErrWriteInFlight: another write to the same key was being applied when this
	// compare-and-swap arrived (NATS error 10164). Nothing was decided: the key may or may not
	// hold the expected revision. Re-read and retry.
	ErrWriteInFlight = errors.New("another write to the key is in flight")
	// ErrTimeout: the operation did not complete within its deadline. A write may or may not
	// have been applied.
	ErrTimeout = errors.New("operation timed out")
	// ErrCursorExpired: retention removed updates after a resume cursor that may have been
	// their keys' latest records (or the cursor is beyond the stream's last sequence), so a
	// fold resumed from it could miss a delete. Resync: list live keys, delete stale ones, and
	// watch from the zero cursor. A backend may resume a cursor behind its first retained
	// update instead, where retention removes only records their keys have superseded (the
	// newer record follows); natsstore does so on a bucket without limits.
	ErrCursorExpired = errors.New("watch cursor expired (compacted)")
	// ErrWatch: a watch could not be set up or ended for a reason other than its context.
	ErrWatch = errors.New("watch error")
	// ErrWatchOverrun: retention evicted updates a running watch had not delivered yet, so
	// some are lost to it (delete markers may be among them). It comes together with ErrWatch.
	// Resync as for ErrCursorExpired; applied.Run does so itself.
	ErrWatchOverrun = errors.New("retention overran the watch")
	// ErrInvalidKey: the key breaks the backend's key rules; nothing was sent.
	ErrInvalidKey = errors.New("invalid key")
	// ErrInvalidScope: a watch or listing prefix is not a valid key subtree; nothing was sent.
	ErrInvalidScope = errors.New("invalid scope")
	// ErrValueTooLarge: the value exceeds the backend's maximum; nothing was sent.
	ErrValueTooLarge = errors.New("value too large")
	// ErrInvalidVersion: a version token cannot be used here (unknown, or not this backend's form).
	ErrInvalidVersion = errors.New("invalid version token")
	// ErrInvalidConfig: a StoreConfig field is out of range.
	ErrInvalidConfig = errors.New("invalid store config")
	// ErrUnsupported: the backend or this bucket does not offer the operation.
	ErrUnsupported = errors.New("operation not supported")
	// ErrOperationFailed: any other backend failure; the cause says more.
	ErrOperationFailed = errors.New("operation failed")
)

// Error is the error type of the kv layer: which operation failed, on which key (if any), the
// sentinel it matches, and the underlying cause. errors.Is matches both Kind and Cause.
type Error struct {
	Op    string // the operation, e.g. "put", "watch", "connect"
	Key   string // the key or prefix involved, if any
	Kind  error  // one of the sentinels above
	Cause error  // the underlying error, if any
	Hint  string // what to do about it, if there is something to say
}

// Error formats as `kv put "node.a": revision mismatch: <cause> (<hint>)`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("kv ")
	b.WriteString(e.Op)
	if e.Key != "" {
		b.WriteString(" ")
		b.WriteString(quote(e.Key))
	}
	b.WriteString(": ")
	if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	}
	if e.Cause != nil {
		if e.Kind != nil {
			b.WriteString(": ")
		}
		b.WriteString(e.Cause.Error())
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap exposes both the sentinel and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	out := make([]error, 0, 2)
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Cause != nil {
		out = append(out, e.Cause)
	}
	return out
}

// Errorf-style constructor: NewError(op, key, kind, cause).
func NewError(op, key string, kind, cause error) *Error {
	return &Error{Op: op, Key: key, Kind: kind, Cause: cause}
}

// WithHint returns e with a hint saying what to do.
func (e *Error) WithHint(hint string) *Error {
	e.Hint = hint
	return e
}

func quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + s + `"`
}
