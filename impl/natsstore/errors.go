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
// wrong-last-sequence codes into one jetstream.ErrKeyRevisionMismatch; DESIGN §5 needs them apart.
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

// fail wraps a client or server error as a *kv.Error with the sentinel that describes it best.
// A nil err gives nil.
func fail(op, key string, err error) error {
	if err == nil {
		return nil
	}
	var kerr *kv.Error
	if errors.As(err, &kerr) {
		return err
	}
	kind, hint := classify(err)
	e := kv.NewError(op, key, kind, err)
	if hint != "" {
		e = e.WithHint(hint)
	}
	return e
}

// classify maps an error from nats.go to a kv sentinel and a hint saying what to do.
func classify(err error) (kind error, hint string) {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout),
		errors.Is(err, jetstream.ErrNoHeartbeat):
		return kv.ErrTimeout, "the server did not answer in time; if this was a write it may or may not have been applied — re-read before retrying"
	case errors.Is(err, context.Canceled):
		return kv.ErrOperationFailed, "the caller cancelled the operation; a write may or may not have been applied"
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, jetstream.ErrConnectionClosed),
		errors.Is(err, nats.ErrReconnectBufExceeded), errors.Is(err, nats.ErrConnectionDraining):
		return kv.ErrNotConnected, "the NATS connection is closed or down; connect again and reopen the store"
	case errors.Is(err, nats.ErrMaxPayload), apiErrorCode(err) == jetstream.JSErrCodeStreamMessageExceedsMaximum:
		return kv.ErrValueTooLarge, "the value exceeds the server's or the bucket's maximum message size"
	case errors.Is(err, jetstream.ErrInvalidKey), errors.Is(err, nats.ErrBadSubject):
		return kv.ErrInvalidKey, "keys are [-/_=.a-zA-Z0-9]+ without a leading or trailing dot or an empty token"
	}
	return kv.ErrOperationFailed, ""
}

// expiryNeedles are the substrings (matched case-insensitively) that make a consumer-creation
// error look like "the start sequence is no longer retained" (reference §2.9.5). The match is
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

// notConnected is the error every Store method returns once its Conn is closed.
func notConnected(op, key string) error {
	return kv.NewError(op, key, kv.ErrNotConnected, nil).
		WithHint("the connection was closed; connect again and reopen the store")
}
