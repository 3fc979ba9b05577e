package natsstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

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

// opener runs one get-or-create with handles copied out of the Conn.
type opener struct {
	c         *Conn
	nc        *nats.Conn
	js        jetstream.JetStream
	cfg       kv.StoreConfig
	history   uint8
	timeout   time.Duration
	markerTTL time.Duration
	log       *slog.Logger
}

const opOpen = "open bucket"

// markers reports whether the bucket is created with subject delete markers: whenever keys can
// be removed by age, so that no removal is invisible to a watch.
func (o *opener) markers() bool { return o.cfg.AllowTTL || o.cfg.MaxAge > 0 }

// step runs the openBucketStep test hook, if set, before a request.
func (o *opener) step(name string) {
	if h := o.c.hooks.openBucketStep; h != nil {
		h(name)
	}
}

func (o *opener) open(ctx context.Context) (*Store, error) {
	b, info, err := o.lookup(ctx)
	if err == nil {
		o.log.Debug("bucket exists; using it as it is")
		if info != nil && !expiryOf(info.Config).Visible() {
			o.log.Warn("the bucket removes keys by age without delete markers; watches never see those keys go",
				"err", expiryOf(info.Config).InvisibleError(o.cfg.Name))
		}
		return newStore(o.c, o.js, b, info), nil
	}
	if isTimeout(err) {
		o.log.Warn("bucket lookup timed out; trying to create it", "err", err, "timeout", o.timeout)
	} else {
		o.log.Debug("bucket lookup failed; trying to create it", "err", err)
	}
	if stop := o.abandon(ctx, err); stop != nil {
		return nil, stop
	}

	if o.cfg.Discard == kv.DiscardNew {
		b, info, err := o.create(ctx)
		if err == nil {
			o.log.Info("bucket created", "path", "nats.go", "storage", o.cfg.Storage, "discard", o.cfg.Discard)
			return newStore(o.c, o.js, b, info), nil
		}
		o.log.Warn("bucket create failed; falling back to a raw stream create", "err", err)
		if stop := o.abandon(ctx, err); stop != nil {
			return nil, stop
		}
	}

	res, err := o.rawCreate(ctx)
	if err != nil {
		return nil, err
	}
	switch res.outcome {
	case createFailed:
		err := kv.NewError(opOpen, o.cfg.Name, kv.ErrConnectionFailed,
			fmt.Errorf("JetStream error %d: %s", res.code, res.description)).
			WithHint(hintStreamRefused)
		o.log.Warn("raw stream create refused", "code", res.code, "err_code", res.errCode, "description", res.description)
		return nil, err
	case createCreated:
		if res.notJSON {
			o.log.Warn("raw stream create answered with a payload that is not JSON; re-checking the bucket",
				"payload", payloadForLog(res.payload))
		} else {
			o.log.Info("bucket created", "path", "raw", "storage", o.cfg.Storage, "discard", o.cfg.Discard)
		}
	case createAlreadyExists:
		o.log.Debug("raw stream create: the stream already exists; re-checking the bucket")
	case createStreamLimit:
		o.log.Warn("raw stream create: the account's stream limit is reached; re-checking whether the bucket exists",
			"description", res.description)
	}

	// Always look the bucket up again: the answer above may have been tolerated ("already
	// exists", the stream limit) or unparseable, and neither proves the bucket exists.
	b, info, err = o.lookup(ctx)
	if err != nil {
		kind := kv.ErrConnectionFailed
		hint := "the bucket could not be found after creating it; check the account's JetStream permissions"
		if isTimeout(err) {
			kind = kv.ErrTimeout
			hint = hintOpenTimeout
		} else if res.outcome == createStreamLimit {
			hint = "the account's stream limit is reached; delete unused streams or raise the limit"
		}
		return nil, kv.NewError(opOpen, o.cfg.Name, kind, fmt.Errorf("get bucket after raw create: %w", err)).WithHint(hint)
	}
	return newStore(o.c, o.js, b, info), nil
}

// abandon decides whether a failed step may fall through to the next one. It stops when ctx
// has ended, when the Conn was closed, and when the connection is down (every later request
// would only time out as well).
func (o *opener) abandon(ctx context.Context, cause error) error {
	switch {
	case ctx.Err() != nil:
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrTimeout, ctx.Err()).
			WithHint(hintOpenCancelled)
	case o.c.isClosed():
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrNotConnected, cause).
			WithHint(hintClosed)
	case o.nc.IsClosed():
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrNotConnected, cause).
			WithHint(hintNatsConnClosed)
	case !o.nc.IsConnected():
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrTimeout, cause).
			WithHint(hintConnDown)
	}
	return nil
}

// lookup opens the existing bucket and reads its stream info (two requests under one bound).
func (o *opener) lookup(ctx context.Context) (jetstream.KeyValue, *jetstream.StreamInfo, error) {
	o.step("lookup")
	sctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	b, err := o.js.KeyValue(sctx, o.cfg.Name)
	if err != nil {
		return nil, nil, err
	}
	return b, o.streamInfo(sctx, b), nil
}

// streamInfo returns the bucket's stream info, or nil if it cannot be read (the store then
// assumes the conservative defaults, e.g. no per-key TTLs).
func (o *opener) streamInfo(ctx context.Context, b jetstream.KeyValue) *jetstream.StreamInfo {
	st, err := b.Status(ctx)
	if err != nil {
		o.log.Warn("bucket status unavailable; assuming no per-key TTLs", "err", err)
		return nil
	}
	if bs, ok := st.(*jetstream.KeyValueBucketStatus); ok {
		return bs.StreamInfo()
	}
	return nil
}

// create is the normal nats.go creation (DiscardNew only: nats.go cannot express DiscardOld).
func (o *opener) create(ctx context.Context) (jetstream.KeyValue, *jetstream.StreamInfo, error) {
	o.step("create")
	sctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	kc := jetstream.KeyValueConfig{
		Bucket:   o.cfg.Name,
		History:  o.history,
		TTL:      time.Duration(o.cfg.MaxAgeNanos()),
		MaxBytes: maxBytes(o.cfg),
		Replicas: o.cfg.Replicas,
		Storage:  storageType(o.cfg.Storage),
		// nats.go sends MaxValueSize as the stream's MaxMsgSize (0 becomes -1, no limit).
		MaxValueSize: streamMaxMsgSize(o.cfg),
	}
	if o.markers() {
		kc.LimitMarkerTTL = o.markerTTL
	}
	b, err := o.js.CreateKeyValue(sctx, kc)
	if err != nil {
		return nil, nil, err
	}
	return b, o.streamInfo(sctx, b), nil
}

func maxBytes(cfg kv.StoreConfig) int64 {
	if cfg.MaxBytes > 0 {
		return cfg.MaxBytes
	}
	return -1 // unlimited
}

func storageType(s kv.StorageType) jetstream.StorageType {
	if s == kv.StorageMemory {
		return jetstream.MemoryStorage
	}
	return jetstream.FileStorage
}

// isTimeout reports whether err is a request deadline.
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout)
}
