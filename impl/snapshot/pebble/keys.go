package pebble

// One Pebble DB holds two keyspaces, told apart by a reserved first byte (Pebble has no column
// families): the data keyspace maps dataPrefix+key to an encoded record, and the meta keyspace
// holds the cursor under cursorKey as the token's raw bytes (empty for the zero cursor) and the
// stamp under stampKey.
const (
	dataPrefix = 'd'
	metaPrefix = 'm'
)

// cursorKey is the meta key of the stored cursor.
var cursorKey = []byte{metaPrefix, 'c', 'u', 'r', 's', 'o', 'r'}

// stampKey is the meta key of the stored stamp (snapshot.Stamp's binary form), written in the
// same batch as the cursor it belongs to; absent until the first stamped Apply.
var stampKey = []byte{metaPrefix, 's', 't', 'a', 'm', 'p'}

// Bounds of every key this package writes (both keyspaces), for Settle's manual compaction.
var (
	allLower = []byte{dataPrefix}
	allUpper = []byte{metaPrefix + 1}
)

// appendDataKey appends the data-keyspace form of key to dst.
func appendDataKey(dst []byte, key string) []byte {
	dst = append(dst, dataPrefix)
	return append(dst, key...)
}

// prefixBounds returns the iterator bounds [lower, upper) holding exactly the data keys that
// start with prefix.
func prefixBounds(prefix string) (lower, upper []byte) {
	lower = appendDataKey(nil, prefix)
	return lower, successor(lower)
}

// successor returns the smallest byte string greater than every string that starts with p, or
// nil when none exists (p is empty or all 0xFF), which means "no upper bound".
func successor(p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xFF {
			out := append([]byte(nil), p[:i+1]...)
			out[i]++
			return out
		}
	}
	return nil
}
