package natsstore

import (
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// The interfaces *Store implements.
var (
	_ kv.Store   = (*Store)(nil)
	_ kv.Writer  = (*Store)(nil)
	_ kv.Purger  = (*Store)(nil)
	_ kv.TTL     = (*Store)(nil)
	_ kv.Watcher = (*Store)(nil)
)

// Store is one JetStream KV bucket. It implements kv.Store, kv.Writer, kv.Purger, kv.TTL and
// kv.Watcher. It is safe for concurrent use. After its Conn is closed every call fails with
// kv.ErrNotConnected.
type Store struct {
	conn          *Conn
	js            jetstream.JetStream
	kv            jetstream.KeyValue
	name          string // bucket name
	stream        string // "KV_" + name
	subjectPrefix string // "$KV." + name + "."
	allowTTL      bool   // the stream allows per-message TTLs
	leader        bool   // Get and Entry go through the stream leader (see LeaderReads)
}

// newStore wraps an opened bucket. info is the bucket's stream info as returned at open time.
func newStore(c *Conn, js jetstream.JetStream, b jetstream.KeyValue, info *jetstream.StreamInfo) *Store {
	s := &Store{
		conn:          c,
		js:            js,
		kv:            b,
		name:          b.Bucket(),
		stream:        "KV_" + b.Bucket(),
		subjectPrefix: "$KV." + b.Bucket() + ".",
	}
	if info != nil {
		s.allowTTL = info.Config.AllowMsgTTL
	}
	return s
}

// Name returns the bucket name.
func (s *Store) Name() string { return s.name }

// Capabilities reports what this bucket can do; TTL is true only if the bucket was created with
// per-key TTLs allowed, and MaxValueSize is the largest value a write accepts (the server's
// maximum payload less room for the KV headers).
func (s *Store) Capabilities() kv.Capabilities {
	c := capabilities()
	c.TTL = s.allowTTL
	c.MaxValueSize = s.maxValueSize()
	return c
}

// capabilities are the facts every NATS store shares.
func capabilities() kv.Capabilities {
	return kv.Capabilities{
		StreamingWatch: true,
		PrefixWatch:    true,
		Purge:          true,
		CAS:            true,
		LeaderRead:     true,
	}
}
