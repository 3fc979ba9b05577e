package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxIncarnationNameLen bounds the bucket name an Incarnation carries.
const MaxIncarnationNameLen = 255

// ErrInvalidIncarnation: an encoded incarnation cannot be parsed. The fold or manifest that
// held it cannot be trusted to name its stream: fold again from the zero cursor.
var ErrInvalidIncarnation = errors.New("invalid stream incarnation")

// Incarnation identifies one life of a bucket's stream: a bucket deleted and re-created under
// the same name is a new incarnation, whose revisions start again at 1, so a cursor of the old
// one means nothing in it. For NATS it is the bucket name and the stream's creation time in
// nanoseconds (StreamInfo.Created), which the server keeps for the stream's whole life and sets
// anew when the stream is created again.
//
// The zero Incarnation means "unknown" (a fold written before incarnations were recorded, or a
// backend that cannot tell). Incarnation is comparable with ==: two incarnations are equal
// exactly when they name the same life of the same bucket.
type Incarnation struct {
	name    string
	created int64 // Unix nanoseconds, > 0 unless the incarnation is zero
}

// NewIncarnation returns the incarnation of the bucket name whose stream was created at
// created. It refuses an empty or over-long name, a name holding '@' or a control character,
// and a creation time at or before the Unix epoch, with ErrInvalidIncarnation.
func NewIncarnation(name string, created time.Time) (Incarnation, error) {
	if created.IsZero() || created.UnixNano() <= 0 {
		return Incarnation{}, fmt.Errorf("%w: bucket %q has no creation time after the Unix epoch (%v)", ErrInvalidIncarnation, name, created)
	}
	inc := Incarnation{name: name, created: created.UnixNano()}
	if err := inc.validate(); err != nil {
		return Incarnation{}, err
	}
	return inc, nil
}

func (i Incarnation) validate() error {
	switch {
	case i.name == "":
		return fmt.Errorf("%w: empty bucket name", ErrInvalidIncarnation)
	case len(i.name) > MaxIncarnationNameLen:
		return fmt.Errorf("%w: bucket name of %d bytes (at most %d)", ErrInvalidIncarnation, len(i.name), MaxIncarnationNameLen)
	case !utf8.ValidString(i.name):
		return fmt.Errorf("%w: bucket name is not valid UTF-8", ErrInvalidIncarnation)
	case strings.ContainsFunc(i.name, func(r rune) bool { return r == '@' || r < 0x20 || r == 0x7f }):
		return fmt.Errorf("%w: bucket name %q holds '@' or a control character", ErrInvalidIncarnation, i.name)
	case i.created <= 0:
		return fmt.Errorf("%w: creation time %d ns is not after the Unix epoch", ErrInvalidIncarnation, i.created)
	}
	return nil
}

// IsZero reports whether i is the unknown incarnation.
func (i Incarnation) IsZero() bool { return i == Incarnation{} }

// Name returns the bucket name ("" for the zero incarnation).
func (i Incarnation) Name() string { return i.name }

// Created returns the stream's creation time in UTC (the zero time for the zero incarnation).
func (i Incarnation) Created() time.Time {
	if i.IsZero() {
		return time.Time{}
	}
	return time.Unix(0, i.created).UTC()
}

// String formats i for logs: "routes@2026-11-30T00:19:59.123456789Z", or "unknown".
func (i Incarnation) String() string {
	if i.IsZero() {
		return "unknown"
	}
	return i.name + "@" + i.Created().Format(time.RFC3339Nano)
}

// MarshalText returns the stable text form "<name>@<created Unix nanoseconds>", or nothing for
// the zero incarnation. ParseIncarnation reads it back.
func (i Incarnation) MarshalText() ([]byte, error) {
	if i.IsZero() {
		return nil, nil
	}
	return strconv.AppendInt([]byte(i.name+"@"), i.created, 10), nil
}

// UnmarshalText parses the text form (see ParseIncarnation).
func (i *Incarnation) UnmarshalText(b []byte) error {
	v, err := ParseIncarnation(string(b))
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// ParseIncarnation reads the text form MarshalText writes. The empty string is the zero
// incarnation; anything else must be a valid name, '@', and a positive decimal number of
// nanoseconds without sign or leading zeros, else ErrInvalidIncarnation.
func ParseIncarnation(s string) (Incarnation, error) {
	if s == "" {
		return Incarnation{}, nil
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Incarnation{}, fmt.Errorf("%w: %q has no '@' between the name and the creation time", ErrInvalidIncarnation, s)
	}
	num := s[at+1:]
	if num == "" || num[0] < '1' || num[0] > '9' {
		return Incarnation{}, fmt.Errorf("%w: %q: the creation time must be a positive decimal number without sign or leading zeros", ErrInvalidIncarnation, s)
	}
	ns, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return Incarnation{}, fmt.Errorf("%w: %q: creation time: %w", ErrInvalidIncarnation, s, err)
	}
	inc := Incarnation{name: s[:at], created: ns}
	if err := inc.validate(); err != nil {
		return Incarnation{}, err
	}
	return inc, nil
}

// incarnationBinaryV1 is the first byte of the binary form.
const incarnationBinaryV1 = 1

// AppendBinary appends the stable binary form: nothing for the zero incarnation, else
// 0x01 | created i64 big-endian | name bytes. DecodeIncarnation reads it back.
func (i Incarnation) AppendBinary(dst []byte) ([]byte, error) {
	if i.IsZero() {
		return dst, nil
	}
	dst = append(dst, incarnationBinaryV1)
	dst = binary.BigEndian.AppendUint64(dst, uint64(i.created))
	return append(dst, i.name...), nil
}

// MarshalBinary returns the binary form (see AppendBinary).
func (i Incarnation) MarshalBinary() ([]byte, error) { return i.AppendBinary(nil) }

// DecodeIncarnation reads the binary form AppendBinary writes: empty input is the zero
// incarnation, anything else must be exactly one valid encoding, else ErrInvalidIncarnation.
func DecodeIncarnation(b []byte) (Incarnation, error) {
	if len(b) == 0 {
		return Incarnation{}, nil
	}
	if b[0] != incarnationBinaryV1 {
		return Incarnation{}, fmt.Errorf("%w: binary form version %d (this build reads %d)", ErrInvalidIncarnation, b[0], incarnationBinaryV1)
	}
	if len(b) < 1+8+1 {
		return Incarnation{}, fmt.Errorf("%w: binary form of %d bytes is too short", ErrInvalidIncarnation, len(b))
	}
	inc := Incarnation{name: string(b[9:]), created: int64(binary.BigEndian.Uint64(b[1:9]))}
	if err := inc.validate(); err != nil {
		return Incarnation{}, err
	}
	return inc, nil
}
