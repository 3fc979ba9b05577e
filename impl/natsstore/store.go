package natsstore

import (
	"sync/atomic"

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

// Store is one JetStream KV bucket, opened with Conn.OpenBucket. It implements kv.Store,
// kv.Writer, kv.Purger, kv.TTL and kv.Watcher. It is safe for concurrent use. After its Conn is
// closed every call fails with kv.ErrNotConnected; so does every call on the zero Store or a
// nil *Store (never a panic).
type Store struct {
	conn          *Conn
	js            jetstream.JetStream
	kv            jetstream.KeyValue
	name          string         // bucket name
	stream        string         // "KV_" + name
	subjectPrefix string         // "$KV." + name + "."
	allowTTL      bool           // the stream allows per-message TTLs
	expiry        *knownExpiry   // what the stream removes by age, as last read or set (nil: zero Store)
	maxMsgSize    int64          // the stream's own message size limit (MaxMsgSize); <= 0: none
	leader        bool           // Get and Entry go through the stream leader (see LeaderReads)
	hooks         hooks          // test seams (copied from the Conn at open)
	stalls        *atomic.Uint64 // watches ended as stalled (shared with LeaderReads views)
	resumesBehind *atomic.Uint64 // resumes accepted behind the first sequence (shared likewise)
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
		hooks:         c.hooks,
		expiry:        &knownExpiry{},
		stalls:        &atomic.Uint64{},
		resumesBehind: &atomic.Uint64{},
	}
	if info != nil {
		s.allowTTL = info.Config.AllowMsgTTL
		s.keepExpiry(info.Config)
		s.maxMsgSize = int64(info.Config.MaxMsgSize)
	}
	return s
}

// ready returns kv.ErrNotConnected for the zero Store, a nil *Store, and a store whose Conn is
// closed; every method that talks to the server calls it first.
func (s *Store) ready(op, key string) error {
	if s == nil || s.conn == nil || s.js == nil || s.kv == nil {
		return neverConnected(op, key)
	}
	if s.conn.isClosed() {
		return notConnected(op, key)
	}
	return nil
}

// WatchStalls returns how many watches of this store (and of its LeaderReads views) ended with
// ErrWatchStalled: their consumer kept its heartbeats but stopped delivering (NATS.md, "Stalled
// consumer"). 0 for the zero Store.
func (s *Store) WatchStalls() uint64 {
	if s == nil || s.stalls == nil {
		return 0
	}
	return s.stalls.Load()
}

// ResumesBehindFirstSeq returns how many watches of this store (and of its LeaderReads views)
// resumed from a cursor behind the stream's first sequence without kv.ErrCursorExpired, which
// happens only on a stream where supersession alone removes records (NATS.md, "Resume check").
// 0 for the zero Store.
func (s *Store) ResumesBehindFirstSeq() uint64 {
	if s == nil || s.resumesBehind == nil {
		return 0
	}
	return s.resumesBehind.Load()
}

// Name returns the bucket name ("" for the zero Store).
func (s *Store) Name() string {
	if s == nil {
		return ""
	}
	return s.name
}

// Capabilities reports what this bucket can do. TTL is true only if the bucket was created with
// per-key TTLs allowed. AgesOut and ExpiryVisible are the stream's expiry configuration as the
// store last read it: at open, or since by Expiry or EnableExpiryMarkers. MaxValueSize is the largest value every write accepts: the smaller of
// the server's maximum payload and the bucket's own message size limit (its stream's
// MaxMsgSize, whichever tool created it), less room for the headers a write carries (see
// valueLimit); 0 when neither is known (the zero Store).
func (s *Store) Capabilities() kv.Capabilities {
	if s == nil || s.js == nil {
		return capabilities()
	}
	c := capabilities()
	c.TTL = s.allowTTL
	e := s.expiry.get()
	c.AgesOut = e.AgesOut()
	c.ExpiryVisible = c.AgesOut && e.MarkerTTL > 0
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
