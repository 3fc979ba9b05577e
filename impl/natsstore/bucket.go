package natsstore

import (
	"context"
	"fmt"
	"math"
	"regexp"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// bucketNameRE is the bucket-name rule of nats.go (and of the stream name KV_<b> it becomes).
var bucketNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// OpenBucket opens bucket cfg.Name, creating it with cfg if it does not exist, and returns the
// concrete store (which also implements kv.Writer, kv.Purger, kv.TTL and kv.Watcher). An
// existing bucket is returned as it is: cfg applies only at creation and is not reconciled.
//
// Steps, each a request bounded by Config.RequestTimeout (and by ctx):
//  1. Look the bucket up. Any failure is logged and falls through to creation.
//  2. Only for kv.DiscardNew: create it with nats.go. Any failure, a timeout included, is
//     logged and falls through to step 3.
//  3. Create the stream with a raw $JS.API.STREAM.CREATE request (the only path that can
//     express kv.DiscardOld; for DiscardNew a fallback for deployments where step 2 fails).
//     "Already exists" and the account's stream limit are tolerated; any other JetStream
//     error fails with kv.ErrConnectionFailed.
//  4. Always look the bucket up again, so a tolerated or unparseable answer is never taken
//     on faith.
//
// cfg.Storage is honoured on both creation paths. With cfg.AllowTTL or cfg.MaxAge the bucket is
// created with subject delete markers kept for Config.MarkerTTL (which also allows per-key
// TTLs): a key removed by age then reaches every watch as a purge, where without markers it
// would vanish unseen (NATS.md, "Expiry"). Store.Expiry reports what any bucket does, and opening
// an existing bucket whose expiries no watch can see logs a warning saying how to fix it.
//
// Errors: an invalid cfg gives kv.ErrInvalidConfig before any request; a closed or never
// connected Conn gives kv.ErrNotConnected; a step abandoned because ctx ended or the
// connection is down (reconnecting) gives kv.ErrTimeout; the re-check timing out gives
// kv.ErrTimeout; everything else gives kv.ErrConnectionFailed.
func (c *Conn) OpenBucket(ctx context.Context, cfg kv.StoreConfig) (*Store, error) {
	if err := validateBucketConfig(cfg); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	history, err := historyUint8(cfg)
	if err != nil {
		return nil, err
	}
	nc, js, err := c.handles("open bucket", cfg.Name)
	if err != nil {
		return nil, err
	}
	o := &opener{
		c: c, nc: nc, js: js, cfg: cfg, history: history,
		timeout:   c.timeout(),
		markerTTL: c.cfg.markerTTL(),
		log:       c.logger().With("bucket", cfg.Name),
	}
	return o.open(ctx)
}

// validateBucketConfig is kv.StoreConfig.Validate plus the NATS bucket-name rule (a name
// holding '.', '*', '>' or spaces would change the raw request's subject).
func validateBucketConfig(cfg kv.StoreConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if !bucketNameRE.MatchString(cfg.Name) {
		return &kv.Error{Op: "store config", Key: cfg.Name, Kind: kv.ErrInvalidConfig,
			Hint: hintBucketName}
	}
	if cfg.MaxValueSize > math.MaxInt32-headerRoom {
		return &kv.Error{Op: "store config", Key: cfg.Name, Kind: kv.ErrInvalidConfig,
			Hint: fmt.Sprintf("MaxValueSize %d leaves no room for headers; at most %d", cfg.MaxValueSize, math.MaxInt32-headerRoom)}
	}
	return nil
}

// streamMaxMsgSize is the stream's message size limit for cfg.MaxValueSize: the value plus the
// headers a write carries (headerRoom), so that a value of exactly MaxValueSize is accepted by
// every write; 0 (no limit of the bucket's own) when MaxValueSize is 0.
func streamMaxMsgSize(cfg kv.StoreConfig) int32 {
	if cfg.MaxValueSize <= 0 {
		return 0
	}
	return cfg.MaxValueSize + headerRoom
}

// historyUint8 narrows MaxHistory (after defaults) to nats.go's uint8 only after checking the
// range, so that 256 can never wrap to 0 (which nats.go would turn into the default of 1).
func historyUint8(cfg kv.StoreConfig) (uint8, error) {
	if cfg.MaxHistory < 1 || cfg.MaxHistory > kv.MaxHistoryLimit {
		return 0, &kv.Error{Op: "store config", Key: cfg.Name, Kind: kv.ErrInvalidConfig,
			Hint: fmt.Sprintf("MaxHistory %d is out of range 1..%d", cfg.MaxHistory, kv.MaxHistoryLimit)}
	}
	return uint8(cfg.MaxHistory), nil
}
