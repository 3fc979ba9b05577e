package transport

import (
	"strconv"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// PointerKey returns the key under which the artifacts of one incarnation of a bucket are
// published, for the base key a Round is given: base itself for the zero incarnation (folds
// that record none, and every pointer written before incarnations existed), else base + ".i" +
// the stream's creation time in Unix nanoseconds.
//
// Each incarnation thus starts a fresh pointer. Ranks are cursors, and a re-created bucket's
// cursors restart at 1, so one pointer shared by two incarnations would refuse every artifact
// of the new one (ranked below the old one's) until the new stream grew past the old cursor,
// and meanwhile hand bootstraps the old incarnation's fold. With one pointer per incarnation
// the publish rule compares only cursors of one stream, unchanged. A bootstrap reads the
// pointer of the bucket's live incarnation: ImportRemote(ctx, t, PointerKey(base, live), …).
// Nothing publishes under an old incarnation's key any more. An export round given the data
// bucket (Round.Live) reads the live incarnation from it and calls PruneRetired, which deletes
// an incarnation's payloads, its pointer's target included, once it was created before the
// live one and they aged out of the grace (4 × the lease TTL), and then its pointer, once no
// payload is left under it; a reader of a vanished pointer gets ErrNoPointer. The zero
// incarnation's bare key is never retired (a fold that records none may be live). PruneRetired
// reads base + ".i" + digits as an incarnation of base, so never choose a base that is itself
// such a key of another base (a base ending in ".i" and digits).
func PointerKey(base string, inc kv.Incarnation) string {
	if inc.IsZero() {
		return base
	}
	return base + ".i" + strconv.FormatInt(inc.Created().UnixNano(), 10)
}
