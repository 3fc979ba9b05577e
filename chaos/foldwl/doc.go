// Package foldwl is the chaos run's fold workload: the library's durable folds, export fleet
// and bootstrap under the same faults as the KV workload, plugged into chaos.Options.Extra.
//
// A writer takes operation numbers from the nemesis and puts or deletes keys of its own
// bucket (not the KV workload's: the KV history stays exactly what porcupine checks, and the
// fold bucket can have more keys and deletes without slowing that check). Fold consumers run
// applied.Run from that bucket into an append log and into Pebble, each on its own client
// connection through the proxies, and are restarted at points drawn from the seed: soft (the
// loop's context cancelled, the store closed) and hard (a crash image taken while the loop
// still runs: the append log's bytes read as they are, or a crash clone of Pebble's
// in-memory file system that keeps a random part of what was not synced), then reopened from
// disk and resumed from the recovered cursor. Exporters run transport.RunExportRound with the
// fleet lease against the folds and publish through the NATS transport's monotonic pointer; a
// poller reads the pointers through the stream leader. Importers bootstrap fresh folds with
// transport.ImportRemote and resume them with applied.Run. An operator removes history from
// the bucket at seeded points, with no marker a watch could deliver (a subject purge, a purge
// of the keys that end in a delete marker, optionally a raw message delete), over the control
// connection; the folds reconcile every few seconds, and each removal is recorded so the checks
// know which records the stream lost and when.
//
// After the heal every fold is reopened from disk and judged against the bucket's stream,
// read back from sequence 1 on the control connection (see the check functions).
package foldwl
