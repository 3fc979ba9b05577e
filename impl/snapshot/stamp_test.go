package snapshot

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func TestStampRoundTripsThroughItsBinaryForm(t *testing.T) {
	inc, err := kv.NewIncarnation("routes", time.Unix(1_700_000_000, 5))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Stamp{{}, {Stream: inc}, {Contact: time.Unix(1_800_000_000, 7)}, {Stream: inc, Contact: time.Unix(1_800_000_000, 7)}} {
		got, err := DecodeStamp(s.AppendBinary(nil))
		if err != nil || !got.Equal(s) || got.IsZero() != s.IsZero() {
			t.Errorf("DecodeStamp(AppendBinary(%v)) = %v, %v", s, got, err)
		}
	}
}

func TestDecodeStampRefusesDamage(t *testing.T) {
	good := Stamp{Contact: time.Unix(1, 0)}.AppendBinary(nil)
	for _, b := range [][]byte{nil, good[:8], append([]byte{2}, good[1:]...), {1, 0x80, 0, 0, 0, 0, 0, 0, 0},
		append(append([]byte(nil), good...), 1), make([]byte, MaxStampLen+1)} {
		if _, err := DecodeStamp(b); !errors.Is(err, ErrInvalidFormat) {
			t.Errorf("DecodeStamp(%x) = %v, want ErrInvalidFormat", b, err)
		}
	}
}

// FuzzDecodeStamp: whatever DecodeStamp accepts re-encodes to the bytes it was given.
func FuzzDecodeStamp(f *testing.F) {
	f.Add(Stamp{Contact: time.Unix(1, 0)}.AppendBinary(nil))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeStamp(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidFormat) {
				t.Fatalf("DecodeStamp(%x): %v does not match ErrInvalidFormat", b, err)
			}
			return
		}
		if again := s.AppendBinary(nil); !bytes.Equal(again, b) {
			t.Fatalf("DecodeStamp(%x) re-encodes as %x", b, again)
		}
	})
}
