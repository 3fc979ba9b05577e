package natsstore

import (
	"context"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// CreateWithTTL is Create whose value the server removes ttl after the write (NATS per-message
// TTL; watchers then see a purge or delete marker). It returns kv.ErrUnsupported, before anything
// is sent, when the bucket was not created with per-key TTLs allowed (kv.StoreConfig.AllowTTL) or
// when ttl is below one second (the server's TTL granularity).
func (s *Store) CreateWithTTL(ctx context.Context, key string, value []byte, ttl time.Duration) (kv.Version, error) {
	const op = "create with ttl"
	if err := s.ready(op, key); err != nil {
		return kv.Version{}, err
	}
	if !s.allowTTL {
		return kv.Version{}, kv.NewError(op, key, kv.ErrUnsupported, nil).
			WithHint(fmt.Sprintf("bucket %q was not created with per-key TTLs; recreate it with StoreConfig.AllowTTL on a server that supports them (2.11+)", s.name))
	}
	if ttl < time.Second {
		return kv.Version{}, kv.NewError(op, key, kv.ErrUnsupported, nil).
			WithHint(fmt.Sprintf("ttl %v is below one second, the smallest per-key TTL NATS supports", ttl))
	}
	return s.create(ctx, op, key, value, ttl)
}
