package artifact_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

const zeroHash = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"

func validManifest(cur kv.Cursor) *artifact.Manifest {
	return &artifact.Manifest{
		Identity: artifact.Identity{Backend: "append-log", Generation: "2"},
		Cursor:   cur,
		Created:  time.Unix(1_700_000_000, 0).UTC(),
		Files:    []artifact.File{{Path: "data/a", Size: 0, BLAKE3: zeroHash}, {Path: "data/sub/b", Size: 7, BLAKE3: zeroHash}},
	}
}

// Manifests round-trip for a NATS revision, the zero cursor and a 10-byte token.
func TestManifestRoundTrip(t *testing.T) {
	ten, _ := kv.VersionFromBytes([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	for _, cur := range []kv.Cursor{kv.CursorFromUint64(42), {}, kv.CursorFromVersion(ten)} {
		m := validManifest(cur)
		b, err := m.Marshal()
		must(t, err)
		got, err := artifact.Parse(b)
		must(t, err)
		if got.Cursor != cur || got.Identity != m.Identity || !got.Created.Equal(m.Created) || len(got.Files) != 2 || got.Files[1] != m.Files[1] {
			t.Fatalf("round trip of %v: %+v", cur, got)
		}
		again, err := got.Marshal()
		must(t, err)
		if !bytes.Equal(again, b) {
			t.Fatalf("re-marshal differs:\n%s\n%s", b, again)
		}
	}
	b, _ := validManifest(kv.CursorFromUint64(42)).Marshal()
	if !bytes.Contains(b, []byte(`"cursor_hex": "000000000000002a"`)) {
		t.Fatalf("revision 42 is not 16 lowercase hex digits:\n%s", b)
	}
}

// edit marshals a valid manifest, applies a textual replacement and parses the result.
func edit(t *testing.T, old, new string) error {
	t.Helper()
	b, err := validManifest(kv.CursorFromUint64(42)).Marshal()
	must(t, err)
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%q not in the manifest", old)
	}
	_, err = artifact.Parse(bytes.Replace(b, []byte(old), []byte(new), 1))
	return err
}

// Every deviation from the schema is refused with ErrInvalid, the message naming the fault.
func TestParseRefuses(t *testing.T) {
	cases := []struct{ name, old, new, word string }{
		{"schema 2", `"schema_version": 1`, `"schema_version": 2`, "schema_version"},
		{"schema string", `"schema_version": 1`, `"schema_version": "1"`, "malformed"},
		{"unknown field", `"backend":`, `"extra": 1, "backend":`, "malformed"},
		{"missing field", `"backend_version": "2",`, ``, "backend_version"},
		{"null field", `"backend": "append-log"`, `"backend": null`, "backend"},
		{"odd hex", `"000000000000002a"`, `"abc"`, "cursor_hex"},
		{"non-hex", `"000000000000002a"`, `"zz"`, "cursor_hex"},
		{"upper hex", `"000000000000002a"`, `"000000000000002A"`, "cursor_hex"},
		{"signed hex", `"000000000000002a"`, `"+f"`, "cursor_hex"},
		{"11 bytes", `"000000000000002a"`, `"0102030405060708090a0b"`, "cursor_hex"},
		{"negative time", `"created_at_unix": 1700000000`, `"created_at_unix": -1`, "malformed"},
		{"altered time", `"created_at_unix": 1700000000`, `"created_at_unix": 1700000001`, "manifest_blake3"},
		{"dotdot escape", `"data/a"`, `"../escape"`, "data/"},
		{"absolute", `"data/a"`, `"/abs/path"`, "data/"},
		{"inner dotdot", `"data/a"`, `"data/../escape"`, ".."},
		{"dot", `"data/a"`, `"data/./a"`, ".."},
		{"empty segment", `"data/a"`, `"data//a"`, "empty"},
		{"trailing slash", `"data/a"`, `"data/a/"`, "empty"},
		{"backslash", `"data/a"`, `"data/a\\b"`, "backslash"},
		{"not data", `"data/a"`, `"nondata/x"`, "data/"},
		{"bare data/", `"data/a"`, `"data/"`, "data/"},
		{"bare data", `"data/a"`, `"data"`, "data/"},
		{"duplicate", `"data/sub/b"`, `"data/a"`, "twice"},
		{"unsorted", `"data/a"`, `"data/z"`, "sorted"},
		{"upper blake3", `"` + zeroHash + `"`, `"` + strings.ToUpper(zeroHash) + `"`, "blake3"},
		{"short blake3", `"` + zeroHash + `"`, `"abcd"`, "blake3"},
		{"file and dir", `"data/a"`, `"data/sub"`, "directory"},
		{"not canonical", `"schema_version": 1`, `"schema_version":  1`, "canonical"},
		{"trailing data", "\n}", "\n} {}", "malformed"},
		{"not json", `{`, `[`, "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireInvalid(t, c.name, edit(t, c.old, c.new), c.word)
		})
	}
	_, err := artifact.Parse([]byte("not json"))
	requireInvalid(t, "not json", err, "malformed")
}

// Marshal refuses what Parse would refuse, so an exporter never writes an unreadable manifest.
func TestMarshalRefusesInvalid(t *testing.T) {
	m := validManifest(kv.Cursor{})
	m.Files[0].Path = "data/../x"
	_, err := m.Marshal()
	requireInvalid(t, "bad path", err, "..")
	m = validManifest(kv.Cursor{})
	m.Identity.Backend = ""
	_, err = m.Marshal()
	requireInvalid(t, "no backend", err, "backend")
}

func testIncarnation(t testing.TB, ns int64) kv.Incarnation {
	t.Helper()
	inc, err := kv.NewIncarnation("routes", time.Unix(1_700_000_000, ns))
	must(t, err)
	return inc
}

// A manifest carries the incarnation as an optional field the digest covers: with one it
// round-trips, a changed one breaks the digest, and a manifest without one (as every
// manifest written before incarnations existed) parses with the zero incarnation.
func TestManifestIncarnation(t *testing.T) {
	m := validManifest(kv.CursorFromUint64(42))
	m.Incarnation = testIncarnation(t, 1)
	b, err := m.Marshal()
	must(t, err)
	if !bytes.Contains(b, []byte(`"incarnation": "routes@1700000000000000001"`)) {
		t.Fatalf("the incarnation is not in the manifest:\n%s", b)
	}
	got, err := artifact.Parse(b)
	must(t, err)
	if got.Incarnation != m.Incarnation {
		t.Fatalf("incarnation %v, want %v", got.Incarnation, m.Incarnation)
	}
	forged := bytes.Replace(b, []byte("@1700000000000000001"), []byte("@1700000000000000002"), 1)
	if _, err := artifact.Parse(forged); !errors.Is(err, artifact.ErrInvalid) || !strings.Contains(err.Error(), "manifest_blake3") {
		t.Fatalf("a changed incarnation parsed: %v", err)
	}
	old, err := validManifest(kv.CursorFromUint64(42)).Marshal()
	must(t, err)
	if bytes.Contains(old, []byte("incarnation")) {
		t.Fatalf("a manifest without an incarnation mentions one:\n%s", old)
	}
	got, err = artifact.Parse(old)
	must(t, err)
	if !got.Incarnation.IsZero() {
		t.Fatalf("a manifest without an incarnation parsed as %v", got.Incarnation)
	}
	for _, bad := range []string{`""`, `"routes"`, `"routes@0"`, `5`} {
		err := edit(t, `"cursor_hex"`, `"incarnation": `+bad+`,
  "cursor_hex"`)
		if !errors.Is(err, artifact.ErrInvalid) {
			t.Errorf("incarnation %s accepted: %v", bad, err)
		}
	}
}
