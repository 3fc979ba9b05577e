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
// Connections: Connect authenticates with the first credential set in Config, in this order:
// inline creds (base64 of a .creds file), a creds file, an NKey seed file, user:pass in the URL,
// none. Credentials never appear in errors or logs (Config redacts itself). Conn.Close ends an
// owned connection, and every store opened from it then fails with kv.ErrNotConnected; a
// connection wrapped with FromClient stays the caller's and is never closed here. Health
// (Conn.Healthy) follows the live connection.
//
// Buckets: OpenBucket gets or creates; the StoreConfig applies only at creation. DiscardOld
// buckets, and any bucket whose normal creation fails or times out, go through a raw
// STREAM.CREATE request, which is always followed by a lookup that verifies the bucket exists.
// Buckets with MaxAge or AllowTTL are created with subject delete markers, so keys removed by
// age reach watches as purges; Store.Expiry reports that for any bucket, and
// Store.EnableExpiryMarkers turns markers on for one created without them.
//
// Resumes and live watches: NATS loses history silently in a few places (a resume start below
// the first retained message is clamped without an error; a consumer skips messages that
// retention evicts before it delivers them). Every watch — every scope, resumed or state-sync,
// in its snapshot and live phase — runs the floor guard, which fails the watch with kv.ErrWatch
// wrapping ErrFloorGuardTripped (which matches kv.ErrWatchOverrun; applied.Run resyncs on it)
// before anything after such a gap is forwarded, and a stall detector, which ends with
// ErrWatchStalled a watch whose consumer keeps its heartbeats but stopped delivering while the
// stream holds updates in its scope (the caller resumes from its cursor). A bucket deleted and
// re-created is a new stream incarnation, which Store.Incarnation reports. NATS.md in this
// directory explains each such behaviour, what the store does about it (the resume check, the
// floor guard, the stall detector, the delivery-gap check, the two wrong-last-sequence codes,
// stale direct gets) and which test pins it.
package natsstore
