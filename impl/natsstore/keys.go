package natsstore

import (
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// headerRoom is the part of a message size limit kept free for the headers a write may carry
// (KV-Operation, Nats-Expected-Last-Subject-Sequence, Nats-TTL, Nats-Rollup; under 100 bytes
// in practice): a value may be at most limit - headerRoom bytes. A bucket created with
// kv.StoreConfig.MaxValueSize gets a stream limit of MaxValueSize + headerRoom, so that exactly
// MaxValueSize is accepted.
const headerRoom = 512

// validKey reports whether key follows the NATS KV key rules: one or more of
// [-/_=.a-zA-Z0-9], no leading or trailing '.', and no empty token ("..").
func validKey(key string) bool {
	if key == "" || key[0] == '.' || key[len(key)-1] == '.' {
		return false
	}
	prevDot := false
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '.':
			if prevDot {
				return false
			}
			prevDot = true
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '/', c == '_', c == '=':
		default:
			return false
		}
		prevDot = false
	}
	return true
}

// checkKey returns kv.ErrInvalidKey for a key NATS would refuse, before anything is sent.
func checkKey(op, key string) error {
	if validKey(key) {
		return nil
	}
	return kv.NewError(op, key, kv.ErrInvalidKey, nil).WithHint(hintInvalidKey)
}

// valueLimit is the largest value that fits a message size limit: limit less headerRoom, or
// less half the limit when the limit is below 2*headerRoom (a bucket created elsewhere with a
// tiny limit). A limit <= 0 means none and gives 0.
func valueLimit(limit int64) int64 {
	if limit <= 0 {
		return 0
	}
	return limit - min(headerRoom, limit/2)
}

// maxValueSize returns the largest value this store accepts: the smaller of the limits the
// server's announced maximum payload and the bucket's MaxMsgSize allow (see valueLimit), or 0
// when neither is known.
func (s *Store) maxValueSize() int {
	server := valueLimit(s.js.Conn().MaxPayload())
	bucket := valueLimit(s.maxMsgSize)
	switch {
	case bucket == 0:
		return int(server)
	case server == 0:
		return int(bucket)
	}
	return int(min(server, bucket))
}

// checkValue returns kv.ErrValueTooLarge for a value larger than maxValueSize.
func (s *Store) checkValue(op, key string, value []byte) error {
	if limit := s.maxValueSize(); limit > 0 && len(value) > limit {
		return kv.NewError(op, key, kv.ErrValueTooLarge, nil).
			WithHint(fmt.Sprintf("the value is %d bytes; bucket %q accepts at most %d (the smaller of the server's max_payload and the bucket's MaxMsgSize, less room for headers)",
				len(value), s.name, limit))
	}
	return nil
}

// revisionOf returns the NATS revision of a compare-and-swap guard, or kv.ErrInvalidVersion when
// the token is unknown or not the 8-byte NATS form.
func revisionOf(op, key string, v kv.Version) (uint64, error) {
	rev, ok := v.Uint64()
	if !ok {
		return 0, kv.NewError(op, key, kv.ErrInvalidVersion, nil).
			WithHint(fmt.Sprintf("a NATS compare-and-swap needs an 8-byte revision token, got %v", v))
	}
	return rev, nil
}

// filterFor returns the subject filter selecting the subtree below a prefix already normalised
// by kv.NormalizePrefix: "" gives every key ($KV.b.>), "node." gives $KV.b.node.>.
func (s *Store) filterFor(normPrefix string) string {
	return s.subjectPrefix + normPrefix + ">"
}
