package natsstore

import (
	"context"

	"github.com/slipstream-go/slipstream/impl/kv"
)

var _ kv.RevisionLister = (*Store)(nil)

// Revisions lists the latest record of every key below prefix (see Keys for the prefix rule)
// with its revision and whether it is live, reading headers only: no value is transferred.
// Markers are listed too (not live), so a caller can tell a deleted key from a purged one,
// which has no record at all. Position is the stream's last sequence read before the listing
// consumer is created, so it never claims a point later than the listing's snapshot.
//
// Like Keys it uses one ephemeral consumer, deletes it on every path, and never returns a
// partial listing with a nil error.
func (s *Store) Revisions(ctx context.Context, prefix string) (kv.Revisions, error) {
	if err := s.ready("revisions", prefix); err != nil {
		return kv.Revisions{}, err
	}
	if _, err := kv.NormalizePrefix(prefix); err != nil {
		return kv.Revisions{}, err
	}
	_, last, err := s.streamState(ctx)
	if err != nil {
		return kv.Revisions{}, failRead("revisions", prefix, err)
	}
	out := kv.Revisions{Position: kv.VersionFromUint64(last), Records: make(map[string]kv.Listed)}
	err = s.list(ctx, "revisions", prefix, true, func(e kv.Entry, live bool) {
		out.Records[e.Key] = kv.Listed{Version: e.Version, Live: live} // a later record supersedes
	})
	if err != nil {
		return kv.Revisions{}, err
	}
	return out, nil
}

// Latest reads the key's latest record through the stream leader's message-get API (as
// LeaderReads does), markers included, so a replica that lags cannot answer; the record is
// marked Linearizable, also when the key has no record at all.
func (s *Store) Latest(ctx context.Context, key string) (kv.Record, error) {
	if err := s.ready("latest", key); err != nil {
		return kv.Record{}, err
	}
	if err := checkKey("latest", key); err != nil {
		return kv.Record{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	rec, found, err := s.leaderLast(ctx, "latest", key)
	if err != nil {
		return kv.Record{}, err
	}
	if !found {
		return kv.Record{Linearizable: true}, nil
	}
	out := kv.Record{Present: true, Live: rec.op == kv.OpPut, Version: kv.VersionFromUint64(rec.seq), Linearizable: true}
	if out.Live {
		out.Value = rec.data
	}
	return out, nil
}
