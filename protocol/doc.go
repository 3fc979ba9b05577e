// Package protocol holds the decision kernels of Slipstream: the pure functions on which the
// correctness arguments of the export/import protocol and the watch loop rest.
//
// Every kernel here is called by production code (impl/...) and, unchanged, by the exhaustive
// model checker (model/...) and mirrored by the TLA+ specifications (spec/tla/). Because both
// sides execute the same function, a proof about the model is a proof about the code's decision,
// not about a hand-synchronised copy of it.
//
// The package imports only the standard library and nothing of the project. Each kernel's doc
// comment names the invariant it carries and the model property that checks it.
package protocol
