package transport

import (
	"archive/tar"
	"bytes"
	"io"
	"syscall"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/natsstore"
)

// errNoLock is what flock returns on a file system without locks.
var errNoLock = syscall.ENOLCK

// noCAS is a bucket that reports no compare-and-swap.
type noCAS struct{ *natsstore.Store }

func (n noCAS) Capabilities() kv.Capabilities {
	c := n.Store.Capabilities()
	c.CAS = false
	return c
}

// tarOf is a one-entry tar.
func tarOf(tb testing.TB, name string, body []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		tb.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		tb.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// mustFirstEntry reads the first entry of a tar with archive/tar directly.
func mustFirstEntry(tb testing.TB, stream []byte) []byte {
	tr := tar.NewReader(bytes.NewReader(stream))
	if _, err := tr.Next(); err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
