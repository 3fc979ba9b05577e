package natsstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nats-io/nats.go"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// rawStreamConfig is the stream configuration the raw path sends: the fields nats.go sets for a
// KV bucket's stream, with the discard policy free (nats.go always sends "new"), plus the TTL
// fields when keys can be removed by age (AllowTTL or MaxAge) and the message size limit when MaxValueSize is.
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
	MaxMsgSize             int32    `json:"max_msg_size,omitempty"`
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
		MaxMsgSize:        streamMaxMsgSize(o.cfg),
	}
	if o.markers() {
		rc.AllowMsgTTL = true
		rc.SubjectDeleteMarkerTTL = int64(o.markerTTL)
	}
	return rc
}

// rawCreate sends the stream configuration as a core request to the literal subject
// $JS.API.STREAM.CREATE.KV_<b> (no domain or API prefix), bounded by the request timeout, and
// classifies the answer.
func (o *opener) rawCreate(ctx context.Context) (createResponse, error) {
	o.step("raw create")
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
				WithHint(hintOpenTimeout)
		case errors.Is(err, nats.ErrNoResponders):
			return createResponse{}, kv.NewError(opOpen, o.cfg.Name, kv.ErrConnectionFailed, fmt.Errorf("raw stream create: %w", err)).
				WithHint(hintNoJetStream)
		default:
			return createResponse{}, kv.NewError(opOpen, o.cfg.Name, kv.ErrConnectionFailed, fmt.Errorf("raw stream create: %w", err)).
				WithHint(hintNotSent)
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

// classifyCreateResponse classifies a STREAM.CREATE answer:
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
// hex (so that a binary answer neither garbles the log nor hides its bytes), cut at 512 bytes.
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
