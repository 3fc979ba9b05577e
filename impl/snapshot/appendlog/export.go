package appendlog

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// Artifact identity of the append log: the backend name and its log format version.
const (
	ArtifactBackend = "append-log"
	// PayloadFile is the only payload file: the compacted log, at data/fold.snap in an
	// artifact and at ImportedPath(dir) once imported.
	PayloadFile = "fold.snap"
)

// ArtifactFormat is the append log's artifact format, for artifact.Import and
// artifact.ImportTar: it accepts only format generation "2" and a payload that is exactly one
// log file whose Load succeeds. It implements artifact.Verifier.
type ArtifactFormat struct{}

var _ artifact.Verifier = ArtifactFormat{}

// Identity implements artifact.Verifier.
func (ArtifactFormat) Identity() artifact.Identity {
	return artifact.Identity{Backend: ArtifactBackend, Generation: strconv.Itoa(FormatVersion)}
}

// Accepts implements artifact.Verifier: only this package's format version.
func (f ArtifactFormat) Accepts(gen string) error {
	if want := f.Identity().Generation; gen != want {
		return fmt.Errorf("%w: the append log reads format %s only", snapshot.ErrInvalidFormat, want)
	}
	return nil
}

// Verify implements artifact.Verifier: dataDir must hold exactly PayloadFile, a compacted log
// as an export writes it (see scanCompact), whose cursor and stamp Load recovers without
// repairing.
func (ArtifactFormat) Verify(dataDir string) (kv.Cursor, kv.Incarnation, error) {
	sc, _, err := scanPayload(dataDir, false)
	return sc.cursor, sc.stamp.Stream, err
}

// VerifyHashed implements artifact.HashingVerifier: Verify, hashing the log from the same
// mapped bytes while its records are checked.
func (ArtifactFormat) VerifyHashed(dataDir string) (kv.Cursor, kv.Incarnation, map[string]artifact.Digest, error) {
	sc, ds, err := scanPayload(dataDir, true)
	return sc.cursor, sc.stamp.Stream, ds, err
}

// ImportedPath returns the log's path in a directory that artifact.Import filled with an
// append-log payload: Open it there.
func ImportedPath(dir string) string { return filepath.Join(dir, PayloadFile) }

// Import verifies the artifact at artifactDir (see artifact.Import), places its log in dir,
// and opens it with opts. If the open fails after the import succeeded, the verified log is
// in place: Open ImportedPath(dir), do not import again.
func Import(artifactDir, dir string, limits artifact.ImportOptions, opts Options) (*Store, *artifact.Manifest, error) {
	m, err := artifact.Import(artifactDir, dir, ArtifactFormat{}, limits)
	if err != nil {
		return nil, nil, err
	}
	s, err := Open(ImportedPath(dir), opts)
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

// ExportArtifact is Export returning the whole manifest. The payload is the compacted log
// written from the fold in RAM; the copy is loaded back and must hold the live cursor and as
// many entries as the live fold. Apply and Close wait while it runs.
func (s *Store) ExportArtifact(dest string) (*artifact.Manifest, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.w == nil {
		return nil, s.errClosed()
	}
	return artifact.Export(&exportSource{s: s}, dest)
}

// exportSource writes the fold's compacted log and checks the copy against it.
type exportSource struct {
	ArtifactFormat
	s     *Store
	count int // live entries when the payload was written
}

// WritePayload implements artifact.Source; the caller holds s.wmu.
func (e *exportSource) WritePayload(dataDir string) (kv.Cursor, kv.Incarnation, error) {
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		return kv.Cursor{}, kv.Incarnation{}, fmt.Errorf("%w: create %s: %w", snapshot.ErrIO, dataDir, err)
	}
	e.s.mu.RLock()
	defer e.s.mu.RUnlock()
	e.count = len(e.s.entries)
	if err := writeCompacted(filepath.Join(dataDir, PayloadFile), e.s.entries, e.s.cursor, e.s.stamp); err != nil {
		return kv.Cursor{}, kv.Incarnation{}, err
	}
	return e.s.cursor, e.s.stamp.Stream, nil
}

// writeCompacted writes the compacted log of (entries, cursor) to a new file at path: one PUT
// per entry, in the map's order (sorting a large fold would cost more than writing it; Load
// needs no order), then the stamp and the cursor. There is no fsync here: artifact.Export fsyncs every
// payload file once it is verified, before the artifact is renamed into place.
func writeCompacted(path string, entries fold, cursor kv.Cursor, stamp snapshot.Stamp) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return ioErr("create", path, err)
	}
	defer f.Close()
	if _, err := f.Write(header[:]); err != nil {
		return ioErr("write", path, err)
	}
	if err := writePuts(f, entries.unordered()); err != nil {
		return ioErr("write", path, err)
	}
	if _, err := f.Write(appendCheckpoint(nil, cursor, stamp)); err != nil {
		return ioErr("write", path, err)
	}
	if err := f.Close(); err != nil {
		return ioErr("close", path, err)
	}
	return nil
}

// Verify implements artifact.Source: the cursor, the incarnation and the entry count must all
// match.
func (e *exportSource) Verify(dataDir string) (kv.Cursor, kv.Incarnation, error) {
	c, inc, _, err := e.verify(dataDir, false)
	return c, inc, err
}

// VerifyHashed implements artifact.HashingVerifier as Verify does, hashing the log meanwhile.
func (e *exportSource) VerifyHashed(dataDir string) (kv.Cursor, kv.Incarnation, map[string]artifact.Digest, error) {
	return e.verify(dataDir, true)
}

func (e *exportSource) verify(dataDir string, hash bool) (kv.Cursor, kv.Incarnation, map[string]artifact.Digest, error) {
	sc, ds, err := scanPayload(dataDir, hash)
	if err != nil {
		return kv.Cursor{}, kv.Incarnation{}, ds, err
	}
	if sc.puts != e.count {
		return kv.Cursor{}, kv.Incarnation{}, ds, fmt.Errorf("%w: the exported log holds %d entries, the live fold %d", snapshot.ErrCorrupted, sc.puts, e.count)
	}
	return sc.cursor, sc.stamp.Stream, ds, nil
}
