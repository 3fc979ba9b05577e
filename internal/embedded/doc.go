// Package embedded starts nats-server in-process with JetStream, on loopback only: one node
// (Start) or an N-node JetStream cluster (StartCluster) whose nodes can be stopped, restarted on
// the same store directory and ports, and asked to step a stream leader down.
//
// Every test, benchmark, chaos run and example in the project that needs a server uses this
// package; nothing starts a server binary by hand, so a machine with only Go runs everything.
// Servers are quiet (no logs, no signal handlers) and are shut down by the caller (or by
// t.Cleanup when started through the *T helpers).
package embedded
