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

// Verify implements artifact.Verifier: dataDir must hold exactly PayloadFile, a regular file
// that Load reads (a torn tail is repaired in place, any other damage refused).
func (ArtifactFormat) Verify(dataDir string) (kv.Cursor, error) {
	snap, err := loadPayload(dataDir)
	if err != nil || snap == nil {
		return kv.Cursor{}, err
	}
	return snap.Cursor, nil
}

func loadPayload(dataDir string) (*Snapshot, error) {
	ents, err := os.ReadDir(dataDir)
	if err != nil {
		return nil, fmt.Errorf("%w: list %s: %w", snapshot.ErrIO, dataDir, err)
	}
	if len(ents) != 1 || ents[0].Name() != PayloadFile || !ents[0].Type().IsRegular() {
		return nil, fmt.Errorf("%w: an append-log payload is the one regular file %s", snapshot.ErrInvalidFormat, PayloadFile)
	}
	return Load(filepath.Join(dataDir, PayloadFile), Options{})
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
func (e *exportSource) WritePayload(dataDir string) (kv.Cursor, error) {
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		return kv.Cursor{}, fmt.Errorf("%w: create %s: %w", snapshot.ErrIO, dataDir, err)
	}
	e.s.mu.RLock()
	defer e.s.mu.RUnlock()
	e.count = len(e.s.entries)
	if _, err := compactToFile(OSFS{}, filepath.Join(dataDir, PayloadFile), e.s.entries.sorted(), e.s.cursor); err != nil {
		return kv.Cursor{}, err
	}
	return e.s.cursor, nil
}

// Verify implements artifact.Source: the cursor and the entry count must both match.
func (e *exportSource) Verify(dataDir string) (kv.Cursor, error) {
	snap, err := loadPayload(dataDir)
	if err != nil {
		return kv.Cursor{}, err
	}
	n, c := 0, kv.Cursor{}
	if snap != nil {
		n, c = snap.Len(), snap.Cursor
	}
	if n != e.count {
		return kv.Cursor{}, fmt.Errorf("%w: the exported log holds %d entries, the live fold %d", snapshot.ErrCorrupted, n, e.count)
	}
	return c, nil
}
