package linearizability

import (
	"context"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// fakeBucket is an in-memory bucket with NATS KV semantics (one global sequence, delete
// markers, create on absent-or-deleted, compare-and-swap on the last record's revision). It
// is linearizable by construction (one mutex), so histories recorded against it must hold.
type fakeBucket struct {
	mu   sync.Mutex
	seq  uint64
	keys map[string]fakeRecord

	// failNext, when set, is returned by the next write instead of performing it; applyAnyway
	// performs the write before returning the error (a timeout whose write landed).
	failNext    error
	applyAnyway bool
}

type fakeRecord struct {
	rev     uint64
	value   string
	deleted bool
}

func newFakeBucket() *fakeBucket { return &fakeBucket{keys: map[string]fakeRecord{}} }

func (b *fakeBucket) injected(do func() (kv.Version, error)) (kv.Version, error, bool) {
	if b.failNext == nil {
		return kv.Version{}, nil, false
	}
	err := b.failNext
	b.failNext = nil
	if b.applyAnyway {
		do()
	}
	return kv.Version{}, err, true
}

func (b *fakeBucket) write(key, value string, deleted bool) kv.Version {
	b.seq++
	b.keys[key] = fakeRecord{rev: b.seq, value: value, deleted: deleted}
	return kv.VersionFromUint64(b.seq)
}

func (b *fakeBucket) Put(_ context.Context, key string, value []byte) (kv.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	do := func() (kv.Version, error) { return b.write(key, string(value), false), nil }
	if v, err, ok := b.injected(do); ok {
		return v, err
	}
	return do()
}

func (b *fakeBucket) Create(_ context.Context, key string, value []byte) (kv.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	do := func() (kv.Version, error) {
		if r, ok := b.keys[key]; ok && !r.deleted {
			return kv.Version{}, kv.NewError("create", key, kv.ErrAlreadyExists, nil)
		}
		return b.write(key, string(value), false), nil
	}
	if v, err, ok := b.injected(do); ok {
		return v, err
	}
	return do()
}

func (b *fakeBucket) cas(op, key string, expected kv.Version, value string, deleted bool) (kv.Version, error) {
	do := func() (kv.Version, error) {
		want, _ := expected.Uint64()
		if b.keys[key].rev != want {
			return kv.Version{}, kv.NewError(op, key, kv.ErrRevisionMismatch, nil)
		}
		return b.write(key, value, deleted), nil
	}
	if v, err, ok := b.injected(do); ok {
		return v, err
	}
	return do()
}

func (b *fakeBucket) Update(_ context.Context, key string, value []byte, expected kv.Version) (kv.Version, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cas("update", key, expected, string(value), false)
}

func (b *fakeBucket) Delete(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	do := func() (kv.Version, error) { return b.write(key, "", true), nil }
	_, err, ok := b.injected(do)
	if !ok {
		do()
	}
	return err
}

func (b *fakeBucket) DeleteWithVersion(_ context.Context, key string, expected kv.Version) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.cas("delete with version", key, expected, "", true)
	return err
}

func (b *fakeBucket) Get(_ context.Context, key string) (kv.Entry, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.keys[key]
	if !ok || r.deleted {
		return kv.Entry{}, false, nil
	}
	return kv.Entry{Key: key, Value: []byte(r.value), Version: kv.VersionFromUint64(r.rev)}, true, nil
}
