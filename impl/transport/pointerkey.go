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
// The old incarnation's pointer and payloads are left as they are (nothing publishes under
// that key any more); delete them with the transport's storage tools when no node needs them.
func PointerKey(base string, inc kv.Incarnation) string {
	if inc.IsZero() {
		return base
	}
	return base + ".i" + strconv.FormatInt(inc.Created().UnixNano(), 10)
}
