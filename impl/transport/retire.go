package transport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/protocol"
)

// RetiredPruned counts what PruneRetired deleted.
type RetiredPruned struct {
	// Payloads is the number of payload objects of earlier incarnations deleted.
	Payloads int
	// Pointers is the number of earlier incarnations' pointer keys deleted.
	Pointers int
}

// PruneRetired implements Transport. It looks at every key PointerKey(base, inc) of a non-zero
// incarnation, by the payloads and pointers stored under it, and reads the incarnation's
// creation time from the key. A key whose pointer does not parse, or names another bucket or
// another creation time than its key, is not provably one of this bucket's incarnations and
// is left alone; so is base itself (the zero incarnation). Each payload is deleted only when
// protocol.RetiredPayloadPrunable allows it (its incarnation created strictly before live,
// last modified at or before now − grace); then the pointer, only when
// protocol.RetiredPointerDeletable allows it (no payload left under its key, listed after the
// pointer was read), by a compare-and-swap on that read (the directory: under its lock).
func (t *Remote) PruneRetired(ctx context.Context, base string, live kv.Incarnation, grace time.Duration) (RetiredPruned, error) {
	var res RetiredPruned
	if err := checkKey(base); err != nil || live.IsZero() {
		return res, err
	}
	liveNs := live.Created().UnixNano()
	byKey, err := t.retiredKeys(ctx, base)
	if err != nil {
		return res, err
	}
	cutoff := t.now().Add(-grace)
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		created := keyCreated(base, key)
		if created <= 0 {
			continue
		}
		if created, err = t.ownedCreated(ctx, key, live.Name(), created); err != nil {
			return res, err
		}
		for _, o := range byKey[key] {
			if !protocol.RetiredPayloadPrunable(protocol.RetiredPayload{
				Created: created, Live: liveNs, AgedOut: !o.modTime.After(cutoff),
			}) {
				continue
			}
			if err := t.objs.remove(ctx, o.name); err != nil && !errors.Is(err, errObjectMissing) {
				return res, fmt.Errorf("transport: prune %s: %w", o.name, err)
			}
			res.Payloads++
		}
		if !protocol.RetiredPointerDeletable(protocol.RetiredPointer{Created: created, Live: liveNs}) {
			continue // not even an empty key of this incarnation would go: spare the lock
		}
		removed, err := t.ptrs.remove(ctx, key, func(cur []byte) (bool, error) {
			c := created // as read from the key: the pointer read now must still name it
			if !ownedBy(cur, live.Name(), c) {
				c = 0
			}
			left, err := t.objs.list(ctx, payloadPrefix(key))
			if err != nil {
				return false, fmt.Errorf("transport: list payloads of %s: %w", key, err)
			}
			del := protocol.RetiredPointerDeletable(protocol.RetiredPointer{Created: c, Live: liveNs, PayloadsLeft: len(left) > 0})
			if del && t.beforePointerDelete != nil {
				t.beforePointerDelete()
			}
			return del, nil
		})
		if err != nil {
			return res, fmt.Errorf("transport: delete pointer %s: %w", key, err)
		}
		if removed {
			res.Pointers++
		}
	}
	return res, nil
}

// retiredKeys maps every key below base that holds payloads or a pointer to its payloads.
func (t *Remote) retiredKeys(ctx context.Context, base string) (map[string][]object, error) {
	objs, err := t.objs.list(ctx, base+".i")
	if err != nil {
		return nil, fmt.Errorf("transport: list payloads below %s: %w", base, err)
	}
	byKey := map[string][]object{}
	for _, o := range objs {
		if key, _, ok := strings.Cut(o.name, ".payloads/"); ok {
			byKey[key] = append(byKey[key], o)
		}
	}
	keys, err := t.ptrs.keys(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("transport: list pointers below %s: %w", base, err)
	}
	for _, k := range keys {
		if _, ok := byKey[k]; !ok {
			byKey[k] = nil
		}
	}
	return byKey, nil
}

// ownedCreated returns created when the key's pointer is absent or names the incarnation
// (bucket, created), else 0: the key is not provably this bucket's.
func (t *Remote) ownedCreated(ctx context.Context, key, bucket string, created int64) (int64, error) {
	cur, present, err := t.ptrs.read(ctx, key)
	if err != nil {
		return 0, fmt.Errorf("transport: read pointer %s: %w", key, err)
	}
	if present && !ownedBy(cur, bucket, created) {
		return 0, nil
	}
	return created, nil
}

// ownedBy reports whether the pointer bytes parse as a manifest of the incarnation (bucket,
// created).
func ownedBy(ptr []byte, bucket string, created int64) bool {
	if len(ptr) > MaxPointerBytes {
		return false
	}
	m, err := artifact.Parse(ptr)
	return err == nil && !m.Incarnation.IsZero() && m.Incarnation.Name() == bucket &&
		m.Incarnation.Created().UnixNano() == created
}

// keyCreated reads the creation time from a key PointerKey(base, inc) wrote for a non-zero
// incarnation: base + ".i" + canonical decimal Unix nanoseconds. Any other key: 0.
func keyCreated(base, key string) int64 {
	digits, ok := strings.CutPrefix(key, base+".i")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != digits {
		return 0
	}
	return n
}
