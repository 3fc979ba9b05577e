package natsstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

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
// cfg.Storage is honoured on both creation paths. With cfg.AllowTTL the bucket allows per-key
// TTLs and keeps expiry markers for Config.MarkerTTL.
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
			Hint: "a NATS bucket name may hold only letters, digits, '-' and '_'"}
	}
	return nil
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

func (o *opener) open(ctx context.Context) (*Store, error) {
	b, info, err := o.lookup(ctx)
	if err == nil {
		o.log.Debug("bucket exists; using it as it is")
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
			WithHint("the server refused to create the bucket's stream; check the StoreConfig against the server's limits and the account's permissions")
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

	// Always re-verify (pitfall P10): the answer above may have been tolerated or unparseable.
	b, info, err = o.lookup(ctx)
	if err != nil {
		kind := kv.ErrConnectionFailed
		hint := "the bucket could not be found after creating it; check the account's JetStream permissions"
		if isTimeout(err) {
			kind = kv.ErrTimeout
			hint = "the server did not answer in time; OpenBucket again looks the bucket up first"
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
			WithHint("the caller's context ended while opening the bucket")
	case o.c.isClosed():
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrNotConnected, cause).
			WithHint("the connection was closed; Connect again and open the store again")
	case o.nc.IsClosed():
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrNotConnected, cause).
			WithHint("the nats connection is closed; connect again")
	case !o.nc.IsConnected():
		return kv.NewError(opOpen, o.cfg.Name, kv.ErrTimeout, cause).
			WithHint("the connection to the server is down and reconnecting; retry when Conn.Healthy reports true")
	}
	return nil
}

// lookup opens the existing bucket and reads its stream info (two requests under one bound).
func (o *opener) lookup(ctx context.Context) (jetstream.KeyValue, *jetstream.StreamInfo, error) {
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
	sctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	kc := jetstream.KeyValueConfig{
		Bucket:   o.cfg.Name,
		History:  o.history,
		TTL:      time.Duration(o.cfg.MaxAgeNanos()),
		MaxBytes: maxBytes(o.cfg),
		Replicas: o.cfg.Replicas,
		Storage:  storageType(o.cfg.Storage),
	}
	if o.cfg.AllowTTL {
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

// rawStreamConfig is the stream configuration the raw path sends, field for field the
// original's, plus the TTL fields when AllowTTL is set.
type rawStreamConfig struct {
	Name                   string   `json:"name"`
	Subjects               []string `json:"subjects"`
	MaxMsgsPerSubject      int64    `json:"max_msgs_per_subject"`
	MaxBytes               int64    `json:"max_bytes"`
	MaxAge                 int64    `json:"max_age"`
	Storage                string   `json:"storage"`
	AllowRollup            bool     `json:"allow_rollup_hdrs"`
	DenyDelete             bool     `json:"deny_delete"`
	DenyPurge              bool     `json:"deny_purge"`
	AllowDirect            bool     `json:"allow_direct"`
	Discard                string   `json:"discard"`
	Replicas               int      `json:"num_replicas"`
	Retention              string   `json:"retention"`
	AllowMsgTTL            bool     `json:"allow_msg_ttl,omitempty"`
	SubjectDeleteMarkerTTL int64    `json:"subject_delete_marker_ttl,omitempty"`
}

func (o *opener) rawConfig() rawStreamConfig {
	rc := rawStreamConfig{
		Name:              "KV_" + o.cfg.Name,
		Subjects:          []string{"$KV." + o.cfg.Name + ".>"},
		MaxMsgsPerSubject: int64(o.history),
		MaxBytes:          maxBytes(o.cfg),
		MaxAge:            o.cfg.MaxAgeNanos(),
		Storage:           o.cfg.Storage.String(),
		AllowRollup:       true,
		AllowDirect:       true,
		Discard:           o.cfg.Discard.String(),
		Replicas:          o.cfg.Replicas,
		Retention:         "limits",
	}
	if o.cfg.AllowTTL {
		rc.AllowMsgTTL = true
		rc.SubjectDeleteMarkerTTL = int64(o.markerTTL)
	}
	return rc
}

// rawCreate sends the stream configuration as a core request to the literal subject
// $JS.API.STREAM.CREATE.KV_<b> (no domain or API prefix), bounded by the request timeout, and
// classifies the answer.
func (o *opener) rawCreate(ctx context.Context) (createResponse, error) {
	body, err := json.Marshal(o.rawConfig())
	if err != nil {
		return createResponse{}, kv.NewError(opOpen, o.cfg.Name, kv.ErrConnectionFailed, err)
	}
	sctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	msg, err := o.nc.RequestWithContext(sctx, "$JS.API.STREAM.CREATE.KV_"+o.cfg.Name, body)
	if err != nil {
		switch {
		case isTimeout(err):
			return createResponse{}, kv.NewError(opOpen, o.cfg.Name, kv.ErrTimeout, fmt.Errorf("raw stream create: %w", err)).
				WithHint("the server did not answer in time; the stream may or may not exist, and OpenBucket again looks it up first")
		case errors.Is(err, nats.ErrNoResponders):
			return createResponse{}, kv.NewError(opOpen, o.cfg.Name, kv.ErrConnectionFailed, fmt.Errorf("raw stream create: %w", err)).
				WithHint("nothing answers the JetStream API: enable JetStream on the server and for this account")
		default:
			return createResponse{}, kv.NewError(opOpen, o.cfg.Name, kv.ErrConnectionFailed, fmt.Errorf("raw stream create: %w", err)).
				WithHint("the request could not be sent; check the connection")
		}
	}
	return classifyCreateResponse(msg.Data), nil
}

// createOutcome is what a STREAM.CREATE answer means for get-or-create.
type createOutcome int

const (
	createCreated       createOutcome = iota // created, or an answer that is not JSON (re-verified after)
	createAlreadyExists                      // 10058: the stream name is in use
	createStreamLimit                        // 400 "maximum number of streams": tolerated, re-verified after
	createFailed                             // any other JetStream error
)

func (c createOutcome) String() string {
	switch c {
	case createCreated:
		return "created"
	case createAlreadyExists:
		return "already exists"
	case createStreamLimit:
		return "stream limit"
	default:
		return "failed"
	}
}

// createResponse is a classified STREAM.CREATE answer.
type createResponse struct {
	outcome     createOutcome
	code        int64  // error.code, 0 if absent or not an integer
	errCode     int64  // error.err_code, 0 if absent or not an integer
	description string // error.description, "unknown error" if absent or not a string
	notJSON     bool   // the payload did not parse as JSON (outcome is createCreated)
	payload     []byte // the payload, for logging
}

// jsErrStreamNameInUse is JetStream's "stream name already in use" error code.
const jsErrStreamNameInUse = 10058

// classifyCreateResponse classifies a STREAM.CREATE answer exactly as the original does:
//   - not JSON, or JSON without an "error" member: Created (safe only because the bucket is
//     always looked up again afterwards);
//   - code or err_code 10058: AlreadyExists;
//   - code 400 with a description containing "maximum number of streams": StreamLimit;
//   - anything else, including an "error" member that is not an object: Failed.
func classifyCreateResponse(payload []byte) createResponse {
	r := createResponse{outcome: createCreated, payload: payload}
	if !json.Valid(payload) {
		r.notJSON = true
		return r
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		r.notJSON = true
		return r
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return r
	}
	ev, has := obj["error"]
	if !has {
		return r
	}
	r.outcome = createFailed
	r.description = "unknown error"
	e, ok := ev.(map[string]any)
	if !ok {
		return r
	}
	r.code = jsonInt(e["code"])
	r.errCode = jsonInt(e["err_code"])
	if d, ok := e["description"].(string); ok {
		r.description = d
	}
	switch {
	case r.code == jsErrStreamNameInUse || r.errCode == jsErrStreamNameInUse:
		r.outcome = createAlreadyExists
	case r.code == 400 && strings.Contains(r.description, "maximum number of streams"):
		r.outcome = createStreamLimit
	}
	return r
}

// jsonInt is an integer JSON number, or 0 for anything else (a float, a string, absent).
func jsonInt(v any) int64 {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		return 0
	}
	return i
}

// payloadForLog shows a payload as text if it is UTF-8, otherwise as 0x-prefixed lowercase
// hex (pitfall P21), cut at 512 bytes.
func payloadForLog(p []byte) string {
	const limit = 512
	text := utf8.Valid(p)
	cut := ""
	if len(p) > limit {
		p, cut = p[:limit], "…"
	}
	if text {
		return strings.ToValidUTF8(string(p), "") + cut
	}
	return "0x" + hex.EncodeToString(p) + cut
}

// isTimeout reports whether err is a request deadline.
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout)
}
