package workload

import (
	"context"
	"sync"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/linearizability"
)

// cached is one remembered read.
type cached struct {
	e     kv.Entry
	found bool
}

// staleCache is the deliberately broken read path of KVOptions.StaleLeaderReads: it answers
// every read of a key after the first from what the first read returned, however the key
// changed since. A correct checker must reject the histories it produces.
type staleCache struct {
	inner linearizability.Getter
	mu    sync.Mutex
	cache map[string]cached
}

// Get returns the first answer ever read for key.
func (s *staleCache) Get(ctx context.Context, key string) (kv.Entry, bool, error) {
	s.mu.Lock()
	c, ok := s.cache[key]
	s.mu.Unlock()
	if ok {
		return c.e, c.found, nil
	}
	e, found, err := s.inner.Get(ctx, key)
	if err == nil {
		s.mu.Lock()
		s.cache[key] = cached{e, found}
		s.mu.Unlock()
	}
	return e, found, err
}
