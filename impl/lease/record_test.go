package lease

import (
	"bytes"
	"testing"
)

// Any value either parses into a record with a holder that re-encodes to a value parsing to the
// same record, or does not parse (and is then stealable); it never panics.
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"holder":"a","acquired_unix_nano":1,"expires_unix_nano":2}`))
	f.Add([]byte(`{"holder":"a","acquired_unix_nano":1,"expires_unix_nano":2,"completed_cursor_hex":"2a","completed_unix_nano":3}`))
	f.Add([]byte(`{"holder":""}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := parseRecord(b)
		if !ok {
			return
		}
		if r.Holder == "" {
			t.Fatalf("parsed a record without a holder from %q", b)
		}
		again, ok := parseRecord(r.marshal())
		if !ok || !bytes.Equal(again.marshal(), r.marshal()) {
			t.Fatalf("record %+v does not survive a round trip", r)
		}
	})
}
