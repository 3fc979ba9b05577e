package artifact_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// checkingSource is a fakeSource that checks its payload as it writes it: it reports the copy
// at copied and the given digests and verdict. Its Verify, which Export must not call for it,
// reports the fakeSource's reopened cursor.
type checkingSource struct {
	fakeSource
	copied  kv.Cursor
	digests map[string]artifact.Digest
	refused error
}

func (c *checkingSource) WriteChecked(dir string) (artifact.Checked, error) {
	live, inc, err := c.WritePayload(dir)
	return artifact.Checked{Live: live, LiveIncarnation: inc, Copy: c.copied, CopyIncarnation: inc, Digests: c.digests, Refused: c.refused}, err
}

// Export takes a CheckingSource's own check in place of reopening the copy: a copy it reports
// at the live cursor is exported even though Verify would reopen it elsewhere, one it reports
// elsewhere or refuses is not (and nothing is left behind), and a file it reports no digest
// for is hashed by Export.
func TestExportCheckingSource(t *testing.T) {
	cur := kv.CursorFromUint64(7)
	parent := t.TempDir()
	dest := filepath.Join(parent, "artifact")
	refusals := []struct {
		name, word string
		src        *checkingSource
	}{
		{"copy elsewhere", "reopens at", &checkingSource{fakeSource: fakeSource{live: cur, reopened: cur}, copied: kv.CursorFromUint64(6)}},
		{"copy refused", "does not open", &checkingSource{fakeSource: fakeSource{live: cur, reopened: cur}, copied: cur, refused: errors.New("record 3 fails its checksum")}},
		{"link in payload", "non-regular", &checkingSource{fakeSource: fakeSource{live: cur, reopened: cur, during: func(dir string) error {
			return os.Symlink("sub/f", filepath.Join(dir, "link"))
		}}, copied: cur}},
	}
	for _, c := range refusals {
		_, err := artifact.Export(c.src, dest)
		requireInvalid(t, c.name, err, c.word)
		if ents := names(t, parent); len(ents) != 0 {
			t.Fatalf("%s: export left %v behind", c.name, ents)
		}
	}
	src := &checkingSource{fakeSource: fakeSource{live: cur, reopened: kv.CursorFromUint64(1)}, copied: cur}
	m, err := artifact.Export(src, dest)
	must(t, err)
	want := fileDigest(t, filepath.Join(dest, "data", "sub", "f"))
	if m.Cursor != cur || len(m.Files) != 1 || m.Files[0].Size != want.Size || m.Files[0].BLAKE3 != want.BLAKE3 {
		t.Fatalf("manifest at %v with files %+v, want %v with %+v", m.Cursor, m.Files, cur, want)
	}
	reported := artifact.DigestOf([]byte("as read back"))
	src.digests = map[string]artifact.Digest{"sub/f": reported}
	m, err = artifact.Export(src, filepath.Join(parent, "reported"))
	must(t, err)
	if len(m.Files) != 1 || m.Files[0].Size != reported.Size || m.Files[0].BLAKE3 != reported.BLAKE3 {
		t.Fatalf("files %+v, want the digest the source read back, %+v", m.Files, reported)
	}
}

// A Digester fed a file in pieces gives the Digest of the whole file.
func TestDigesterAgreesWithDigestOf(t *testing.T) {
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	d := artifact.NewDigester()
	for off := 0; off < len(data); off += 70_001 {
		_, _ = d.Write(data[off:min(len(data), off+70_001)])
	}
	if got, want := d.Digest(), artifact.DigestOf(data); got != want {
		t.Fatalf("Digester %+v, DigestOf %+v", got, want)
	}
	if got, want := artifact.NewDigester().Digest(), artifact.DigestOf(nil); got != want {
		t.Fatalf("empty Digester %+v, DigestOf(nil) %+v", got, want)
	}
}
