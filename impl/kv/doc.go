// Package kv defines the backend-agnostic key-value surface of Slipstream: the value types
// (Version, Cursor, Entry, Update, Scope, Incarnation, Expiry), the store configuration, the
// capability flags, the sentinel errors, and the small interfaces a backend implements (Reader,
// Writer, Purger, TTL, Watcher, IncarnationReporter, ExpiryReporter, CaughtUpWatcher, Store,
// Connection).
//
// The NATS JetStream implementation lives in impl/natsstore. Optional capabilities are separate
// interfaces, discovered with a type assertion on the Store (a read-only store simply does not
// implement Writer); Store.Capabilities reports the same facts as data.
//
// Absent keys are not errors: Get and Entry return ok=false. Failures are *Error values that
// match a sentinel with errors.Is (ErrRevisionMismatch, ErrCursorExpired, …) and keep the
// underlying cause reachable too.
package kv
