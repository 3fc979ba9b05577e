package natsstore

import (
	"context"
	"errors"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// NATS JetStream API error codes this package tells apart. nats.go folds the two
// wrong-last-sequence codes into one jetstream.ErrKeyRevisionMismatch, but a caller must know
// whether its compare-and-swap was decided against it (10071) or not decided at all (10164):
// see NATS.md, "Two wrong-last-sequence codes".
const (
	codeWrongLastSequence         jetstream.ErrorCode = 10071 // decided: the key is at another revision
	codeWrongLastSequenceInFlight jetstream.ErrorCode = 10164 // undecided: another write to the subject is in flight
)

// apiErrorCode returns the JetStream API error code carried anywhere in err's chain, or 0.
func apiErrorCode(err error) jetstream.ErrorCode {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr != nil {
		return apiErr.ErrorCode
	}
	var jsErr jetstream.JetStreamError
	if errors.As(err, &jsErr) && jsErr != nil {
		if a := jsErr.APIError(); a != nil {
			return a.ErrorCode
		}
	}
	return 0
}

// casKind classifies a failed compare-and-swap write: 10164 is kv.ErrWriteInFlight (nothing was
// decided), 10071 is kv.ErrRevisionMismatch (decided against the caller). It returns nil when
// err is not a wrong-last-sequence error.
func casKind(err error) error {
	switch apiErrorCode(err) {
	case codeWrongLastSequenceInFlight:
		return kv.ErrWriteInFlight
	case codeWrongLastSequence:
		return kv.ErrRevisionMismatch
	}
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return kv.ErrRevisionMismatch
	}
	return nil
}

// failRead wraps the error of a read (nothing was changed) as a *kv.Error; see wrap.
func failRead(op, key string, err error) error { return wrap(op, key, err, false) }

// failWrite wraps the error of a write (which may or may not have been applied); see wrap.
func failWrite(op, key string, err error) error { return wrap(op, key, err, true) }

// wrap wraps a client or server error as a *kv.Error with the sentinel that describes it best
// and a hint that fits a read or a write. A nil err gives nil; a *kv.Error is returned as it is.
func wrap(op, key string, err error, write bool) error {
	if err == nil {
		return nil
	}
	var kerr *kv.Error
	if errors.As(err, &kerr) {
		return err
	}
	hint, kind := classify(err, write)
	e := kv.NewError(op, key, kind, err)
	if hint != "" {
		e = e.WithHint(hint)
	}
	return e
}

// classify maps an error from nats.go to a hint saying what to do and a kv sentinel; write
// says whether the failed operation was a write (whose outcome a timeout leaves open).
func classify(err error, write bool) (hint string, kind error) {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout),
		errors.Is(err, jetstream.ErrNoHeartbeat):
		return pick(write, hintWriteTimeout, hintReadTimeout), kv.ErrTimeout
	case errors.Is(err, context.Canceled):
		return pick(write, hintWriteCancelled, hintReadCancelled), kv.ErrOperationFailed
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, jetstream.ErrConnectionClosed),
		errors.Is(err, nats.ErrReconnectBufExceeded), errors.Is(err, nats.ErrConnectionDraining):
		return hintClosed, kv.ErrNotConnected
	case errors.Is(err, nats.ErrMaxPayload), apiErrorCode(err) == jetstream.JSErrCodeStreamMessageExceedsMaximum:
		return hintValueTooLarge, kv.ErrValueTooLarge
	case errors.Is(err, jetstream.ErrInvalidKey), errors.Is(err, nats.ErrBadSubject):
		return hintInvalidKey, kv.ErrInvalidKey
	}
	return "", kv.ErrOperationFailed
}

func pick(write bool, ifWrite, ifRead string) string {
	if write {
		return ifWrite
	}
	return ifRead
}

// expiryNeedles are the substrings (matched case-insensitively) that make a consumer-creation
// error look like "the start sequence is no longer retained". The server states this condition
// only in the error's text (no code names it), so text is all there is to match. The match is
// biased towards true: a false positive costs a safe resync, a false negative a silent gap.
var expiryNeedles = []string{"start sequence", "first sequence", "sequence not found", "too old"}

// looksLikeExpiry reports whether err's text matches one of expiryNeedles.
func looksLikeExpiry(err error) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, n := range expiryNeedles {
		if strings.Contains(msg, n) {
			return true
		}
	}
	return false
}

// notConnected is the error a Store method returns once its Conn is closed.
func notConnected(op, key string) error {
	return kv.NewError(op, key, kv.ErrNotConnected, nil).WithHint(hintClosed)
}

// neverConnected is the error a method of the zero Store (or a nil *Store) returns.
func neverConnected(op, key string) error {
	return kv.NewError(op, key, kv.ErrNotConnected, nil).WithHint(hintNeverConnected)
}

// credentialError is the error of a credential callback that nats.go runs at every
// (re)connect: it names the Config field and the reason, never a path or content. dialHint
// recognises it with errors.As.
type credentialError struct {
	field  string // e.g. "Config.CredsFile"
	reason string // e.g. "cannot be read: no such file or directory"
}

func (e *credentialError) Error() string { return "natsstore: " + e.field + " " + e.reason }
