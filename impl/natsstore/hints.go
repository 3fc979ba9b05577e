package natsstore

// The hints this package attaches to its errors (kv.Error.Hint), each written once. Hints that
// need a value (a size, a URL, a sequence) are formatted where they are raised.
const (
	hintClosed          = "the connection was closed; Connect again and open the store again"
	hintNeverConnected  = "this store or Conn was never connected; obtain a Conn from Connect or FromClient and open the store with OpenBucket"
	hintNatsConnClosed  = "the nats connection is closed; connect again"
	hintConnDown        = "the connection to the server is down and reconnecting; retry when Conn.Healthy reports true"
	hintJetStreamSetup  = "could not set up the JetStream API on the connection"
	hintNoJetStream     = "nothing answers the JetStream API: enable JetStream on the server and for this account"
	hintCredentials     = "the configured credentials could not be used; fix the credential named in the error"
	hintAuthRejected    = "the server rejected the credentials; check Creds, CredsFile, NKeySeedFile or the URL's userinfo"
	hintTLSMismatch     = "the client and the server disagree on TLS; set or clear Config.TLS to match the server"
	hintTLSCheck        = "check the server address and Config.TLS (root CAs, server name, client certificate)"
	hintOpenTimeout     = "the server did not answer in time; the stream may or may not exist, and OpenBucket again looks it up first"
	hintOpenCancelled   = "the caller's context ended while opening the bucket"
	hintReadTimeout     = "the server did not answer in time; nothing was changed — retry the read"
	hintReadCancelled   = "the caller cancelled the read; nothing was changed"
	hintWriteTimeout    = "the server did not answer in time; the write may or may not have been applied — re-read before retrying"
	hintWriteCancelled  = "the caller cancelled the write; it may or may not have been applied — re-read before retrying"
	hintValueTooLarge   = "the value exceeds the server's or the bucket's maximum message size"
	hintInvalidKey      = "keys are dot-separated tokens of [-/_=a-zA-Z0-9], with no leading or trailing dot and no empty token"
	hintWriteInFlight   = "another write to the key was in flight; nothing was decided — re-read and retry"
	hintRevisionChanged = "the key is at another revision or absent; re-read it and decide again"
	hintResume          = "resume from your cursor; a cursor the stream no longer covers gives ErrCursorExpired"
	hintResync          = "resync: list the live keys, drop the others, and watch from the zero cursor"
	hintWatchDeadline   = "a watch's ctx must carry no deadline (it would end a healthy stream); derive it with context.WithCancel and cancel it to stop"
)
