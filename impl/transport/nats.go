package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// PointerStore is what the NATS transport needs of the pointer's bucket: reads that show an
// empty value, and create-only and compare-and-swap writes. impl/natsstore's Store is one.
type PointerStore interface {
	kv.Reader
	kv.Writer
}

// NewNATS returns the transport that keeps payloads in the JetStream object store objs and
// pointers in the bucket ptrs (one kv key per transport key). It fails closed on a bucket
// that says it cannot compare-and-swap.
func NewNATS(objs jetstream.ObjectStore, ptrs PointerStore) (*Remote, error) {
	if objs == nil || ptrs == nil {
		return nil, errors.New("transport: NewNATS needs an object store and a pointer bucket")
	}
	if s, ok := ptrs.(kv.Store); ok && !s.Capabilities().CAS {
		return nil, fmt.Errorf("%w: bucket %s", ErrNoCompareAndSwap, s.Name())
	}
	return &Remote{objs: natsObjects{objs}, ptrs: kvPointers{ptrs}}, nil
}

type natsObjects struct{ s jetstream.ObjectStore }

func (o natsObjects) has(ctx context.Context, name string) (bool, error) {
	_, err := o.s.GetInfo(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (o natsObjects) put(ctx context.Context, name string, r io.Reader) error {
	_, err := o.s.Put(ctx, jetstream.ObjectMeta{Name: name}, r)
	return err
}

func (o natsObjects) get(ctx context.Context, name string, w io.Writer) error {
	res, err := o.s.Get(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return errObjectMissing
	}
	if err != nil {
		return err
	}
	defer res.Close()
	_, err = io.Copy(w, res) // the reader checks the object's SHA-256 digest at its end
	return err
}

func (o natsObjects) list(ctx context.Context, prefix string) ([]object, error) {
	infos, err := o.s.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []object
	for _, i := range infos {
		if !i.Deleted && strings.HasPrefix(i.Name, prefix) {
			out = append(out, object{name: i.Name, modTime: i.ModTime})
		}
	}
	return out, nil
}

func (o natsObjects) remove(ctx context.Context, name string) error {
	err := o.s.Delete(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return errObjectMissing
	}
	return err
}

// kvPointers keeps each pointer as one kv key, swapped by Create (absent) or Update (present).
type kvPointers struct{ s PointerStore }

func (p kvPointers) read(ctx context.Context, key string) ([]byte, bool, error) {
	e, ok, err := p.s.Entry(ctx, key)
	return e.Value, ok, err
}

func (p kvPointers) swap(ctx context.Context, key string, val []byte, decide func([]byte, bool) bool) (bool, error) {
	e, ok, err := p.s.Entry(ctx, key)
	if err != nil {
		return false, err
	}
	if decide(e.Value, ok) {
		return false, nil
	}
	if ok {
		_, err = p.s.Update(ctx, key, val, e.Version)
	} else {
		_, err = p.s.Create(ctx, key, val)
	}
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, kv.ErrRevisionMismatch), errors.Is(err, kv.ErrWriteInFlight),
		errors.Is(err, kv.ErrAlreadyExists), errors.Is(err, kv.ErrKeyNotFound):
		return true, nil
	case errors.Is(err, kv.ErrUnsupported):
		return false, fmt.Errorf("%w: %w", ErrNoCompareAndSwap, err)
	}
	return false, err
}

func (p kvPointers) keys(ctx context.Context, base string) ([]string, error) {
	return p.s.Keys(ctx, base+".")
}

// remove deletes the key by compare-and-swap on the version decide saw.
func (p kvPointers) remove(ctx context.Context, key string, decide func([]byte) (bool, error)) (bool, error) {
	e, ok, err := p.s.Entry(ctx, key)
	if err != nil || !ok {
		return false, err
	}
	if del, err := decide(e.Value); err != nil || !del {
		return false, err
	}
	err = p.s.DeleteWithVersion(ctx, key, e.Version)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, kv.ErrRevisionMismatch), errors.Is(err, kv.ErrWriteInFlight):
		return false, nil
	}
	return false, err
}
