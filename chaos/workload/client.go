package workload

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/linearizability"
)

// kvClient is one sequential KV client: its own connection, homed on one node's proxy, and
// the last revision it saw per key (the guard of its compare-and-swap writes).
type kvClient struct {
	nc    *nats.Conn
	rec   *linearizability.KV
	keys  int
	ops   []linearizability.Kind
	known map[string]kv.Version
}

func (w *KV) newClient(ctx context.Context, env Env, i int) (*kvClient, error) {
	nc, err := nats.Connect(env.Cluster.ClientURLs(i),
		nats.Name(fmt.Sprintf("chaos-kv-%d", i)),
		nats.DontRandomize(), nats.IgnoreDiscoveredServers(), // the proxies are the only way in
		nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond),
		nats.RetryOnFailedConnect(true),
		// A blackholed link shows only as missing pongs: notice it within about a second.
		nats.PingInterval(300*time.Millisecond), nats.MaxPingsOutstanding(3))
	if err != nil {
		return nil, fmt.Errorf("kv workload: client %d: connect: %w", i, err)
	}
	conn, err := natsstore.FromClient(nc, natsstore.Config{RequestTimeout: w.opts.RequestTimeout})
	if err != nil {
		nc.Close()
		return nil, err
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	store, err := conn.OpenBucket(octx, w.storeConfig())
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("kv workload: client %d: open bucket: %w", i, err)
	}
	var leader linearizability.Getter = store.LeaderReads()
	if w.opts.StaleLeaderReads {
		leader = &staleCache{inner: leader, cache: map[string]cached{}}
	}
	return &kvClient{
		nc:    nc,
		rec:   linearizability.NewKV(env.Recorder.NewClient(), store, leader, store),
		keys:  w.opts.Keys,
		ops:   w.opts.Ops,
		known: map[string]kv.Version{},
	}, nil
}

// do performs operation n and returns its kind, key and outcome. Requests are bounded by the store's
// request timeout; the run's context is not used, so stopping the run never cancels an
// operation halfway.
func (c *kvClient) do(n int64, seed uint64) linearizability.Operation {
	kind, key := draw(seed, n, c.keys, c.ops)
	ctx := context.Background()
	value := []byte(fmt.Sprintf("v%d", n)) // unique: operation numbers are never reused
	var (
		ver   kv.Version
		err   error
		found bool
		e     kv.Entry
	)
	switch kind {
	case linearizability.KindPut:
		ver, err = c.rec.Put(ctx, key, value)
	case linearizability.KindCreate:
		ver, err = c.rec.Create(ctx, key, value)
	case linearizability.KindUpdate:
		ver, err = c.rec.Update(ctx, key, value, c.guard(key))
	case linearizability.KindDelete:
		err = c.rec.Delete(ctx, key)
	case linearizability.KindDeleteWithVersion:
		err = c.rec.DeleteWithVersion(ctx, key, c.guard(key))
	case linearizability.KindLeaderGet:
		e, found, err = c.rec.LeaderGet(ctx, key)
		if err == nil && found {
			ver = e.Version
		}
	case linearizability.KindDirectGet:
		// Any replica may answer: the revision may be stale, so it is not used as a guard.
		_, _, err = c.rec.DirectGet(ctx, key)
	}
	if err == nil && !ver.IsUnknown() {
		c.known[key] = ver
	}
	_ = found
	return linearizability.Operation{Kind: kind, Key: key, Outcome: linearizability.Classify(err)}
}

// guard is the expected revision for a compare-and-swap on key: the last one this client saw,
// or 0 (never written) if it has seen none.
func (c *kvClient) guard(key string) kv.Version {
	if v, ok := c.known[key]; ok {
		return v
	}
	return kv.VersionFromUint64(0)
}
