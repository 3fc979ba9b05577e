package artifact

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zeebo/blake3"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Layout constants.
const (
	// SchemaVersion is the only manifest schema this package writes and accepts.
	SchemaVersion = 1
	// ManifestFile is the manifest's name in the artifact root. It is written last: an artifact
	// directory that has it is complete.
	ManifestFile = "MANIFEST.json"
	// DataDir is the directory, in the artifact root, that holds the backend's payload.
	DataDir = "data"
	// MaxManifestBytes bounds the manifest an import reads.
	MaxManifestBytes = 16 << 20
)

// Identity names a fold format: the backend ("append-log", "pebble") and the generation of
// its on-disk format.
type Identity struct {
	Backend    string
	Generation string
}

// File is one payload file: its path relative to the artifact root ("data/…", '/'-separated),
// its size in bytes and the lowercase hex BLAKE3 hash of its contents.
type File struct {
	Path   string
	Size   uint64
	BLAKE3 string
}

// Manifest describes an artifact. Parse accepts only what Marshal writes, so a parsed manifest
// re-marshals to the bytes it was parsed from.
type Manifest struct {
	// Identity is the backend and format generation of the payload.
	Identity Identity
	// Cursor is the cursor the payload is consistent with (the zero Cursor for an empty fold).
	Cursor kv.Cursor
	// Incarnation is the stream incarnation the cursor is a position in; zero when the fold
	// recorded none (and for every manifest written before incarnations existed). A fold
	// imported from it must not resume against another incarnation of the bucket.
	Incarnation kv.Incarnation
	// Created is when the artifact was exported, to the second (informational).
	Created time.Time
	// Files lists every payload file, sorted by path.
	Files []File
}

// wire is the JSON form. Pointers tell a missing field from a zero one. Digest is the BLAKE3
// hash of the form with Digest empty: it covers the fields no other check covers (the created
// time, the incarnation), so that no change to a manifest goes unnoticed. Incarnation is the
// one optional field: absent for the zero incarnation, so a manifest without one is byte for
// byte what earlier versions wrote, and still imports.
type wire struct {
	SchemaVersion *uint32     `json:"schema_version"`
	Backend       *string     `json:"backend"`
	Generation    *string     `json:"backend_version"`
	CursorHex     *string     `json:"cursor_hex"`
	Incarnation   *string     `json:"incarnation,omitempty"`
	CreatedAtUnix *uint64     `json:"created_at_unix"`
	Files         *[]wireFile `json:"files"`
	Digest        *string     `json:"manifest_blake3"`
}

type wireFile struct {
	Path   *string `json:"path"`
	Size   *uint64 `json:"size"`
	BLAKE3 *string `json:"blake3"`
}

// Marshal returns the manifest's JSON (2-space indent, no trailing newline) with its digest.
// It fails with ErrInvalid when the manifest would not pass Parse.
func (m *Manifest) Marshal() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m.encode(), nil
}

// encode writes the JSON form of a valid manifest.
func (m *Manifest) encode() []byte {
	body := m.encodeWithDigest("")
	sum := blake3.Sum256(body)
	return m.encodeWithDigest(hex.EncodeToString(sum[:]))
}

func (m *Manifest) encodeWithDigest(digest string) []byte {
	schema := uint32(SchemaVersion)
	cur := hex.EncodeToString(m.Cursor.Version().Bytes())
	created := uint64(0)
	if s := m.Created.Unix(); s > 0 {
		created = uint64(s)
	}
	files := make([]wireFile, len(m.Files))
	for i := range m.Files {
		f := &m.Files[i]
		files[i] = wireFile{Path: &f.Path, Size: &f.Size, BLAKE3: &f.BLAKE3}
	}
	var inc *string
	if !m.Incarnation.IsZero() {
		txt, _ := m.Incarnation.MarshalText() // never fails
		s := string(txt)
		inc = &s
	}
	w := wire{&schema, &m.Identity.Backend, &m.Identity.Generation, &cur, inc, &created, &files, &digest}
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("artifact: encoding a manifest cannot fail: %v", err)) // only strings and integers
	}
	return b
}

// Parse reads a manifest strictly: every field present with its exact type (incarnation may be
// absent), no unknown field, schema version 1, valid paths (see File), a cursor of at most kv.MaxVersionLen bytes in
// lowercase hex, a matching digest, and the bytes exactly as Marshal writes them. Any failure
// matches ErrInvalid. Keep the bytes: derive names from them, never from a re-marshalled copy.
func Parse(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestBytes {
		return nil, invalidf("%s: %d bytes, more than the %d allowed", ManifestFile, len(b), MaxManifestBytes)
	}
	var w wire
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, invalidf("%s: malformed JSON: %v", ManifestFile, err)
	}
	if dec.More() {
		return nil, invalidf("%s: malformed JSON: data after the manifest object", ManifestFile)
	}
	m, digest, err := fromWire(&w)
	if err != nil {
		return nil, err
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	body := m.encodeWithDigest("")
	if sum := blake3.Sum256(body); digest != hex.EncodeToString(sum[:]) {
		return nil, invalidf("%s: manifest_blake3 does not match the manifest's contents (the manifest was altered)", ManifestFile)
	}
	if !bytes.Equal(m.encode(), b) {
		return nil, invalidf("%s: not in the canonical form this package writes (spacing, field order or escaping differ)", ManifestFile)
	}
	return m, nil
}

// fromWire checks that every field is present and converts the JSON form.
func fromWire(w *wire) (*Manifest, string, error) {
	missing := func(field string) error {
		return invalidf("%s: malformed: field %q is missing or null", ManifestFile, field)
	}
	switch {
	case w.SchemaVersion == nil:
		return nil, "", missing("schema_version")
	case *w.SchemaVersion != SchemaVersion:
		return nil, "", invalidf("%s: schema_version %d is not supported (only %d)", ManifestFile, *w.SchemaVersion, SchemaVersion)
	case w.Backend == nil:
		return nil, "", missing("backend")
	case w.Generation == nil:
		return nil, "", missing("backend_version")
	case w.CursorHex == nil:
		return nil, "", missing("cursor_hex")
	case w.CreatedAtUnix == nil:
		return nil, "", missing("created_at_unix")
	case w.Files == nil:
		return nil, "", missing("files")
	case w.Digest == nil:
		return nil, "", missing("manifest_blake3")
	}
	if *w.CreatedAtUnix > 1<<62 {
		return nil, "", invalidf("%s: created_at_unix %d is out of range", ManifestFile, *w.CreatedAtUnix)
	}
	cur, err := parseCursorHex(*w.CursorHex)
	if err != nil {
		return nil, "", err
	}
	var inc kv.Incarnation
	if w.Incarnation != nil {
		if inc, err = kv.ParseIncarnation(*w.Incarnation); err != nil || inc.IsZero() {
			return nil, "", invalidf("%s: incarnation %q is not a stream incarnation (name@nanoseconds): %v", ManifestFile, *w.Incarnation, err)
		}
	}
	m := &Manifest{
		Identity:    Identity{Backend: *w.Backend, Generation: *w.Generation},
		Cursor:      cur,
		Incarnation: inc,
		Created:     time.Unix(int64(*w.CreatedAtUnix), 0).UTC(),
		Files:       make([]File, len(*w.Files)),
	}
	for i, f := range *w.Files {
		switch {
		case f.Path == nil:
			return nil, "", missing(fmt.Sprintf("files[%d].path", i))
		case f.Size == nil:
			return nil, "", missing(fmt.Sprintf("files[%d].size", i))
		case f.BLAKE3 == nil:
			return nil, "", missing(fmt.Sprintf("files[%d].blake3", i))
		}
		m.Files[i] = File{Path: *f.Path, Size: *f.Size, BLAKE3: *f.BLAKE3}
	}
	return m, *w.Digest, nil
}
