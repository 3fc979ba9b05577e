package natsstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

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
