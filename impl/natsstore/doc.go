// Package natsstore implements impl/kv on NATS JetStream key-value buckets, through nats.go's
// jetstream package.
//
// A bucket b is the stream KV_b with subjects $KV.b.>; a key's version is the stream sequence
// of its latest write (8 bytes, big-endian). Every request carries a deadline
// (Config.RequestTimeout, 30 s by default); a watch stream does not, and ends with its context.
//
// Reads: Get and Entry use a direct get, which any replica may answer and which can therefore
// be stale on a replicated bucket; LeaderReads returns a view of the store whose Get and Entry
// go through the stream leader (the stream message-get API) — use it when the answer must not
// be stale.
//
// Resumes: NATS clamps a start sequence below the first retained message without an error, so
// every resume compares the stream's first sequence with cursor+1 before and after creating the
// consumer (protocol.ResumeWindowOK) and returns kv.ErrCursorExpired on a gap.
package natsstore
