package linearizability

import (
	"context"
	"errors"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Getter is the read a KV adapter records: kv.Reader's Get (natsstore's Store answers it with a
// direct get, its LeaderReads view through the stream leader).
type Getter interface {
	Get(ctx context.Context, key string) (kv.Entry, bool, error)
}

// KV wraps a kv.Writer and the two read paths so that every call is recorded under one Client.
// It is itself a kv.Writer. Like its Client it is sequential: one goroutine at a time.
type KV struct {
	c      *Client
	w      kv.Writer
	leader Getter
	direct Getter
}

var _ kv.Writer = (*KV)(nil)

// NewKV returns an adapter recording c's calls to w, leader (LeaderGet) and direct (DirectGet).
// leader or direct may be nil if the workload never calls that read.
func NewKV(c *Client, w kv.Writer, leader, direct Getter) *KV {
	return &KV{c: c, w: w, leader: leader, direct: direct}
}

// Client returns the client the adapter records under.
func (k *KV) Client() *Client { return k.c }

// Classify maps an error from a kv.Writer or kv.Reader to an outcome: nil is OutcomeOK;
// ErrAlreadyExists, ErrRevisionMismatch and ErrWriteInFlight are themselves; the errors a store
// returns before sending anything (invalid key, version or config, value too large,
// unsupported) are OutcomeNotSent; everything else (timeouts, a lost connection, a cancelled
// context, any other failure) is OutcomeUnknown, because a write may have been applied.
func Classify(err error) Outcome {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, kv.ErrAlreadyExists):
		return OutcomeAlreadyExists
	case errors.Is(err, kv.ErrRevisionMismatch):
		return OutcomeRevisionMismatch
	case errors.Is(err, kv.ErrWriteInFlight):
		return OutcomeWriteInFlight
	case errors.Is(err, kv.ErrInvalidKey), errors.Is(err, kv.ErrInvalidVersion),
		errors.Is(err, kv.ErrValueTooLarge), errors.Is(err, kv.ErrInvalidConfig),
		errors.Is(err, kv.ErrUnsupported):
		return OutcomeNotSent
	}
	return OutcomeUnknown
}

func finish(op *Operation, err error) {
	op.Outcome = Classify(err)
	if err != nil {
		op.Err = err.Error()
	}
}

func revOf(v kv.Version) uint64 {
	rev, _ := v.Uint64()
	return rev
}

func (k *KV) write(ctx context.Context, kind Kind, key string, value []byte, expected kv.Version,
	do func() (kv.Version, error)) (kv.Version, error) {
	op := Operation{Key: key, Kind: kind, Value: string(value)}
	if kind.HasExpected() {
		op.Expected = revOf(expected)
	}
	var (
		ver kv.Version
		err error
	)
	k.c.Record(op, func(op *Operation) {
		ver, err = do()
		finish(op, err)
		if err == nil && kind.HasValue() {
			op.Revision = revOf(ver)
		}
	})
	return ver, err
}

// Put records and performs w.Put.
func (k *KV) Put(ctx context.Context, key string, value []byte) (kv.Version, error) {
	return k.write(ctx, KindPut, key, value, kv.Version{}, func() (kv.Version, error) { return k.w.Put(ctx, key, value) })
}

// Create records and performs w.Create.
func (k *KV) Create(ctx context.Context, key string, value []byte) (kv.Version, error) {
	return k.write(ctx, KindCreate, key, value, kv.Version{}, func() (kv.Version, error) { return k.w.Create(ctx, key, value) })
}

// Update records and performs w.Update.
func (k *KV) Update(ctx context.Context, key string, value []byte, expected kv.Version) (kv.Version, error) {
	return k.write(ctx, KindUpdate, key, value, expected, func() (kv.Version, error) { return k.w.Update(ctx, key, value, expected) })
}

// Delete records and performs w.Delete.
func (k *KV) Delete(ctx context.Context, key string) error {
	_, err := k.write(ctx, KindDelete, key, nil, kv.Version{}, func() (kv.Version, error) { return kv.Version{}, k.w.Delete(ctx, key) })
	return err
}

// DeleteWithVersion records and performs w.DeleteWithVersion.
func (k *KV) DeleteWithVersion(ctx context.Context, key string, expected kv.Version) error {
	_, err := k.write(ctx, KindDeleteWithVersion, key, nil, expected, func() (kv.Version, error) {
		return kv.Version{}, k.w.DeleteWithVersion(ctx, key, expected)
	})
	return err
}

// LeaderGet records and performs a read through the leader path.
func (k *KV) LeaderGet(ctx context.Context, key string) (kv.Entry, bool, error) {
	return k.read(ctx, KindLeaderGet, k.leader, key)
}

// DirectGet records and performs a read through the direct path (any replica).
func (k *KV) DirectGet(ctx context.Context, key string) (kv.Entry, bool, error) {
	return k.read(ctx, KindDirectGet, k.direct, key)
}

func (k *KV) read(ctx context.Context, kind Kind, g Getter, key string) (kv.Entry, bool, error) {
	if g == nil {
		err := kv.NewError(string(kind), key, kv.ErrUnsupported, nil).WithHint("the KV adapter was built without this read path")
		return kv.Entry{}, false, err
	}
	var (
		e     kv.Entry
		found bool
		err   error
	)
	k.c.Record(Operation{Key: key, Kind: kind}, func(op *Operation) {
		e, found, err = g.Get(ctx, key)
		finish(op, err)
		if err == nil && found {
			op.Found, op.Read, op.Revision = true, string(e.Value), revOf(e.Version)
		}
	})
	return e, found, err
}
