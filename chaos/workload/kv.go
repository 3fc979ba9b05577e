package workload

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
	"github.com/slipstream-go/slipstream/linearizability"
)

// KVOptions configures the KV workload. Zero fields take the defaults shown.
type KVOptions struct {
	Bucket         string        // "chaos"
	Clients        int           // 6 concurrent clients, client i homed on node i mod n
	Keys           int           // 4 keys
	RequestTimeout time.Duration // 1 s per request: a partition gives timeouts, not hangs
	CheckTimeout   time.Duration // bound on the porcupine search (linearizability default)
	Visualize      bool          // write the HTML visualisation even when the history holds
	// Ops are the operation kinds the clients issue (default: every kind in opMix, with its
	// weight); kinds not listed are skipped when drawn.
	Ops []linearizability.Kind
	// StaleLeaderReads makes every client answer leader reads from a local cache of the first
	// value it read per key: a deliberately broken client, to show that the checks catch it.
	StaleLeaderReads bool
}

func (o KVOptions) withDefaults() KVOptions {
	if o.Bucket == "" {
		o.Bucket = "chaos"
	}
	if o.Clients == 0 {
		o.Clients = 6
	}
	if o.Keys == 0 {
		o.Keys = 4
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = time.Second
	}
	return o
}

// KV is the KV workload: clients doing put, create, compare-and-swap update, delete (plain
// and guarded), leader reads and direct gets on a few keys, every written value unique, every
// call recorded.
type KV struct {
	opts KVOptions

	mu    sync.Mutex
	stats map[string]int

	obs     *observer
	obsOnce sync.Once
	view    observation
}

// NewKV returns the KV workload.
func NewKV(opts KVOptions) *KV { return &KV{opts: opts.withDefaults(), stats: map[string]int{}} }

// Name returns "kv".
func (w *KV) Name() string { return "kv" }

// Stream returns the name of the bucket's stream.
func (w *KV) Stream() string { return "KV_" + w.opts.Bucket }

// Setup creates the R3 bucket through a control connection and waits until every node
// agrees on its stream.
func (w *KV) Setup(ctx context.Context, env Env) error {
	nc, err := nats.Connect(env.Cluster.ControlURLs(), nats.IgnoreDiscoveredServers())
	if err != nil {
		return fmt.Errorf("kv workload: control connection: %w", err)
	}
	defer nc.Close()
	conn, err := natsstore.FromClient(nc, natsstore.Config{RequestTimeout: 30 * time.Second})
	if err != nil {
		return err
	}
	// Right after the cluster forms, the meta leader may still count a peer as offline and
	// refuse to place three replicas; that passes within seconds, so retry until ctx ends.
	for {
		_, err = conn.OpenBucket(ctx, w.storeConfig())
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kv workload: create bucket %s: %w", w.opts.Bucket, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
	if err := keepAllRevisions(ctx, nc, w.Stream()); err != nil {
		return err
	}
	if err := env.Cluster.WaitStream(ctx, w.Stream()); err != nil {
		return err
	}
	w.obs, err = startObserver(ctx, env.Cluster.ControlURLs(), w.Stream(), "$KV."+w.opts.Bucket+".", env.Recorder.Now)
	return err
}

// controlTimeout bounds each request of the run's own control plane (setting up the bucket and
// the observer), which no fault touches: a freshly created R3 stream on a loaded machine can
// take longer than nats.go's default of 5 s to accept a consumer.
const controlTimeout = 30 * time.Second

func (w *KV) storeConfig() kv.StoreConfig {
	return kv.StoreConfig{Name: w.opts.Bucket, Replicas: 3, MaxBytes: -1, MaxHistory: 64}
}

// keepAllRevisions lifts the bucket stream's per-key history limit, so that after the run every
// sequence written can still be read back: the observer fills what its consumer missed from
// the stream itself. Reads and writes through the library are unaffected (they look at a key's
// last record only).
func keepAllRevisions(ctx context.Context, nc *nats.Conn, stream string) error {
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(controlTimeout))
	if err != nil {
		return err
	}
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("kv workload: look up %s: %w", stream, err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxMsgsPerSubject = 1 << 30 // positive: nats.go binds only streams with a per-key limit
	if _, err := js.UpdateStream(ctx, cfg); err != nil {
		return fmt.Errorf("kv workload: keep every revision of %s: %w", stream, err)
	}
	return nil
}

// Run starts the clients and feeds them tickets until tickets closes.
func (w *KV) Run(ctx context.Context, env Env, tickets <-chan int64) error {
	clients := make([]*kvClient, 0, w.opts.Clients)
	defer func() {
		for _, c := range clients {
			c.nc.Close()
		}
	}()
	for i := range w.opts.Clients {
		c, err := w.newClient(ctx, env, i)
		if err != nil {
			return err
		}
		clients = append(clients, c)
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range tickets {
				w.count(c.do(n, env.Seed))
			}
		}()
	}
	wg.Wait()
	return nil
}

func (w *KV) count(op linearizability.Operation) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stats["ops"]++
	w.stats[string(op.Kind)+" "+string(op.Outcome)]++
}

// Stats returns operation counts: "ops" in total and "<kind> <outcome>" for each pair seen.
func (w *KV) Stats() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]int, len(w.stats))
	for k, v := range w.stats {
		out[k] = v
	}
	return out
}

// Checks returns the KV checks: every acknowledged write is in the stream, no direct get read a
// value nobody wrote (their staleness is reported), and the history (unknown outcomes
// resolved from the stream) is linearizable.
func (w *KV) Checks(env Env) []check.Check {
	return []check.Check{w.ackedInStream(env), w.directGets(env), check.Linearizable(w.resolvedHistory(env), check.LinearizableOptions{
		Timeout: w.opts.CheckTimeout, Dir: env.Dir, Visualize: w.opts.Visualize,
		Annotations: env.FaultWindows, LeaderInDoubt: env.LeaderInDoubt,
	})}
}

// opMix is the relative weight of each operation kind.
var opMix = []struct {
	kind   linearizability.Kind
	weight int
}{
	{linearizability.KindPut, 20},
	{linearizability.KindCreate, 10},
	{linearizability.KindUpdate, 25},
	{linearizability.KindDelete, 5},
	{linearizability.KindDeleteWithVersion, 10},
	{linearizability.KindLeaderGet, 25},
	{linearizability.KindDirectGet, 10},
}

// KVKinds lists every operation kind the KV workload can issue.
func KVKinds() []linearizability.Kind {
	out := make([]linearizability.Kind, len(opMix))
	for i, m := range opMix {
		out[i] = m.kind
	}
	return out
}

// draw derives operation n's kind and key from the seed alone, so a replay issues the same
// operation sequence. Only kinds in allowed are drawn (all when allowed is empty).
func draw(seed uint64, n int64, keys int, allowed []linearizability.Kind) (linearizability.Kind, string) {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	total := 0
	for _, m := range opMix {
		if len(allowed) == 0 || slices.Contains(allowed, m.kind) {
			total += m.weight
		}
	}
	x := r.IntN(max(total, 1))
	kind := linearizability.KindLeaderGet
	for _, m := range opMix {
		if len(allowed) > 0 && !slices.Contains(allowed, m.kind) {
			continue
		}
		if x < m.weight {
			kind = m.kind
			break
		}
		x -= m.weight
	}
	return kind, fmt.Sprintf("k%d", r.IntN(keys))
}
