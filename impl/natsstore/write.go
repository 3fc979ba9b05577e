package natsstore

import (
	"context"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// prepareWrite runs the checks every write makes before sending anything: the connection is
// open, the key is valid, and the value fits.
func (s *Store) prepareWrite(op, key string, value []byte) error {
	if err := s.ready(op, key); err != nil {
		return err
	}
	if err := checkKey(op, key); err != nil {
		return err
	}
	return s.checkValue(op, key, value)
}

// Put writes value under key (unconditionally) and returns its new version.
func (s *Store) Put(ctx context.Context, key string, value []byte) (kv.Version, error) {
	if err := s.prepareWrite("put", key, value); err != nil {
		return kv.Version{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	rev, err := s.kv.Put(ctx, key, value)
	if err != nil {
		return kv.Version{}, failWrite("put", key, err)
	}
	return kv.VersionFromUint64(rev), nil
}

// Update writes value only if the key's last record is at version expected, and returns the new
// version. A key at another revision (or absent) gives kv.ErrRevisionMismatch (server error
// 10071: decided); a concurrent write in flight on a replicated bucket gives kv.ErrWriteInFlight
// (10164: nothing decided). An unknown or non-NATS version gives kv.ErrInvalidVersion before
// anything is sent. Version 0 succeeds only on a key that has never been written.
func (s *Store) Update(ctx context.Context, key string, value []byte, expected kv.Version) (kv.Version, error) {
	const op = "update"
	if err := s.prepareWrite(op, key, value); err != nil {
		return kv.Version{}, err
	}
	rev, err := revisionOf(op, key, expected)
	if err != nil {
		return kv.Version{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	newRev, err := s.kv.Update(ctx, key, value, rev)
	if err != nil {
		return kv.Version{}, casFail(op, key, err)
	}
	return kv.VersionFromUint64(newRev), nil
}

// casFail wraps the error of a compare-and-swap write, keeping 10071 and 10164 apart.
func casFail(op, key string, err error) error {
	switch casKind(err) {
	case kv.ErrWriteInFlight:
		return kv.NewError(op, key, kv.ErrWriteInFlight, err).WithHint(hintWriteInFlight)
	case kv.ErrRevisionMismatch:
		return kv.NewError(op, key, kv.ErrRevisionMismatch, err).WithHint(hintRevisionChanged)
	}
	return failWrite(op, key, err)
}

// Delete writes a delete marker (the key's history stays until it ages out or is purged). It
// succeeds whether or not the key existed. A deleted key is free for Create.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.prepareWrite("delete", key, nil); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	return failWrite("delete", key, s.kv.Delete(ctx, key))
}

// DeleteWithVersion writes a delete marker only if the key's last record is at version expected
// (a real delete marker, so watchers see a Delete and Create can reuse the key). A key at
// another revision, or absent, gives kv.ErrRevisionMismatch; a concurrent write in flight gives
// kv.ErrWriteInFlight. Version 0 succeeds only on a key that has never been written.
func (s *Store) DeleteWithVersion(ctx context.Context, key string, expected kv.Version) error {
	const op = "delete with version"
	if err := s.prepareWrite(op, key, nil); err != nil {
		return err
	}
	rev, err := revisionOf(op, key, expected)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	// Built by hand rather than kv.Delete(ctx, key, LastRevision(rev)): nats.go drops the guard
	// when rev is 0, which would turn a guarded delete into an unconditional one.
	m := nats.NewMsg(s.subjectPrefix + key)
	m.Header.Set(hdrOperation, opDel)
	m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(rev, 10))
	if _, err := s.js.PublishMsg(ctx, m); err != nil {
		return casFail(op, key, err)
	}
	return nil
}

// Purge removes the key and every earlier revision of it, reclaiming their bytes, and leaves a
// small purge marker (watchers see OpPurge). Purging an absent key succeeds.
func (s *Store) Purge(ctx context.Context, key string) error {
	if err := s.prepareWrite("purge", key, nil); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
	defer cancel()
	return failWrite("purge", key, s.kv.Purge(ctx, key))
}
