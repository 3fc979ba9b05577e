package applied

import (
	"context"
	"errors"
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// This file restarts a watch that failed for a transient reason in place (Config.WatchRetry),
// where a caller would otherwise restart Run. The restarted watch resumes after the last
// positioned update the loop took off the watches since the last resync (the forwarded
// frontier, protocol.WatchRestartAfter): the loop takes everything the failed watch queued
// before it answers, so nothing is skipped and nothing delivered twice. A restart of Run would
// resume from the store's cursor instead, which is at or behind that frontier only by updates
// the loop still holds and stores with its next flush (or, if the loop fails, that restart
// refolds them). Before the new watch starts, the checks a start makes are made again: the
// bucket's stream incarnation (a bucket deleted and re-created while the server was away is
// resynced, never resumed) and, on a bucket that ages keys out, the contact with the stream.

// restartRequest asks the loop where a restarted watch resumes; the loop answers on reply
// (buffered, so it never waits).
type restartRequest struct {
	reply chan restartReply
}

// restartReply is the loop's answer: the cursor to resume after, or the resync to take instead.
type restartReply struct {
	from   kv.Cursor
	reason protocol.ResumeReason
}

// restartable reports whether a watch that ended with err is started again in place: the option
// is on, ctx goes on, and the error is one a new watch can outlive (kv.ErrWatch: heartbeats,
// gaps, a stalled consumer; kv.ErrNotConnected and kv.ErrTimeout: the server away or not
// answering yet). Errors that call for a resync never reach here.
func (l *loop[U]) restartable(ctx context.Context, err error) bool {
	if l.restartCh == nil || err == nil || ctx.Err() != nil {
		return false
	}
	return errors.Is(err, kv.ErrWatch) || errors.Is(err, kv.ErrNotConnected) || errors.Is(err, kv.ErrTimeout)
}

// restartPlan decides how the watch starts again after a transient failure: it compares the
// bucket's incarnation with the one the fold follows (*followed, updated when it changed), then
// asks the loop for the resume cursor. It returns that cursor, or a resync reason (the watch
// must not resume); whether ctx ended; and the error of the incarnation read (a transient one
// makes this a failed restart, retried).
func (l *loop[U]) restartPlan(ctx context.Context, followed *kv.Incarnation) (kv.Cursor, protocol.ResumeReason, bool, error) {
	if rep, ok := l.cfg.Watcher.(kv.IncarnationReporter); ok && !followed.IsZero() {
		live, err := rep.Incarnation(ctx)
		if err != nil {
			return kv.Cursor{}, protocol.ReasonNone, ctx.Err() != nil, fmt.Errorf("applied: reading the bucket's stream incarnation "+
				"before restarting the watch (refusing to resume a cursor that may belong to another incarnation): %w", err)
		}
		// The fold holds data of *followed whether or not the failed watch forwarded anything.
		act, why := l.k.resumePlan(protocol.ResumeFacts[kv.Incarnation]{HasCursor: true, Stored: *followed, Live: live})
		if act == protocol.ActionResync {
			l.log.Warn("applied: the bucket's stream incarnation changed while the watch was down; resyncing",
				"reason", why.String(), "followed", followed.String(), "live", live.String())
			*followed = live
			return kv.Cursor{}, why, false, nil
		}
	}
	reply := make(chan restartReply, 1)
	select {
	case l.restartCh <- restartRequest{reply: reply}:
	case <-ctx.Done():
		return kv.Cursor{}, protocol.ReasonNone, true, nil
	}
	select {
	case r := <-reply:
		return r.from, r.reason, false, nil
	case <-ctx.Done():
		return kv.Cursor{}, protocol.ReasonNone, true, nil
	}
}

// onRestart answers a restart request: it takes every update the failed watch queued (the
// watch goroutine sends nothing while it waits), checks the contact on a bucket that ages keys
// out as a start would, and answers the forwarded frontier (protocol.WatchRestartAfter), or the
// contact-lost resync.
func (l *loop[U]) onRestart(req restartRequest) error {
	if err := l.takeQueued(); err != nil {
		return err
	}
	if l.exp.guarded() && !l.contactTripped && l.k.contactLost(l.contact, l.now().UnixNano(), l.exp.ttl) {
		l.tripContact("the watch restart")
	}
	if l.contactTripped {
		req.reply <- restartReply{reason: protocol.ReasonContactLost}
		return nil
	}
	at := l.k.restartAt(l.chainStart.Bytes(), l.forwarded.Bytes())
	from := kv.Cursor{}
	if len(at) > 0 {
		v, err := kv.VersionFromBytes(at)
		if err != nil { // the kernel returns one of its arguments: a version token
			return l.fatal(fmt.Errorf("applied: watch restart position: %w", err))
		}
		from = kv.CursorFromVersion(v)
	}
	req.reply <- restartReply{from: from}
	return nil
}

// noteForwarded records the position of an update taken off the watch: the frontier an in-place
// restart resumes after. Unknown versions carry no position.
func (l *loop[U]) noteForwarded(u kv.Update) {
	if l.restartCh != nil && !u.Version.IsUnknown() {
		l.forwarded = u.Version
	}
}

// restartChain starts a new chain of watches after from (the zero cursor: a state sync), with
// nothing forwarded yet: at the start, and after every resync.
func (l *loop[U]) restartChain(from kv.Cursor) {
	l.chainStart, l.forwarded = from.Version(), kv.Version{}
}
