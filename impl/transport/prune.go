package transport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/protocol"
)

// Prune implements Transport. A missing or unreadable pointer prunes nothing: nothing is
// provably stale then. Each payload under the key is deleted only when
// protocol.PayloadPrunable allows it against the pointer read here.
func (t *Remote) Prune(ctx context.Context, key string, grace time.Duration) (int, error) {
	m, ptr, err := t.Pointer(ctx, key)
	if err != nil {
		return 0, nil
	}
	keep, ptrRank := payloadName(key, m, ptr), rankOf(m)
	cutoff := t.now().Add(-grace)
	objs, err := t.objs.list(ctx, payloadPrefix(key))
	if err != nil {
		return 0, fmt.Errorf("transport: list payloads of %s: %w", key, err)
	}
	n := 0
	for _, o := range objs {
		rank, known := rankFromName(o.name)
		if !protocol.PayloadPrunable(protocol.PruneCandidate{
			Rank: rank, RankKnown: known, PointerRank: ptrRank,
			IsPointerTarget: o.name == keep, AgedOut: !o.modTime.After(cutoff),
		}) {
			continue
		}
		if err := t.objs.remove(ctx, o.name); err != nil && !errors.Is(err, errObjectMissing) {
			return n, fmt.Errorf("transport: prune %s: %w", o.name, err)
		}
		n++
	}
	return n, nil
}
