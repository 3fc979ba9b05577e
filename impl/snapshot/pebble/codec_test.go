package pebble

import (
	"bytes"
	"errors"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
)

func mustVersion(t testing.TB, b []byte) kv.Version {
	t.Helper()
	v, err := kv.VersionFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRecordRoundTrips(t *testing.T) {
	stamp := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} // a 10-byte versionstamp, kept byte for byte
	cases := []struct {
		name    string
		version kv.Version
		value   []byte
	}{
		{"nats revision", kv.VersionFromUint64(42), []byte("hello")},
		{"ten-byte stamp", mustVersion(t, stamp), []byte("v")},
		{"empty value", kv.VersionFromUint64(1), []byte{}},
		{"unknown version", kv.Version{}, []byte("x")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := appendRecord(nil, c.version, c.value)
			v, val, err := decodeRecord(rec)
			if err != nil {
				t.Fatal(err)
			}
			if v != c.version || !bytes.Equal(val, c.value) {
				t.Fatalf("decoded (%v, %q), want (%v, %q)", v, val, c.version, c.value)
			}
		})
	}
}

func TestRecordEncoderReusesScratchWithoutStaleBytes(t *testing.T) {
	buf := appendRecord(nil, kv.VersionFromUint64(1), []byte("a long first value"))
	buf = appendRecord(buf[:0], kv.VersionFromUint64(2), []byte("b"))
	_, val, err := decodeRecord(buf)
	if err != nil || string(val) != "b" {
		t.Fatalf("second record decoded to %q, %v; want \"b\"", val, err)
	}
}

func TestRecordDecodeRejects(t *testing.T) {
	cases := map[string][]byte{
		"empty record":            {},
		"shorter than version":    {8, 0, 0, 0},
		"eleven-byte version":     append([]byte{11}, make([]byte, 11)...),
		"version length 255":      {255},
		"length byte only, ver 1": {1},
	}
	for name, rec := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := decodeRecord(rec)
			if !errors.Is(err, snapshot.ErrInvalidFormat) {
				t.Fatalf("decodeRecord(%x) = %v, want ErrInvalidFormat", rec, err)
			}
		})
	}
}

// FuzzDecodeRecord: decoding arbitrary bytes never panics, and whatever decodes re-encodes to
// the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0, 7, 'v'})
	f.Add([]byte{11, 1, 2})
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, rec []byte) {
		v, val, err := decodeRecord(rec)
		if err != nil {
			if !errors.Is(err, snapshot.ErrInvalidFormat) {
				t.Fatalf("decode error %v is not ErrInvalidFormat", err)
			}
			return
		}
		if again := appendRecord(nil, v, val); !bytes.Equal(again, rec) {
			t.Fatalf("re-encoding gave %x, stored record was %x", again, rec)
		}
	})
}

// FuzzRecordRoundTrip: every (version, value) encodes and decodes back to itself.
func FuzzRecordRoundTrip(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte("v"))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, ver, value []byte) {
		if len(ver) > kv.MaxVersionLen {
			ver = ver[:kv.MaxVersionLen]
		}
		want := mustVersion(t, ver)
		v, val, err := decodeRecord(appendRecord(nil, want, value))
		if err != nil {
			t.Fatal(err)
		}
		if v != want || !bytes.Equal(val, value) {
			t.Fatalf("round trip gave (%v, %x), want (%v, %x)", v, val, want, value)
		}
	})
}
