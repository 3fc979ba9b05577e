package pebble

import (
	"bytes"
	"testing"
)

func TestSuccessor(t *testing.T) {
	cases := []struct{ in, want []byte }{
		{[]byte("a"), []byte("b")},
		{[]byte("node."), []byte("node/")},
		{[]byte{'a', 0xFF}, []byte("b")},
		{[]byte{'a', 0xFE, 0xFF, 0xFF}, []byte{'a', 0xFF}},
		{[]byte{0xFF, 0xFF}, nil}, // all 0xFF: no upper bound exists
		{nil, nil},
	}
	for _, c := range cases {
		if got := successor(c.in); !bytes.Equal(got, c.want) || (c.want == nil) != (got == nil) {
			t.Errorf("successor(%x) = %x, want %x", c.in, got, c.want)
		}
	}
}

func TestSuccessorDoesNotAliasInput(t *testing.T) {
	in := []byte("ab")
	_ = successor(in)
	if string(in) != "ab" {
		t.Fatalf("successor modified its input to %q", in)
	}
}

func TestPrefixBoundsHoldExactlyThePrefix(t *testing.T) {
	lower, upper := prefixBounds("node.")
	inside := []string{"node.", "node.a", "node.\U0010FFFF"}
	outside := []string{"node", "node/", "nodf", "svc.x", ""}
	for _, k := range inside {
		dk := appendDataKey(nil, k)
		if bytes.Compare(dk, lower) < 0 || bytes.Compare(dk, upper) >= 0 {
			t.Errorf("%q is outside [%q, %q)", dk, lower, upper)
		}
	}
	for _, k := range outside {
		dk := appendDataKey(nil, k)
		if bytes.Compare(dk, lower) >= 0 && bytes.Compare(dk, upper) < 0 {
			t.Errorf("%q is inside [%q, %q)", dk, lower, upper)
		}
	}
	// The empty prefix spans the whole data keyspace and nothing of the meta keyspace.
	lower, upper = prefixBounds("")
	if bytes.Compare(cursorKey, lower) >= 0 && bytes.Compare(cursorKey, upper) < 0 {
		t.Errorf("the cursor key %q lies in the data bounds [%q, %q)", cursorKey, lower, upper)
	}
}
