package lease

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Record is the lease's value, stored as JSON. Times are Unix nanoseconds of the writer's
// clock.
type Record struct {
	// Holder is the node id of the round's owner.
	Holder string `json:"holder"`
	// AcquiredUnixNano is when the holder took the lease.
	AcquiredUnixNano int64 `json:"acquired_unix_nano"`
	// ExpiresUnixNano is when any node may take the lease over: acquired + TTL.
	ExpiresUnixNano int64 `json:"expires_unix_nano"`
	// CompletedCursorHex is the lowercase hex of the cursor the holder's round exported, set
	// by Complete ("" for an empty fold's zero cursor); omitted until then.
	CompletedCursorHex *string `json:"completed_cursor_hex,omitempty"`
	// CompletedUnixNano is when Complete ran; omitted until then.
	CompletedUnixNano *int64 `json:"completed_unix_nano,omitempty"`
}

// Acquired is the acquisition time.
func (r Record) Acquired() time.Time { return time.Unix(0, r.AcquiredUnixNano) }

// Expires is the expiry time.
func (r Record) Expires() time.Time { return time.Unix(0, r.ExpiresUnixNano) }

// Completed returns the cursor Complete recorded, and whether it did.
func (r Record) Completed() (c kv.Cursor, ok bool, err error) {
	if r.CompletedCursorHex == nil {
		return kv.Cursor{}, false, nil
	}
	b, err := hex.DecodeString(*r.CompletedCursorHex)
	if err != nil {
		return kv.Cursor{}, true, fmt.Errorf("lease: completed cursor %q is not hex: %w", *r.CompletedCursorHex, err)
	}
	v, err := kv.VersionFromBytes(b)
	if err != nil {
		return kv.Cursor{}, true, err
	}
	return kv.CursorFromVersion(v), true, nil
}

// parseRecord decodes a lease value. An empty value (the tombstone Abandon leaves on stores
// that write one), invalid JSON or a record without a holder does not parse.
func parseRecord(b []byte) (Record, bool) {
	var r Record
	if len(b) == 0 || json.Unmarshal(b, &r) != nil || r.Holder == "" {
		return Record{}, false
	}
	return r, true
}

func (r Record) marshal() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("lease: encoding a record cannot fail: %v", err)) // strings and integers only
	}
	return b
}

// cursorHex is the lowercase hex of a cursor's token ("" for the zero cursor).
func cursorHex(c kv.Cursor) string { return hex.EncodeToString(c.Version().Bytes()) }
