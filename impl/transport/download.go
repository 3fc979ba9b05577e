package transport

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// Download implements Transport. path must not exist. The payload's name is derived from the
// pointer's bytes; a missing payload fails with ErrPayloadMissing (a prune after a stale
// pointer read, or a doctored pointer), and so does a fetch that failed midway when the
// payload is gone afterwards (pruned while it streamed); and a tar whose first entry is not the pointer's exact
// manifest fails with artifact.ErrInvalid. On any failure no file remains at path. The
// payload's hashes are not checked here: artifact.ImportTar re-checks everything.
func (t *Remote) Download(ctx context.Context, key, path string) (*artifact.Manifest, error) {
	m, ptr, err := t.Pointer(ctx, key)
	if err != nil {
		return nil, err
	}
	if t.afterPointerRead != nil {
		t.afterPointerRead()
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("transport: download %s: %w", key, err)
	}
	ok := false
	defer func() {
		_ = f.Close()
		if !ok {
			_ = os.Remove(path)
		}
	}()
	name := payloadName(key, m, ptr)
	if err := t.objs.get(ctx, name, f); err != nil {
		if errors.Is(err, errObjectMissing) || t.vanished(ctx, name) {
			return nil, fmt.Errorf("%w: %s (read the pointer again): %w", ErrPayloadMissing, name, err)
		}
		return nil, fmt.Errorf("transport: fetch %s: %w", name, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("transport: download %s: %w", key, err)
	}
	if err := checkEmbedded(f, ptr); err != nil {
		return nil, fmt.Errorf("transport: payload %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("transport: download %s: %w", key, err)
	}
	ok = true
	return m, nil
}

// vanished reports whether the object is provably gone now: a fetch that failed midway because
// a prune deleted the object (the object store's reader then times out waiting for the purged
// chunks) is a missing payload, to be retried from a fresh pointer read.
func (t *Remote) vanished(ctx context.Context, name string) bool {
	ok, err := t.objs.has(ctx, name)
	return err == nil && !ok
}

// checkEmbedded requires the tar's first entry to be MANIFEST.json with exactly the pointer's
// bytes (defence in depth: the content address already makes a mismatch unreachable).
func checkEmbedded(r io.Reader, ptr []byte) error {
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil || h.Name != artifact.ManifestFile {
		return fmt.Errorf("%w: the tar does not start with %s", artifact.ErrInvalid, artifact.ManifestFile)
	}
	b, err := readCapped(tr, MaxPointerBytes, "the embedded manifest")
	if err != nil {
		return err
	}
	if !bytes.Equal(b, ptr) {
		return fmt.Errorf("%w: the embedded manifest disagrees with the pointer", artifact.ErrInvalid)
	}
	return nil
}
