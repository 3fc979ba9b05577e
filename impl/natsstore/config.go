package natsstore

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// DefaultRequestTimeout bounds every request to the server that has no deadline of its own.
const DefaultRequestTimeout = 30 * time.Second

// DefaultConnectTimeout bounds Connect (dial, TLS and protocol handshake) when
// Config.ConnectTimeout is zero.
const DefaultConnectTimeout = 10 * time.Second

// DefaultFloorGuardInterval is the period of the live floor guard's backstop probe when
// Config.FloorGuardInterval is zero (NATS.md, "Floor guard").
const DefaultFloorGuardInterval = 30 * time.Second

// DefaultMarkerTTL is how long a bucket created with kv.StoreConfig.AllowTTL or MaxAge keeps the
// delete marker the server writes when a key's TTL or age expires, when Config.MarkerTTL is zero.
//
// Two server rules make this a trade-off. A watcher that was away, or lagged, longer than the
// marker lives can miss that expiry (a marker removed from the middle of the stream leaves no
// trace a sequence check can see), so a fold must resync after such a gap
// (protocol.ExpiryContactLost, with Expiry.MarkerTTL). And on a bucket with MaxHistory > 1 the
// server raises every per-key TTL shorter than the marker TTL up to it. One hour favours not
// missing expiries.
const DefaultMarkerTTL = time.Hour

// redacted replaces every credential in String, GoString, LogValue and error text.
const redacted = "[redacted]"

// Config says how to reach and authenticate to a NATS server. Its String, GoString and
// LogValue never show credentials: the URL appears without userinfo, and Creds, CredsFile and
// NKeySeedFile only as "[redacted]" when set.
//
// Credentials are tried in this order, the first one set winning: Creds, CredsFile,
// NKeySeedFile, userinfo in URL, none. TLS combines with any of them.
type Config struct {
	// URL is the server URL, or several separated by commas ("nats://" is assumed when a URL
	// has no scheme). Userinfo in it is used for authentication — user:password as user and
	// password, a lone user as a token (nats.go's convention) — and is removed before dialling,
	// so it never appears in logs or errors.
	URL string
	// Creds is the standard-base64 encoding of a .creds file's content (user JWT + NKey seed).
	// It takes priority over every other credential.
	Creds string
	// CredsFile is the path of a .creds file, used when Creds is empty. It is read at every
	// (re)connect, so rotated credentials are picked up.
	CredsFile string
	// NKeySeedFile is the path of a file holding an NKey user seed, used when neither Creds nor
	// CredsFile is set. It is read at every (re)connect.
	NKeySeedFile string
	// TLS, if set, is the client TLS configuration (root CAs, client certificates); the
	// connection then requires TLS.
	TLS *tls.Config
	// ConnectTimeout bounds Connect as a whole; 0 means DefaultConnectTimeout. The caller's
	// context bounds it too.
	ConnectTimeout time.Duration
	// RequestTimeout bounds each request; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MarkerTTL is the delete-marker lifetime of buckets created with AllowTTL or MaxAge; 0
	// means DefaultMarkerTTL. The server requires at least one second.
	MarkerTTL time.Duration
	// FloorGuardInterval is the period of every watch's backstop probe of the stream's first
	// sequence, which catches retention overrunning a watch that receives nothing, and lets a
	// filtered watch move its frontier past other keys' writes; 0 means
	// DefaultFloorGuardInterval. A filtered watch whose scope sees no writes while retention
	// evicts more than two periods' worth of other writes trips needlessly (a resync, never
	// lost data), so keep it well below the time the bucket retains writes. A WatchCaughtUp
	// watch on a bucket with delete markers probes every quarter of the marker TTL if that is
	// shorter, so its caught-up proofs keep a fold's contact (NATS.md, "Expiry").
	FloorGuardInterval time.Duration
	// Logger receives warnings and debug lines; nil means silent. Nothing logged contains a
	// credential.
	Logger *slog.Logger
	// Name is the client connection name shown by the server's monitoring.
	Name string
}

func (c Config) requestTimeout() time.Duration {
	if c.RequestTimeout > 0 {
		return c.RequestTimeout
	}
	return DefaultRequestTimeout
}

func (c Config) connectTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return DefaultConnectTimeout
}

func (c Config) floorGuardInterval() time.Duration {
	if c.FloorGuardInterval > 0 {
		return c.FloorGuardInterval
	}
	return DefaultFloorGuardInterval
}

func (c Config) markerTTL() time.Duration {
	if c.MarkerTTL > 0 {
		return c.MarkerTTL
	}
	return DefaultMarkerTTL
}

// String shows the configuration with every credential redacted.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("natsstore.Config{URL: ")
	b.WriteString(fmt.Sprintf("%q", RedactURL(c.URL)))
	set := func(name string, v string) {
		if v != "" {
			b.WriteString(", ")
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(redacted)
		}
	}
	set("Creds", c.Creds)
	set("CredsFile", c.CredsFile)
	set("NKeySeedFile", c.NKeySeedFile)
	if c.TLS != nil {
		b.WriteString(", TLS: set")
	}
	if c.ConnectTimeout != 0 {
		fmt.Fprintf(&b, ", ConnectTimeout: %v", c.ConnectTimeout)
	}
	if c.RequestTimeout != 0 {
		fmt.Fprintf(&b, ", RequestTimeout: %v", c.RequestTimeout)
	}
	if c.MarkerTTL != 0 {
		fmt.Fprintf(&b, ", MarkerTTL: %v", c.MarkerTTL)
	}
	if c.FloorGuardInterval != 0 {
		fmt.Fprintf(&b, ", FloorGuardInterval: %v", c.FloorGuardInterval)
	}
	if c.Name != "" {
		fmt.Fprintf(&b, ", Name: %q", c.Name)
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so that %#v redacts too.
func (c Config) GoString() string { return c.String() }

// LogValue logs the configuration as a group with every credential redacted.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("url", RedactURL(c.URL))}
	if c.Creds != "" {
		attrs = append(attrs, slog.String("creds", redacted))
	}
	if c.CredsFile != "" {
		attrs = append(attrs, slog.String("creds_file", redacted))
	}
	if c.NKeySeedFile != "" {
		attrs = append(attrs, slog.String("nkey_seed_file", redacted))
	}
	if c.TLS != nil {
		attrs = append(attrs, slog.Bool("tls", true))
	}
	attrs = append(attrs,
		slog.Duration("connect_timeout", c.connectTimeout()),
		slog.Duration("request_timeout", c.requestTimeout()))
	if c.Name != "" {
		attrs = append(attrs, slog.String("name", c.Name))
	}
	return slog.GroupValue(attrs...)
}

// RedactURL returns a server URL (or comma-separated list) with the userinfo of each entry
// removed. It works on text, so it also redacts entries that do not parse as URLs.
func RedactURL(u string) string {
	parts := strings.Split(u, ",")
	for i, p := range parts {
		parts[i] = redactOne(strings.TrimSpace(p))
	}
	return strings.Join(parts, ",")
}

// redactOne drops everything up to the last '@' after the scheme. NATS URLs have no path, so
// an '@' can only belong to userinfo; cutting at the last one also covers passwords holding
// unescaped '/', '?', '#' or '@', which a parser would split elsewhere.
func redactOne(p string) string {
	start := 0
	if i := strings.Index(p, "://"); i >= 0 {
		start = i + 3
	}
	if at := strings.LastIndex(p[start:], "@"); at >= 0 {
		return p[:start] + p[start+at+1:]
	}
	return p
}
