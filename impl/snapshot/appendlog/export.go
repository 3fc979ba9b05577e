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

// exportSource writes the fold's compacted log and checks the copy against it. Export uses its
// WriteChecked, never the Verify it has from ArtifactFormat, which does not know the live fold.
type exportSource struct {
	ArtifactFormat
	s     *Store
	check logCheck
	count int // live entries when the payload was written
}

var _ artifact.CheckingSource = (*exportSource)(nil)

// WriteChecked implements artifact.CheckingSource; the caller holds s.wmu. The payload is the
// compacted log of the fold: one PUT per entry, in the fold's own order (sorting a large fold
// would cost more than writing it; Load needs no order), then the stamp and the cursor. It is
// read back as it is written (see logCheck) and must hold as many entries as the live fold.
func (e *exportSource) WriteChecked(dataDir string) (artifact.Checked, error) {
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		return artifact.Checked{}, fmt.Errorf("%w: create %s: %w", snapshot.ErrIO, dataDir, err)
	}
	e.s.mu.RLock()
	defer e.s.mu.RUnlock()
	e.count = len(e.s.entries)
	cl, err := e.check.write(dataDir, putSource{f: e.s.entries}, e.s.cursor, e.s.stamp)
	if err != nil {
		return artifact.Checked{}, err
	}
	if cl.refused == nil && cl.sc.puts != e.count {
		cl.refused = fmt.Errorf("%w: the exported log holds %d entries, the live fold %d", snapshot.ErrCorrupted, cl.sc.puts, e.count)
	}
	return artifact.Checked{
		Live: e.s.cursor, LiveIncarnation: e.s.stamp.Stream,
		Copy: cl.sc.cursor, CopyIncarnation: cl.sc.stamp.Stream,
		Digests: map[string]artifact.Digest{PayloadFile: cl.digest},
		Refused: cl.refused,
	}, nil
}

// WritePayload implements artifact.Source as WriteChecked, failing when the copy does not
// check; the caller holds s.wmu.
func (e *exportSource) WritePayload(dataDir string) (kv.Cursor, kv.Incarnation, error) {
	c, err := e.WriteChecked(dataDir)
	if err == nil {
		err = c.Refused
	}
	return c.Live, c.LiveIncarnation, err
}
