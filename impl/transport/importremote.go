package transport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// importAttempts bounds ImportRemote's re-reads of the pointer after a missing payload.
const importAttempts = 3

// ImportRemote bootstraps a fold at dest from the artifact published under key (for artifacts
// an export round published: PointerKey(the round's key, the bucket's live incarnation)), and
// the imported fold keeps the incarnation it was exported from: applied.Run started on it
// resyncs, rather than resumes, when that is not the bucket's live incarnation. It downloads
// the payload into a hidden directory in scratch, and artifact.ImportTar verifies it as
// untrusted (every hash, the staged copy's cursor) and renames it into dest. A payload pruned
// after this node read an older pointer (ErrPayloadMissing) is detected and the pointer read
// again, at most importAttempts times. Resume the live loop from the returned manifest's
// Cursor (applied.Config.Resume, or the imported store's own cursor). scratch ends empty and,
// on failure, dest is as it was.
func ImportRemote(ctx context.Context, t Transport, key, scratch, dest string, v artifact.Verifier, opts artifact.ImportOptions) (*artifact.Manifest, error) {
	var err error
	for range importAttempts {
		var m *artifact.Manifest
		m, err = importOnce(ctx, t, key, scratch, dest, v, opts)
		if !errors.Is(err, ErrPayloadMissing) {
			return m, err
		}
	}
	return nil, err
}

func importOnce(ctx context.Context, t Transport, key, scratch, dest string, v artifact.Verifier, opts artifact.ImportOptions) (*artifact.Manifest, error) {
	dir, err := os.MkdirTemp(scratch, ".slipstream-bootstrap-*")
	if err != nil {
		return nil, fmt.Errorf("transport: bootstrap scratch: %w", err)
	}
	defer os.RemoveAll(dir)
	tarPath := filepath.Join(dir, "payload.tar")
	// Download checked that the tar's manifest is the pointer's, byte for byte.
	if _, err := t.Download(ctx, key, tarPath); err != nil {
		return nil, err
	}
	f, err := os.Open(tarPath)
	if err != nil {
		return nil, fmt.Errorf("transport: bootstrap: %w", err)
	}
	defer f.Close()
	return artifact.ImportTar(f, dest, v, opts)
}
