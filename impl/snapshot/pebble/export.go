package pebble

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/cockroachdb/pebble/v2"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// ArtifactBackend is the Pebble backend's name in an artifact manifest. Its format generation
// is the database's Pebble format major version, as a decimal number.
const ArtifactBackend = "pebble"

// ArtifactFormat is the Pebble backend's artifact format, for artifact.Import and
// artifact.ImportTar: it accepts the format major versions this build of Pebble opens, and a
// payload that Pebble opens read-only with a valid cursor. It implements artifact.Verifier.
type ArtifactFormat struct{}

var _ artifact.Verifier = ArtifactFormat{}

// Identity implements artifact.Verifier: the newest format major version, the one Open
// ratchets a database to.
func (ArtifactFormat) Identity() artifact.Identity {
	return artifact.Identity{Backend: ArtifactBackend, Generation: strconv.FormatUint(uint64(pebble.FormatNewest), 10)}
}

// Accepts implements artifact.Verifier: a format major version this build can open.
func (ArtifactFormat) Accepts(gen string) error {
	v, err := strconv.ParseUint(gen, 10, 64)
	if err != nil || v < uint64(pebble.FormatMinSupported) || v > uint64(pebble.FormatNewest) {
		return fmt.Errorf("%w: this build of Pebble opens format major versions %d to %d",
			snapshot.ErrInvalidFormat, pebble.FormatMinSupported, pebble.FormatNewest)
	}
	return nil
}

// Verify implements artifact.Verifier: it opens dataDir read-only (nothing is written), reads
// the cursor and the stamp, and closes the database. A panic of the engine on a damaged
// payload is returned as snapshot.ErrCorrupted.
func (ArtifactFormat) Verify(dataDir string) (c kv.Cursor, inc kv.Incarnation, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &opError{op: "verify", dir: dataDir, kind: snapshot.ErrCorrupted, cause: fmt.Errorf("the engine panicked: %v", r)}
		}
	}()
	db, err := pebble.Open(dataDir, &pebble.Options{ReadOnly: true, Logger: engineLogger{}})
	if err != nil {
		return kv.Cursor{}, kv.Incarnation{}, wrapErr("verify: open", dataDir, err)
	}
	s := &Store{dir: dataDir, db: db}
	c, err = s.loadCursor()
	var st snapshot.Stamp
	if err == nil {
		st, err = s.loadStamp()
	}
	if cerr := db.Close(); err == nil {
		err = wrapErr("verify: close", dataDir, cerr)
	}
	return c, st.Stream, err
}

// Import verifies the artifact at artifactDir (see artifact.Import), places the database in
// dir, and opens it with opts. If the open fails after the import succeeded, the verified
// database is in place: Open dir, do not import again.
func Import(artifactDir, dir string, limits artifact.ImportOptions, opts Options) (*Store, *artifact.Manifest, error) {
	m, err := artifact.Import(artifactDir, dir, ArtifactFormat{}, limits)
	if err != nil {
		return nil, nil, err
	}
	s, err := Open(dir, opts)
	if err != nil {
		return nil, m, err
	}
	return s, m, nil
}

// Export writes a verified artifact of the fold at dest (see artifact.Export) and returns its
// cursor. It implements applied.Exporter, so applied.Run exports between flushes, at exactly
// the applied cursor.
func (s *Store) Export(dest string) (kv.Cursor, error) {
	m, err := s.ExportArtifact(dest)
	if err != nil {
		return kv.Cursor{}, err
	}
	return m.Cursor, nil
}

// ExportArtifact is Export returning the whole manifest. The payload is a native Pebble
// checkpoint (its immutable tables hard-linked where the file system allows), taken with the
// write-ahead log flushed and Apply held off; the copy is opened read-only and must hold the
// live cursor.
func (s *Store) ExportArtifact(dest string) (*artifact.Manifest, error) {
	if err := s.enter("export"); err != nil {
		return nil, err
	}
	defer s.gate.leave()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.poisoned("export"); err != nil {
		return nil, err
	}
	return artifact.Export(&exportSource{s: s}, dest)
}

// exportSource checkpoints the live database.
type exportSource struct {
	ArtifactFormat
	s *Store
}

// Identity implements artifact.Source: the live database's format major version.
func (e *exportSource) Identity() artifact.Identity {
	id := e.ArtifactFormat.Identity()
	id.Generation = strconv.FormatUint(uint64(e.s.db.FormatMajorVersion()), 10)
	return id
}

// WritePayload implements artifact.Source; the caller holds writeMu.
func (e *exportSource) WritePayload(dataDir string) (kv.Cursor, kv.Incarnation, error) {
	// Flushing the memtable first leaves the checkpoint's write-ahead log nearly empty, so the
	// verifying open (and every import) reads tables instead of replaying the log.
	if err := e.s.db.Flush(); err != nil {
		return kv.Cursor{}, kv.Incarnation{}, e.s.storeErr("export: flush", err)
	}
	if err := e.s.db.Checkpoint(dataDir, pebble.WithFlushedWAL()); err != nil {
		if errors.Is(err, snapshot.ErrIO) {
			return kv.Cursor{}, kv.Incarnation{}, err
		}
		return kv.Cursor{}, kv.Incarnation{}, e.s.storeErr("export: checkpoint", err)
	}
	return e.s.Cursor(), e.s.Stamp().Stream, nil
}
