// Package applied runs the cursor-after-apply watch loop: it folds a bucket's updates into the
// caller's state (and, optionally, into a durable snapshot.Store) and reports a cursor only
// once everything at or below it has been applied.
//
// Run receives updates from a kv.Watcher, batches them (a window timer and a size limit), and
// flushes each batch in one fixed order: the caller's Apply, then the in-memory cursor, then
// the store (the raw updates and the cursor, as one unit), then OnApplied. A persisted cursor C
// therefore implies every update with revision <= C has been applied and stored.
//
// The loop's decisions go through the kernels of package protocol: BatchHigh (which cursor a
// flush may claim: an update with an unknown version never moves it), StoreFailure (a failed
// store apply is tolerated 15 times in a row; the 16th stops the loop) and Requeue (a failed
// store batch is kept in front of the newer updates and committed with them later).
//
// When a resume cursor has expired (kv.ErrCursorExpired: retention may have removed a key's
// latest record after it; on a bucket whose only retention is its per-key history the backend
// resumes instead, since each removed record's newer one follows) and Run has both a kv.Reader and a
// snapshot.Store, it resyncs: it lists the bucket's live keys, folds a delete for every key the
// store holds in scope that the listing lacks, and only after the loop has folded those deletes
// starts a state-sync watch from the zero cursor. Without a Reader or a Store it returns the
// error instead of continuing with keys that may have been deleted in the gap.
//
// The same resync is taken for two more reasons. Before its first watch, when the Watcher
// reports the bucket's stream incarnation (kv.IncarnationReporter) and the store holds one
// stamped with its cursor, Run compares them (protocol.ResumePlanFor): a cursor of another
// incarnation (the bucket was deleted and re-created, or the fold was imported from an
// artifact of the old one) is never resumed. And a watch that retention overran
// (kv.ErrWatchOverrun) is resynced in place rather than stopping Run; a consumer overrun again
// right after each resync (it cannot keep up with what the bucket retains) waits between them,
// Config.OverrunBackoff (1 s) doubling up to 64 times that, logged. Every resync is logged
// with its reason and counted in Stats (Resyncs, IncarnationResyncs, OverrunResyncs). Flushes
// store the live incarnation with their cursor (Store.ApplyStamped) once the updates come from
// the live stream; a store without a stamp (written before stamps existed) resumes unverified,
// and the log says so.
//
// On a bucket that removes keys by age (the Watcher implements kv.ExpiryReporter), Run decides
// at start with protocol.ExpiryAdmit: a bucket without delete markers is refused with
// kv.ErrExpiryInvisible unless Config.AcceptExpiryDivergence accepts that the fold keeps
// aged-out keys. With markers it keeps a contact time with the stream, stored beside the cursor
// (snapshot.Stamp.Contact): the stream stamp of the last update received, or the time a
// kv.CaughtUpWatcher proved the watch caught up. protocol.ExpiryContactLost is asked on a
// resume, before each update and before each refresh; once the marker TTL (less
// Config.ExpiryClockSkew) has passed without contact, a marker may have expired unseen, and Run
// takes the same resync (Stats.ContactResyncs). Stats.Expiries counts the markers folded. A
// quiet fold keeps its contact only through the proofs, so a kv.CaughtUpWatcher must prove the
// watch caught up well inside half the marker TTL; natsstore's does so about every quarter of
// it (natsstore.Store.WatchCaughtUp), whatever its floor-guard period.
//
// With a Store and a Reader that implements kv.RevisionLister, Run also reconciles (anti-entropy):
// once the watch has caught up after the start (the first caught-up proof of a
// kv.CaughtUpWatcher, or 100 ms without a delivery, whichever comes first: a fold hydrating
// under constant writes may never pause that long), then every Config.ReconcileEvery (10 minutes by
// default; ReconcileOff turns it off), a goroutine lists the bucket's latest revision per key,
// headers only, and the loop compares it with the store. Candidates picked by
// protocol.ReconcileRepair are confirmed against the key's current record by
// protocol.ConfirmRepair: a key the bucket no longer has at all (a purged delete marker, a
// subject purged by an operator, an expired marker) gets a delete, an update the watch passed
// without folding is fetched, a key whose current record is older than the store's (the
// newer one deleted from the stream by a message delete) is rolled back to it, and anything
// above the applied cursor is left to the watch. The confirming read goes through the stream
// leader; a read that is not linearizable (kv.Record.Linearizable) repairs nothing and is
// counted as deferred. Repairs never move the cursor; Stats counts them by kind.
//
// A watch that fails for a transient reason (kv.ErrWatch: missed heartbeats, a delivery gap, a
// consumer that stopped delivering; kv.ErrNotConnected or kv.ErrTimeout: the server away) ends
// Run with that error, unless Config.WatchRetry is set: then Run starts the watch again in
// place. The loop first takes every update the failed watch queued, then the new watch resumes
// after the last positioned one it took since the last resync (protocol.WatchRestartAfter), so
// nothing is skipped or folded twice; mid-snapshot of a state-sync watch too, since the snapshot
// delivers in stream order and a resume after an evicted gap is refused (kv.ErrCursorExpired,
// resynced). A restart of Run would resume from the store's cursor instead, behind that position
// only by updates the loop holds and stores with its next flush. Before the new watch the checks
// of a start run again: a changed stream incarnation resyncs (a missing bucket ends Run), and on
// a bucket that ages keys out a lost contact resyncs. A restart after a failed one waits
// WatchRetry, doubling up to 64 times it (the overrun backoff's rule); each is logged with its
// cause and counted in Stats.WatchRestarts. Other errors still end Run.
//
// Restart with a store: resume from store.Cursor(), which Run does by default. The cursor Run
// returns, and the one OnApplied reports, is the in-memory cursor, which can run ahead of the
// store after a transient store failure.
package applied
