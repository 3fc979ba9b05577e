package natsstore

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Header names of the KV layer on top of JetStream.
const (
	hdrOperation    = "KV-Operation"       // DEL or PURGE on a delete marker; absent on a put
	hdrMarkerReason = "Nats-Marker-Reason" // set on markers the server writes (TTL expiry, purges)
	hdrMsgSize      = "Nats-Msg-Size"      // added to headers-only deliveries: the stripped body's size
	opDel           = "DEL"
	opPurge         = "PURGE"
	markerMaxAge    = "MaxAge" // the marker reason of a key removed by age (MaxAge or its own TTL)
)

// opOf returns the KV operation a stored message encodes: a KV-Operation header of DEL or PURGE
// is a delete or purge marker; a server marker (Nats-Marker-Reason MaxAge or Purge, Remove) is a
// purge or delete; anything else is a put.
func opOf(h nats.Header) kv.Op {
	if len(h) == 0 {
		return kv.OpPut
	}
	switch h.Get(hdrOperation) {
	case opDel:
		return kv.OpDelete
	case opPurge:
		return kv.OpPurge
	}
	switch h.Get(hdrMarkerReason) {
	case markerMaxAge, "Purge":
		return kv.OpPurge
	case "Remove":
		return kv.OpDelete
	}
	return kv.OpPut
}

// decodeMsg turns one message delivered by a consumer on this bucket's stream into an Update.
// ok is false for a subject outside the bucket's keyspace (the caller skips it). The version is
// the stream sequence read from the ACK reply subject, or the unknown version when the reply
// cannot be parsed — never 0, which is a real position and would move a cursor backwards. ack is
// the parsed reply (zero when it did not parse).
func (s *Store) decodeMsg(subject, reply string, h nats.Header, data []byte) (u kv.Update, ack ackInfo, ackOK, ok bool) {
	if len(subject) <= len(s.subjectPrefix) || subject[:len(s.subjectPrefix)] != s.subjectPrefix {
		return kv.Update{}, ackInfo{}, false, false
	}
	u.Key = subject[len(s.subjectPrefix):]
	u.Op = opOf(h)
	if u.Op == kv.OpPut {
		u.Value = data
	}
	u.Expired = u.Op == kv.OpPurge && h.Get(hdrMarkerReason) == markerMaxAge
	ack, ackOK = parseAckSubject(reply)
	if ackOK {
		u.Version = kv.VersionFromUint64(ack.streamSeq)
		if ack.stamp > 0 {
			u.Stamp = time.Unix(0, ack.stamp)
		}
	}
	return u, ack, ackOK, true
}

// Get returns the key's current value, hiding tombstones: a delete or purge marker, and an
// empty value (the tombstone that older writers leave with a compare-and-swap of an empty
// value), give ok=false.
//
// It is answered by a direct get, which any replica of a replicated bucket may serve, so it can
// be stale; use LeaderReads().Get when the answer must not be.
func (s *Store) Get(ctx context.Context, key string) (kv.Entry, bool, error) {
	e, ok, err := s.readLatest(ctx, "get", key)
	if err != nil || !ok || len(e.Value) == 0 {
		return kv.Entry{}, false, err
	}
	return e, true, nil
}

// Entry returns the key's latest record as stored, an empty value included; only a delete or
// purge marker (or an absent key) gives ok=false. Like Get it is a direct get unless the store
// is a LeaderReads view.
func (s *Store) Entry(ctx context.Context, key string) (kv.Entry, bool, error) {
	return s.readLatest(ctx, "entry", key)
}

// readLatest reads the key's last record through the path this view uses (direct get, or the
// leader's message-get API) and hides markers.
func (s *Store) readLatest(ctx context.Context, op, key string) (kv.Entry, bool, error) {
	if err := s.ready(op, key); err != nil {
		return kv.Entry{}, false, err
	}
	if err := checkKey(op, key); err != nil {
		return kv.Entry{}, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	if s.leader {
		return s.leaderGet(ctx, op, key)
	}
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return kv.Entry{}, false, nil
	}
	if err != nil {
		return kv.Entry{}, false, failRead(op, key, err)
	}
	return kv.Entry{Key: key, Value: e.Value(), Version: kv.VersionFromUint64(e.Revision())}, true, nil
}
