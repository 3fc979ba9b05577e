package artifact_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// Parse refuses (with ErrInvalid) or accepts a manifest that re-marshals to the same bytes;
// it never panics.
func FuzzParse(f *testing.F) {
	for _, cur := range []kv.Cursor{{}, kv.CursorFromUint64(42)} {
		b, err := validManifest(cur).Marshal()
		must(f, err)
		f.Add(b)
	}
	stamped := validManifest(kv.CursorFromUint64(42))
	stamped.Incarnation = testIncarnation(f, 1)
	b, err := stamped.Marshal()
	must(f, err)
	f.Add(b)
	f.Add([]byte(`{"schema_version":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := artifact.Parse(b)
		if err != nil {
			if !errors.Is(err, artifact.ErrInvalid) {
				t.Fatalf("refusal does not match ErrInvalid: %v", err)
			}
			return
		}
		again, err := m.Marshal()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted manifest does not round-trip: %v\n%q\n%q", err, b, again)
		}
	})
}

// ImportTar refuses any stream (with ErrInvalid, leaving nothing behind) or imports a fold
// whose cursor is the manifest's; it never panics. Each input costs a staging directory, and
// the default minimization budget (a minute per new input) would use the whole run, so:
//
//	go test -run '^$' -fuzz '^FuzzImportTar$' -fuzztime 60s -fuzzminimizetime 1x ./impl/snapshot/artifact/
func FuzzImportTar(f *testing.F) {
	art := sample(f, 3)
	var buf bytes.Buffer
	must(f, artifact.WriteTar(art, &buf))
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:1536])
	f.Add([]byte{})
	format := backends()[0].format
	f.Fuzz(func(t *testing.T, stream []byte) {
		parent := t.TempDir()
		dest := filepath.Join(parent, "dest")
		m, err := artifact.ImportTar(bytes.NewReader(stream), dest, format, artifact.ImportOptions{MaxTotalBytes: 1 << 20})
		ents, lerr := os.ReadDir(parent)
		must(t, lerr)
		if err != nil {
			if !errors.Is(err, artifact.ErrInvalid) {
				t.Fatalf("refusal does not match ErrInvalid: %v", err)
			}
			if len(ents) != 0 {
				t.Fatalf("a refused import left %s behind", ents[0].Name())
			}
			return
		}
		if len(ents) != 1 || ents[0].Name() != "dest" || strings.HasPrefix(ents[0].Name(), ".") {
			t.Fatalf("after an import the parent holds %v", ents)
		}
		got, inc, verr := format.Verify(dest)
		if verr != nil || got != m.Cursor || inc != m.Incarnation {
			t.Fatalf("imported fold opens at %v (%v), manifest says %v", got, verr, m.Cursor)
		}
	})
}
