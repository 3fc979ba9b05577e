// Package transport moves verified fold artifacts between nodes through shared storage: a
// content-addressed payload object per artifact, and one small pointer per key naming the
// published one.
//
// Upload stores the artifact's tar (MANIFEST.json and data/, as artifact.WriteTar writes it)
// under its content address, then publishes the manifest bytes as the pointer by a monotone
// compare-and-swap: protocol.PointerPublishAllowed refuses to replace a pointer of higher rank,
// so a slow exporter's older artifact never replaces a newer one (SupersededByNewer). A crash
// between the two steps leaves the previous pointer, and its payload, intact. Download derives
// the payload's name from the pointer's bytes, so pointer and payload always belong together,
// and checks that the embedded manifest equals the pointer byte for byte. Prune deletes only
// what protocol.PayloadPrunable allows: payloads ranked strictly below the pointer it read,
// never the pointer's target; a reader that read an older pointer finds its payload gone
// (ErrPayloadMissing) and retries, and never gets wrong data.
//
// Each incarnation of a bucket publishes under its own key (PointerKey). PruneRetired deletes
// what an incarnation created before the live one left behind: its payloads once they aged
// out of the grace (protocol.RetiredPayloadPrunable), then its pointer once no payload is left
// (protocol.RetiredPointerDeletable, by compare-and-swap). A reader of such a pointer racing
// it fails detectably (ErrPayloadMissing, then ErrNoPointer), never with wrong data.
//
// Two stores implement it: NATS (a JetStream object store for payloads, a kv key for the
// pointer) and Directory (one host's file system, the swap made atomic by flock and rename).
// RunExportRound and ImportRemote compose a transport with the export lease (impl/lease), the
// live loop (applied.Run) and the artifact package into an export round and a bootstrap.
package transport
