package natsstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// LeaderReads returns a view of the store whose Get and Entry are answered by the stream leader
// through the stream message-get API ($JS.API.STREAM.MSG.GET.KV_<bucket>), never by a direct get.
// Use it when a read must not be stale: a direct get (the default) may be served by any replica,
// including one that lags or sits in a minority partition.
//
// Caveat: a leader that has been deposed but has not noticed yet can still answer during an
// election, so even this read is "linearizable except around leader changes" (see NATS.md,
// "Stale reads"). A leader read costs more than a direct get (the
// request goes to every server and is not batched).
//
// Every other method of the view (writes, Scan, Keys, Watch) is the same as the store's.
func (s *Store) LeaderReads() *Store {
	if s == nil {
		return &Store{leader: true}
	}
	v := *s
	v.leader = true
	return &v
}

// ReadsFromLeader reports whether Get and Entry of this view go through the stream leader.
func (s *Store) ReadsFromLeader() bool { return s != nil && s.leader }

// msgGetRequest is the body of a STREAM.MSG.GET request for the last message on a subject.
type msgGetRequest struct {
	LastBySubject string `json:"last_by_subj"`
}

// msgGetResponse is the JetStream API answer to STREAM.MSG.GET.
type msgGetResponse struct {
	Error   *jetstream.APIError `json:"error,omitempty"`
	Message *struct {
		Subject  string    `json:"subject"`
		Sequence uint64    `json:"seq"`
		Header   []byte    `json:"hdrs,omitempty"`
		Data     []byte    `json:"data,omitempty"`
		Time     time.Time `json:"time"`
	} `json:"message,omitempty"`
}

// apiPrefix returns the JetStream API subject prefix of this store's JetStream context.
func (s *Store) apiPrefix() string {
	o := s.js.Options()
	switch {
	case o.Domain != "":
		return "$JS." + o.Domain + ".API."
	case o.APIPrefix != "":
		if !strings.HasSuffix(o.APIPrefix, ".") {
			return o.APIPrefix + "."
		}
		return o.APIPrefix
	}
	return jetstream.DefaultAPIPrefix
}

// lastRecord is a key's last record as the stream leader holds it, markers included.
type lastRecord struct {
	seq  uint64
	op   kv.Op
	data []byte
}

// leaderGet reads the key's last record with the stream message-get API, which only the stream
// leader answers. Markers and an absent key give ok=false.
func (s *Store) leaderGet(ctx context.Context, op, key string) (kv.Entry, bool, error) {
	rec, found, err := s.leaderLast(ctx, op, key)
	if err != nil || !found || rec.op != kv.OpPut {
		return kv.Entry{}, false, err
	}
	return kv.Entry{Key: key, Value: rec.data, Version: kv.VersionFromUint64(rec.seq)}, true, nil
}

// leaderLast reads the key's last record, delete and purge markers included, through the
// stream leader. found is false when the stream holds no record of the key.
func (s *Store) leaderLast(ctx context.Context, op, key string) (rec lastRecord, found bool, err error) {
	rec, found, err = s.lastOn(ctx, s.subjectPrefix+key)
	if err != nil {
		return lastRecord{}, false, failRead(op, key, err)
	}
	return rec, found, nil
}

// lastOn reads the last record the stream holds on subject (a key's subject, or a filter with
// wildcards: then the last record on any matching subject) through the stream leader. found is
// false when the stream holds none; errors are the server's or the transport's, unwrapped.
func (s *Store) lastOn(ctx context.Context, subject string) (rec lastRecord, found bool, err error) {
	body, err := json.Marshal(msgGetRequest{LastBySubject: subject})
	if err != nil {
		return lastRecord{}, false, err
	}
	reply, err := s.js.Conn().RequestWithContext(ctx, s.apiPrefix()+"STREAM.MSG.GET."+s.stream, body)
	if err != nil {
		return lastRecord{}, false, err
	}
	var resp msgGetResponse
	if err := json.Unmarshal(reply.Data, &resp); err != nil {
		return lastRecord{}, false, fmt.Errorf("decode STREAM.MSG.GET response: %w", err)
	}
	if resp.Error != nil {
		if resp.Error.ErrorCode == jetstream.JSErrCodeMessageNotFound {
			return lastRecord{}, false, nil
		}
		return lastRecord{}, false, resp.Error
	}
	if resp.Message == nil {
		return lastRecord{}, false, jetstream.ErrInvalidJetStreamResponse
	}
	var h nats.Header
	if len(resp.Message.Header) > 0 {
		if h, err = nats.DecodeHeadersMsg(resp.Message.Header); err != nil {
			return lastRecord{}, false, fmt.Errorf("decode stored headers: %w", err)
		}
	}
	return lastRecord{seq: resp.Message.Sequence, op: opOf(h), data: resp.Message.Data}, true, nil
}
