package protocol

import "encoding/binary"

// CursorRank is the rank of a cursor token for pointer and prune decisions: the big-endian
// uint64 of a token of exactly 8 bytes (a stream revision), and 0 for any other length (the
// empty, revisionless token, or a foreign 10-byte token).
//
// A real revision therefore always supersedes a cursor without one under K1
// (PointerPublishAllowed), and a payload whose name carries a rank-0 cursor is never below
// any pointer of rank 0 under K2 (PayloadPrunable).
func CursorRank(token []byte) uint64 {
	if len(token) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(token)
}
