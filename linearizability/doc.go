// Package linearizability records what concurrent KV clients saw (a history) and checks it
// against a porcupine model of one NATS KV key, partitioned per key.
//
// A run goes like this:
//
//	rec := linearizability.NewRecorder()               // one clock for the run
//	var obs linearizability.Observer                    // fed by a watch of the whole bucket
//	k := linearizability.NewKV(rec.NewClient(), store, store.LeaderReads(), store)
//	k.Put(ctx, "a", []byte("unique-1"))                 // one goroutine per KV adapter
//	...
//	ops := rec.Operations()
//	ops, st, err := linearizability.Resolve(ops, obs.Writes(), obs.Complete(1, lastSeq))
//	rep, err := linearizability.Check(ops, linearizability.Options{HTMLPath: dir + "/kv.html"})
//	direct, err := linearizability.CheckDirect(ops, linearizability.Options{HTMLPath: dir + "/direct.html"})
//
// What the model says (see step): revisions are the stream's sequences, so each record of a
// key has a greater one than the record before it, and across keys an acknowledged write that
// returned before another was called has the smaller revision; put always succeeds; create
// succeeds only on an absent or deleted key; update and delete-with-version succeed only at
// the expected revision (10071 otherwise); delete writes a marker; a leader get returns the
// current value or nothing. A write refused with 10164 decided nothing and is a no-op. A write
// whose outcome is unknown (a timeout, a lost connection) may take effect at any time after its
// call, or never.
//
// Values must be unique per key (a read then pins the write it saw). The checked keys must be
// fresh at the start of the run: the model's initial state is "never written".
//
// Verdicts are three-valued: Holds, Violates, Incomplete. A search that runs out of time is
// Incomplete, which is a failure, never a pass. Unknown outcomes are what makes the search
// expensive, because each one stays pending to the end; Resolve settles them from what the
// stream shows, and with it a violation in a 10k-operation history is found in seconds.
//
// Direct gets (any replica answers) are stale by design in NATS; Check leaves them out and
// CheckDirect measures their staleness as a finding, failing only on a value nobody wrote.
//
// Histories are saved as JSON lines (WriteHistoryFile / ReadHistoryFile) so a failing run can
// be re-checked offline with cmd/lincheck.
package linearizability
