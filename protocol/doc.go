// Package protocol holds the decision kernels of Slipstream: the pure functions on which the
// correctness arguments of the export/import protocol and the watch loop rest.
//
// Every kernel is run, unchanged, by the exhaustive model checker (model/...) and mirrored by
// the TLA+ specifications (spec/tla/), and production code calls the same function for the
// decision, so a proof about the model is a proof about the code's decision, not about a
// hand-synchronised copy of it. spec/README.md maps each kernel to its TLA+ action, Go model
// action and production call site.
//
// Production callers: the NATS adapter (impl/natsstore) calls ResumeWindowOK and
// ResumeStartSequence when a watch resumes, and FloorGuardProbeNeeded, FloorGuardTrips,
// FloorGuardFrontier and FloorGuardRequired (whether the stream's retention lets the guard
// trip at all) in the live floor guard of an All-scope watch, and WatchStall (run by
// model/watchstall) in every watch's stall detector; the watch loop
// (impl/applied) calls BatchHigh, StoreFailure and Requeue in its flush, WatchRestartAfter when
// it restarts a failed watch in place, and ResumePlanFor before its first watch and before
// such a restart (a table-tested kernel no model runs yet); the transports
// (impl/transport) call PointerPublishAllowed in the pointer swap, PayloadPrunable in the
// prune and CursorRank for both, and RetiredPayloadPrunable and RetiredPointerDeletable when
// they prune a re-created bucket's earlier incarnations (run by model/retire); the export
// lease (impl/lease) calls LeaseStealable; the watch loop calls ExpiryAdmit before its first
// watch (so does the NATS adapter's ExpiryPolicy), and ExpiryContactLost and
// ExpiryContactAdvance on a resume, per received update and on each caught-up proof of the
// watch.
//
// The package imports only the standard library and nothing of the project. Each kernel's doc
// comment names the invariant it carries and the model property that checks it.
package protocol
