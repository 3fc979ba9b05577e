package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/protocol"
)

// object is one stored payload as a listing shows it.
type object struct {
	name    string
	modTime time.Time
}

// objects stores payloads by name. get and remove of an absent object: errObjectMissing. An
// object that exists is complete (put publishes it atomically). list returns every object
// whose name starts with prefix, under any key.
type objects interface {
	has(ctx context.Context, name string) (bool, error)
	put(ctx context.Context, name string, r io.Reader) error
	get(ctx context.Context, name string, w io.Writer) error
	list(ctx context.Context, prefix string) ([]object, error)
	remove(ctx context.Context, name string) error
}

var errObjectMissing = errors.New("object not found")

// pointers stores one pointer per key. swap reads the pointer (present=false when absent),
// asks decide, and unless decide says keep writes val, atomically with the read (a
// compare-and-swap or a lock); retry=true reports a lost compare-and-swap (nothing written),
// for the caller to call swap again. keys lists the keys below base (base + "." + anything).
// remove reads the pointer, asks decide (only when present), and deletes it if decide says
// so, atomically with the read; removed=false when decide declined, the pointer was absent, or
// it changed after the read (a lost compare-and-swap, left for the next prune).
type pointers interface {
	read(ctx context.Context, key string) (val []byte, present bool, err error)
	swap(ctx context.Context, key string, val []byte, decide func(cur []byte, present bool) (keep bool)) (retry bool, err error)
	keys(ctx context.Context, base string) ([]string, error)
	remove(ctx context.Context, key string, decide func(cur []byte) (bool, error)) (removed bool, err error)
}

// Remote is a Transport over a payload store and a pointer store: NewNATS or NewDirectory.
type Remote struct {
	objs objects
	ptrs pointers
	// Now is the clock prune ages objects by; nil means time.Now.
	Now func() time.Time
	// afterPointerRead, if set by a test, runs in Download between reading the pointer and
	// fetching its payload (a stale pointer read).
	afterPointerRead func()
	// beforePointerDelete, if set by a test, runs in PruneRetired after it decided to delete an
	// earlier incarnation's pointer and before the delete (a publish racing it).
	beforePointerDelete func()
}

var _ Transport = (*Remote)(nil)

func (t *Remote) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// UploadPayload implements Transport: it parses the artifact's manifest (never ship what a
// reader would refuse) and streams artifact.WriteTar into the payload's content address,
// unless an object is already there: the same name is the same content, and leaving it alone
// never disturbs a reader fetching it. It does not check the payload hashes: import does.
func (t *Remote) UploadPayload(ctx context.Context, key, artifactDir string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	m, ptr, err := artifact.ReadManifest(artifactDir)
	if err != nil {
		return nil, err
	}
	name := payloadName(key, m, ptr)
	if ok, err := t.objs.has(ctx, name); err != nil || ok {
		if err != nil {
			return nil, fmt.Errorf("transport: look up payload %s: %w", name, err)
		}
		return ptr, nil
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(artifact.WriteTar(artifactDir, pw)) }()
	err = t.objs.put(ctx, name, pr)
	_ = pr.CloseWithError(errors.New("upload ended")) // unblocks WriteTar if put stopped early
	if err != nil {
		return nil, fmt.Errorf("transport: upload payload of %s: %w", key, err)
	}
	return ptr, nil
}

// SwapPointer implements Transport: a monotone compare-and-swap guarded by
// protocol.PointerPublishAllowed, retried at most MaxSwapAttempts times when lost. A pointer
// that does not parse counts as corrupt and is replaced. An equal rank republishes.
func (t *Remote) SwapPointer(ctx context.Context, key string, pointer []byte) (Outcome, error) {
	if err := checkKey(key); err != nil {
		return Outcome{}, err
	}
	m, err := artifact.Parse(pointer)
	if err != nil {
		return Outcome{}, err
	}
	candidate := rankOf(m)
	for range MaxSwapAttempts {
		var out Outcome
		retry, err := t.ptrs.swap(ctx, key, pointer, func(cur []byte, present bool) bool {
			state := protocol.PointerAbsent()
			var curM *artifact.Manifest
			if present {
				state = protocol.PointerCorrupt()
				if pm, err := artifact.Parse(cur); err == nil {
					curM, state = pm, protocol.PointerAt(rankOf(pm))
				}
			}
			if !protocol.PointerPublishAllowed(state, candidate) {
				out = Outcome{Status: SupersededByNewer, Remote: curM.Cursor} // refused ⇒ parsed
				return true
			}
			out = Outcome{Status: Published}
			return false
		})
		if err != nil {
			return Outcome{}, fmt.Errorf("transport: publish pointer %s: %w", key, err)
		}
		if !retry {
			return out, nil
		}
	}
	return Outcome{}, fmt.Errorf("%w: %s, %d attempts", ErrContended, key, MaxSwapAttempts)
}

// Pointer implements Transport.
func (t *Remote) Pointer(ctx context.Context, key string) (*artifact.Manifest, []byte, error) {
	if err := checkKey(key); err != nil {
		return nil, nil, err
	}
	b, ok, err := t.ptrs.read(ctx, key)
	if err != nil {
		return nil, nil, fmt.Errorf("transport: read pointer %s: %w", key, err)
	}
	if !ok {
		return nil, nil, fmt.Errorf("%w: %s", ErrNoPointer, key)
	}
	if len(b) > MaxPointerBytes {
		return nil, nil, fmt.Errorf("%w: pointer %s exceeds %d bytes", artifact.ErrInvalid, key, MaxPointerBytes)
	}
	m, err := artifact.Parse(b)
	if err != nil {
		return nil, nil, fmt.Errorf("transport: pointer %s: %w", key, err)
	}
	return m, b, nil
}
