package natsstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// TestCASKindKeepsTheTwoWrongLastSequenceCodesApart wraps real *jetstream.APIError values
// exactly the way nats.go v1.55 returns them from Update and Delete (mapRevisionMismatch:
// fmt.Errorf("%w: %w", apiErr, ErrKeyRevisionMismatch)), so both match
// jetstream.ErrKeyRevisionMismatch, and checks that casFail still tells them apart.
func TestCASKindKeepsTheTwoWrongLastSequenceCodesApart(t *testing.T) {
	t.Parallel()
	mk := func(code jetstream.ErrorCode, desc string) error {
		return fmt.Errorf("%w: %w", &jetstream.APIError{Code: 400, ErrorCode: code, Description: desc}, jetstream.ErrKeyRevisionMismatch)
	}
	decided := mk(codeWrongLastSequence, "wrong last sequence: 7")
	inFlight := mk(codeWrongLastSequenceInFlight, "wrong last sequence")
	for _, e := range []error{decided, inFlight} {
		if !errors.Is(e, jetstream.ErrKeyRevisionMismatch) {
			t.Fatal("the fixture must look like nats.go's folded error")
		}
	}
	if err := casFail("update", "k", decided); !errors.Is(err, kv.ErrRevisionMismatch) || errors.Is(err, kv.ErrWriteInFlight) {
		t.Fatalf("10071: %v", err)
	}
	if err := casFail("update", "k", inFlight); !errors.Is(err, kv.ErrWriteInFlight) || errors.Is(err, kv.ErrRevisionMismatch) {
		t.Fatalf("10164: %v", err)
	}
	// The cause stays reachable for callers that want the server's text.
	var apiErr *jetstream.APIError
	if err := casFail("update", "k", inFlight); !errors.As(err, &apiErr) || apiErr.ErrorCode != 10164 {
		t.Fatalf("the APIError must stay reachable: %v", err)
	}
	// Create's shape for 10164 (nats.go wraps ErrKeyExists explicitly).
	createInFlight := fmt.Errorf("%w: %w", &jetstream.APIError{Code: 400, ErrorCode: 10164}, jetstream.ErrKeyExists)
	if apiErrorCode(createInFlight) != codeWrongLastSequenceInFlight {
		t.Fatal("Create's 10164 must be recognised before ErrKeyExists")
	}
	if casKind(errors.New("something else")) != nil {
		t.Fatal("an unrelated error is not a CAS outcome")
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want error
	}{
		{context.DeadlineExceeded, kv.ErrTimeout},
		{fmt.Errorf("x: %w", nats.ErrTimeout), kv.ErrTimeout},
		{nats.ErrConnectionClosed, kv.ErrNotConnected},
		{jetstream.ErrConnectionClosed, kv.ErrNotConnected},
		{nats.ErrMaxPayload, kv.ErrValueTooLarge},
		{&jetstream.APIError{Code: 400, ErrorCode: jetstream.JSErrCodeStreamMessageExceedsMaximum}, kv.ErrValueTooLarge},
		{jetstream.ErrInvalidKey, kv.ErrInvalidKey},
		{errors.New("boom"), kv.ErrOperationFailed},
	}
	for _, c := range cases {
		for _, f := range []func(string, string, error) error{failRead, failWrite} {
			if err := f("op", "k", c.err); !errors.Is(err, c.want) || !errors.Is(err, c.err) {
				t.Errorf("wrap(%v) = %v, want kind %v with the cause kept", c.err, err, c.want)
			}
		}
	}
	if failRead("op", "k", nil) != nil || failWrite("op", "k", nil) != nil {
		t.Fatal("wrapping nil must give nil")
	}
	already := kv.NewError("x", "k", kv.ErrInvalidKey, nil)
	if failRead("op", "k", already) != error(already) {
		t.Fatal("a *kv.Error passes through unchanged")
	}
}

// A cancelled or timed-out read says that nothing was changed; a write says it may or may not
// have been applied.
func TestReadAndWriteHintsDiffer(t *testing.T) {
	t.Parallel()
	for _, cause := range []error{context.Canceled, context.DeadlineExceeded} {
		var r, w *kv.Error
		if !errors.As(failRead("get", "k", cause), &r) || !errors.As(failWrite("put", "k", cause), &w) {
			t.Fatal("not a *kv.Error")
		}
		if !strings.Contains(r.Hint, "read") || strings.Contains(r.Hint, "write") {
			t.Errorf("%v on a read: hint %q should speak of the read", cause, r.Hint)
		}
		if !strings.Contains(w.Hint, "may or may not have been applied") {
			t.Errorf("%v on a write: hint %q should say the outcome is unknown", cause, w.Hint)
		}
	}
}

// A cancelled Get, Scan and Keys give the read hint, end to end.
func TestCancelledReadsGiveTheReadHint(t *testing.T) {
	t.Parallel()
	d := newTestBucket(t, "cancelread")
	d.put("k", "v")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, errGet := d.store.Get(ctx, "k")
	_, errScan := d.store.Scan(ctx, "")
	_, errKeys := d.store.Keys(ctx, "")
	for name, err := range map[string]error{"get": errGet, "scan": errScan, "keys": errKeys} {
		var ke *kv.Error
		if !errors.As(err, &ke) {
			t.Fatalf("cancelled %s = %v, want a *kv.Error", name, err)
		}
		if ke.Hint != hintReadCancelled {
			t.Errorf("cancelled %s: hint %q, want %q", name, ke.Hint, hintReadCancelled)
		}
	}
}

func TestLooksLikeExpiry(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"consumer start sequence is too old", "first sequence is 42, requested 1",
		"sequence not found in stream", "requested revision is too old", "Consumer Start Sequence Too Old",
	} {
		if !looksLikeExpiry(errors.New(s)) {
			t.Errorf("%q must look like expiry", s)
		}
	}
	for _, s := range []string{"connection refused", "permission denied", "stream not found"} {
		if looksLikeExpiry(errors.New(s)) {
			t.Errorf("%q must not look like expiry", s)
		}
	}
	if looksLikeExpiry(nil) {
		t.Fatal("nil is not expiry")
	}
}

// dialHint recognises the package's own credential failures by type, however nats.go wraps
// them, and never by their text.
func TestDialHintByType(t *testing.T) {
	t.Parallel()
	cfg := Config{URL: "nats://127.0.0.1:4222"}
	cred := &credentialError{field: "Config.CredsFile", reason: "cannot be read: permission denied"}
	for _, err := range []error{
		cred,
		fmt.Errorf("error signing nonce: %w", cred),             // nats.go's wrapping of a signature callback
		kv.NewError("connect", "", kv.ErrConnectionFailed, nil), // a creds file that does not parse
	} {
		if got := dialHint(err, cfg); got != hintCredentials {
			t.Errorf("dialHint(%v) = %q, want the credentials hint", err, got)
		}
	}
	// The same words without the type are not a credential failure.
	if got := dialHint(errors.New(cred.Error()), cfg); got == hintCredentials {
		t.Errorf("dialHint matched a credential failure by its text: %q", got)
	}
	if got := dialHint(errors.New("error signing nonce: boom"), cfg); got == hintCredentials {
		t.Errorf("dialHint matched nats.go's text: %q", got)
	}
	for err, want := range map[error]string{
		nats.ErrAuthorization:                         hintAuthRejected,
		fmt.Errorf("x: %w", nats.ErrAuthExpired):      hintAuthRejected,
		nats.ErrSecureConnRequired:                    hintTLSMismatch,
		fmt.Errorf("x: %w", nats.ErrSecureConnWanted): hintTLSMismatch,
	} {
		if got := dialHint(err, cfg); got != want {
			t.Errorf("dialHint(%v) = %q, want %q", err, got, want)
		}
	}
	if got := dialHint(nats.ErrNoServers, cfg); !strings.Contains(got, "127.0.0.1:4222") {
		t.Errorf("no-servers hint %q does not name the URL", got)
	}
}
