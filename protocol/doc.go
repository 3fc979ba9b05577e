// Package protocol holds the decision kernels of Slipstream: the pure functions on which the
// correctness arguments of the export/import protocol and the watch loop rest.
//
// Every kernel is run, unchanged, by the exhaustive model checker (model/...) and mirrored by
// the TLA+ specifications (spec/tla/), and production code calls the same function for the
// decision, so a proof about the model is a proof about the code's decision, not about a
// hand-synchronised copy of it. spec/README.md maps each kernel to its TLA+ action, Go model
// action and production call site.
//
// Production callers today: the NATS adapter (impl/natsstore) calls ResumeWindowOK and
// ResumeStartSequence when a watch resumes, and FloorGuardProbeNeeded, FloorGuardTrips and
// FloorGuardFrontier in the live floor guard of an All-scope watch; the watch loop
// (impl/applied.Run) calls BatchHigh, StoreFailure (with MaxStoreApplyFailures) and Requeue in
// its flush. Three kernels have no production caller yet, because the code that will call them
// is not written: PointerPublishAllowed, PayloadPrunable and CursorRank, planned for the
// artifact transports in impl/transport (the pointer swap, the prune, and the ranking of
// cursors for both). Until then the model checker is their only caller, and their unit tests
// pin their truth tables.
//
// The package imports only the standard library and nothing of the project. Each kernel's doc
// comment names the invariant it carries and the model property that checks it.
package protocol
