package transport

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// cutFetch is an object store whose get prunes during the stream and then fails, as the
// object store's reader does when the chunks it still waits for were purged.
type cutFetch struct {
	objects
	during func()
}

var errStreamCut = errors.New("the stream of chunks stopped")

func (c cutFetch) get(ctx context.Context, name string, w io.Writer) error {
	if _, err := w.Write([]byte("partial")); err != nil {
		return err
	}
	c.during()
	return errStreamCut
}

// A fetch that fails midway because a prune took its payload is reported as a missing
// payload, so ImportRemote reads the pointer again: here the retired pointer is gone too, so
// the bootstrap ends with ErrNoPointer after one fetch, dest absent and scratch empty. A fetch
// that fails while its payload is still there keeps its own error and is no missing payload.
func TestFetchCutByAPruneIsAMissingPayload(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		s := setupRetired(t, e, tr)
		s.c.advance(10 * time.Minute)
		inner := tr.objs
		tr.objs = cutFetch{objects: inner, during: func() {}}
		_, err := tr.Download(tctx(t), s.oldKey, filepath.Join(t.TempDir(), "p.tar"))
		if !errors.Is(err, errStreamCut) || errors.Is(err, ErrPayloadMissing) {
			t.Fatalf("a cut fetch of a payload still stored: %v; want the fetch's error, not a missing payload", err)
		}
		var once sync.Once
		cuts := 0
		tr.objs = cutFetch{objects: inner, during: func() {
			cuts++
			once.Do(func() {
				if got, err := tr.PruneRetired(tctx(t), "fold", s.live, 4*time.Minute); err != nil || got != (RetiredPruned{Payloads: 2, Pointers: 1}) {
					t.Errorf("prune during the fetch = %+v, %v", got, err)
				}
			})
		}}
		dest := filepath.Join(t.TempDir(), "fold")
		if _, err := ImportRemote(tctx(t), tr, s.oldKey, e.scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{}); !errors.Is(err, ErrNoPointer) || cuts != 1 {
			t.Fatalf("bootstrap cut by the prune: %v after %d fetches; want one fetch, then ErrNoPointer on the re-read", err, cuts)
		}
		if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("dest after the failed bootstrap: %v, want absent", err)
		}
		assertEmpty(t, e.scratch)
	})
}
