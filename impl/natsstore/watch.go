package natsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/protocol"
)

// Pull settings of a watch consumer. The heartbeat bounds how long a consumer that vanished
// (server restarted, consumer reaped) goes unnoticed: two missed heartbeats end the watch.
const (
	watchBatch     = 1000
	watchExpiry    = 30 * time.Second
	watchHeartbeat = 5 * time.Second
)

// Watch streams the updates in scope to out, in revision order, until ctx ends (then it returns
// nil and its consumer is deleted) or the stream fails (then it returns an error, never nil).
//
// Errors, each matched with errors.Is:
//   - kv.ErrNotConnected: the store is the zero Store, or its Conn is closed. A watch already
//     running when its Conn closes ends with kv.ErrNotConnected or kv.ErrWatch.
//   - kv.ErrInvalidScope: a prefix is invalid, or two prefixes overlap; nothing is sent.
//   - kv.ErrInvalidVersion: from is not an 8-byte NATS revision; nothing is sent.
//   - kv.ErrWatch: ctx carries a deadline (refused at call time: a deadline would end a healthy
//     stream; use context.WithCancel); from is the maximum uint64 (it cannot be resumed without
//     wrapping to 0); the consumer could not be created; the stream ended on its own (consumer
//     lost, two missed heartbeats, a delivery gap); the live floor guard tripped
//     (errors.Is(err, ErrFloorGuardTripped) tells that case apart); or the consumer stopped
//     delivering while the stream held updates in scope (ErrWatchStalled; NATS.md, "Stalled
//     consumer").
//   - kv.ErrCursorExpired: the bucket no longer holds every update after from and a limit of
//     its stream (MaxAge, MaxMsgs or MaxBytes under discard-old, TTLs, markers, schedules,
//     non-limits retention) may have removed a key's latest record, or from is beyond the
//     stream's last sequence (see "Resume check" in NATS.md); resync and watch from the zero
//     cursor. On a stream without limits a cursor behind the first sequence resumes: only
//     superseded records were removed, and each key's latest record follows
//     (Store.ResumesBehindFirstSeq counts them).
//   - kv.ErrTimeout: a setup request (stream lookup, consumer creation) timed out.
//   - kv.ErrKeyNotFound: the bucket's stream does not exist (deleted); kv.ErrOperationFailed:
//     the server refused the consumer for lack of permission. Neither matches kv.ErrWatch: a
//     new watch cannot outlive them.
//
// Scope: All, Prefix (one subtree; "node" and "node." both select node.>) or Prefixes (the
// union of several subtrees through ONE multi-filter consumer, also when resuming). An empty
// Prefixes returns nil at once: it selects nothing and never widens to the whole bucket.
//
// A zero from is a state-sync watch: the last record of every key in scope (surviving delete
// markers included), then live updates, with no gap between them. A non-zero from resumes after
// the cursor: only updates with a larger revision, no re-list, after the resume check described
// in NATS.md ("Resume check"), which runs before and again after the consumer is created.
//
// A watch delivers every update in scope that the bucket still holds when the watch reaches it.
// A bucket keeps StoreConfig.MaxHistory revisions per key (1 by default) and the server drops a
// key's oldest revision as soon as a newer one exceeds that count, read or not; a revision so
// superseded before the watch reached it is skipped, and the key's later revision follows. A
// fold of the stream therefore ends equal to the bucket, but a reader that must see every
// revision of a key needs a history deeper than the writes it can fall behind by (NATS.md,
// "Superseded revisions").
//
// Every watch — every scope, resumed or state-sync, in its snapshot and in its live phase —
// runs the live floor guard (NATS.md, "Floor guard"): retention evicting updates in scope
// before the watch delivered them fails it with kv.ErrWatch wrapping ErrFloorGuardTripped,
// before anything after the gap is forwarded, and the caller's restart from its cursor gets
// kv.ErrCursorExpired and resyncs.
//
// Setup is bounded by the request timeout; the stream itself is not. Sends to out block, so a
// slow reader slows the watch; a reader that stalls for longer than the consumer inactive
// threshold (5 min) lets the server reap the idle consumer, and the watch then ends with
// kv.ErrWatch. If the server goes away the watch keeps waiting while the client reconnects;
// once reconnected, a consumer the server lost (or two missed heartbeats, 10 s) ends the watch
// with kv.ErrWatch. A consumer that keeps its heartbeats but delivers nothing while the stream
// holds an update in scope after the last one received ends the watch with ErrWatchStalled
// after two heartbeat periods at least (detected on the backstop probe, so within about two
// Config.FloorGuardInterval). Resume from your cursor.
func (s *Store) Watch(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update) error {
	return s.watch(ctx, scope, from, out, nil)
}

// watch is Watch; a non-nil caughtUp is called by the floor guard's caught-up proofs
// (kv.CaughtUpWatcher, see WatchCaughtUp).
func (s *Store) watch(ctx context.Context, scope kv.Scope, from kv.Cursor, out chan<- kv.Update, caughtUp func(time.Time)) error {
	const op = "watch"
	if err := s.ready(op, ""); err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); ok {
		return kv.NewError(op, "", kv.ErrWatch, nil).WithHint(hintWatchDeadline)
	}
	if err := scope.Validate(); err != nil {
		return err
	}
	prefixes := scope.Prefixes()
	if len(prefixes) == 0 {
		return nil // an empty Prefixes scope selects nothing; it must not widen to every key
	}
	if ctx.Err() != nil {
		return nil
	}
	cfg := s.consumerConfig("slipstream watch "+scope.String(), prefixes)

	resuming := !from.IsZero()
	var cursor uint64
	if resuming {
		c, ok := from.Uint64()
		if !ok {
			return kv.NewError(op, "", kv.ErrInvalidVersion, nil).
				WithHint(fmt.Sprintf("a NATS resume cursor holds an 8-byte revision, got %v", from))
		}
		start, ok := protocol.ResumeStartSequence(c)
		if !ok {
			return kv.NewError(op, "", kv.ErrWatch, nil).
				WithHint(hintMaxCursor)
		}
		cursor = c
		if _, _, err := s.checkResume(ctx, cursor); err != nil {
			return err
		}
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = start
	}

	cons, err := s.createConsumer(ctx, op, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		if resuming && looksLikeExpiry(err) {
			return kv.NewError(op, "", kv.ErrCursorExpired, err).
				WithHint("the server refused the resume point as no longer retained; " + hintResync)
		}
		return watchFail(fmt.Errorf("create watch consumer on %s: %w", s.stream, err))
	}
	defer s.deleteConsumer(ctx, op, cons.CachedInfo().Name)

	// Whether retention can remove a key's latest record is read once after the consumer exists
	// (by the resume check's second read when resuming), and again by every probe of the floor
	// guard (a limit added later counts from the next probe on).
	var limits, haveLimits bool
	if resuming {
		// Again after the consumer exists: the head may have been evicted in between, and the
		// server would have clamped the start without saying so.
		first, retention, err := s.checkResume(ctx, cursor)
		if err != nil || ctx.Err() != nil {
			return err // nil when the watch was cancelled during the check
		}
		limits, haveLimits = protocol.FloorGuardRequired(retention), true
		if !protocol.ResumeWindowOK(cursor, first) {
			// Accepted behind the first sequence: only supersession removed what the server
			// skips, and every key's latest record follows.
			s.resumesBehind.Add(1)
			s.conn.logger().Info("natsstore: resume behind the first sequence accepted; the stream removes only superseded records, so no resync is needed",
				"stream", s.stream, "cursor", cursor, "first_seq", first)
		}
	}
	// Every watch runs the floor guard. A state-sync watch's snapshot starts at the consumer's
	// own start (one after the stream sequence it reports as delivered at creation): nothing
	// below it is part of the snapshot.
	start, _ := protocol.ResumeStartSequence(cons.CachedInfo().Delivered.Stream)
	if !haveLimits {
		_, _, l, err := s.streamProbe(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return watchFail(fmt.Errorf("read stream configuration for the floor guard: %w", err))
		}
		limits = l
	}
	guard := s.newFloorGuard(cursor, start, limits, func(ctx context.Context) (uint64, uint64, error) {
		ctx, cancel := context.WithTimeout(ctx, s.conn.timeout())
		defer cancel()
		info, err := cons.Info(ctx)
		if err != nil {
			return 0, 0, err
		}
		return info.NumPending, info.Delivered.Consumer, nil
	})
	filters := make([]string, len(prefixes))
	for i, p := range prefixes {
		filters[i] = s.filterFor(p)
	}
	guard.stall = s.newStallDetector(guard.frontier, filters)
	if caughtUp != nil {
		guard.caughtUp = caughtUp
		guard.proveEvery(s.expiry.get().MarkerTTL)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(watchBatch),
		jetstream.PullExpiry(watchExpiry), jetstream.PullHeartbeat(watchHeartbeat))
	if err != nil {
		return watchFail(fmt.Errorf("start watch: %w", err))
	}
	return s.pump(ctx, it, out, guard)
}

// watchFail wraps a watch failure: a timeout stays kv.ErrTimeout and a closed connection
// kv.ErrNotConnected; a bucket whose stream is gone is kv.ErrKeyNotFound and a refused
// permission kv.ErrOperationFailed, which no new watch can outlive (applied.Run restarts
// watches that end with kv.ErrWatch, and these must end it); anything else is kv.ErrWatch.
func watchFail(err error) error {
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return kv.NewError("watch", "", kv.ErrKeyNotFound, err).WithHint(hintBucketGone)
	case errors.Is(err, nats.ErrPermissionViolation):
		return kv.NewError("watch", "", kv.ErrOperationFailed, err).WithHint(hintWatchRefused)
	}
	_, kind := classify(err, false)
	switch {
	case errors.Is(err, jetstream.ErrNoHeartbeat):
		kind = kv.ErrWatch // the consumer is gone or unreachable: resume, do not just wait longer
	case kind == kv.ErrTimeout, kind == kv.ErrNotConnected:
	default:
		kind = kv.ErrWatch
	}
	return kv.NewError("watch", "", kind, err).WithHint(hintResume)
}

// checkResume is the resume check (NATS.md, "Resume check"): kv.ErrCursorExpired unless
// protocol.ResumeAllowed accepts the cursor on the stream's first sequence and retention (every
// update after cursor still retained, or a stream where only supersession removes records) and
// the cursor is not beyond the stream's last sequence. It returns the first sequence and the
// retention it read.
func (s *Store) checkResume(ctx context.Context, cursor uint64) (first uint64, r protocol.StreamRetention, err error) {
	first, last, r, err := s.streamRetention(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return 0, r, nil
		}
		return 0, r, watchFail(fmt.Errorf("get KV stream for resume check: %w", err))
	}
	if !protocol.ResumeAllowed(cursor, first, r) {
		s.conn.logger().Warn("natsstore: resume cursor expired", "stream", s.stream, "cursor", cursor, "first_seq", first)
		return 0, r, kv.NewError("watch", "", kv.ErrCursorExpired, nil).WithHint(fmt.Sprintf(
			"stream %s starts at sequence %d, after cursor %d, and a limit of the stream may have removed a key's latest record; %s",
			s.stream, first, cursor, hintResync))
	}
	if cursor > last {
		s.conn.logger().Warn("natsstore: resume cursor beyond stream end", "stream", s.stream, "cursor", cursor, "last_seq", last)
		return 0, r, kv.NewError("watch", "", kv.ErrCursorExpired, nil).WithHint(fmt.Sprintf(
			"cursor %d is beyond stream %s's last sequence %d (the bucket was recreated or wiped); %s",
			cursor, s.stream, last, hintResync))
	}
	return first, r, nil
}
