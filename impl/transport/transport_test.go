package transport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// forEach runs a test against both transports.
func forEach(t *testing.T, f func(t *testing.T, e *env, tr *Remote)) {
	t.Run("nats", func(t *testing.T) { e := newEnv(t); f(t, e, e.nats()) })
	t.Run("directory", func(t *testing.T) { e := newEnv(t); f(t, e, e.dir()) })
}

func publish(t *testing.T, tr Transport, art string) Outcome {
	t.Helper()
	out, err := Upload(tctx(t), tr, "fold", art)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func pointerCursor(t *testing.T, tr Transport) kv.Cursor {
	t.Helper()
	return pointerCursorAt(t, tr, "fold")
}

// pointerCursorAt returns the cursor of the artifact published under key.
func pointerCursorAt(t *testing.T, tr Transport, key string) kv.Cursor {
	t.Helper()
	m, _, err := tr.Pointer(tctx(t), key)
	if err != nil {
		t.Fatal(err)
	}
	return m.Cursor
}

// An older artifact published after a newer one is refused, and an equal one republishes.
func TestOlderPublishIsSupersededByNewer(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		a3, a5 := artifactAt(t, 3, 2), artifactAt(t, 5, 3)
		if out := publish(t, tr, a5); out.Status != Published {
			t.Fatalf("first publish: %v", out.Status)
		}
		out := publish(t, tr, a3)
		if out.Status != SupersededByNewer || out.Remote != kv.CursorFromUint64(5) {
			t.Fatalf("publish of 3 over 5 = %+v, want SupersededByNewer at 5", out)
		}
		if c := pointerCursor(t, tr); c != kv.CursorFromUint64(5) {
			t.Fatalf("pointer at %v after the refused publish, want 5", c)
		}
		if out := publish(t, tr, a5); out.Status != Published {
			t.Fatalf("equal-rank republish: %v, want Published", out.Status)
		}
	})
}

// Concurrent publishers in any order never move the pointer backwards, and the newest wins.
func TestConcurrentPublishesNeverRegressThePointer(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		ranks := []uint64{2, 3, 4, 5, 6, 7, 8, 9}
		arts := map[uint64]string{}
		for _, r := range ranks {
			arts[r] = artifactAt(t, r, 1)
		}
		rand.Shuffle(len(ranks), func(i, j int) { ranks[i], ranks[j] = ranks[j], ranks[i] })
		stop := make(chan struct{})
		regress := make(chan string, 1)
		var watcher sync.WaitGroup
		watcher.Go(func() {
			var last uint64
			for {
				select {
				case <-stop:
					return
				default:
				}
				m, _, err := tr.Pointer(tctx(t), "fold")
				if err != nil {
					continue // not published yet
				}
				r, _ := m.Cursor.Uint64()
				if r < last {
					regress <- fmt.Sprintf("pointer went from %d back to %d", last, r)
					return
				}
				last = r
			}
		})
		var wg sync.WaitGroup
		for _, r := range ranks {
			wg.Go(func() {
				if _, err := Upload(tctx(t), tr, "fold", arts[r]); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(stop)
		watcher.Wait()
		select {
		case msg := <-regress:
			t.Fatal(msg)
		default:
		}
		if c := pointerCursor(t, tr); c != kv.CursorFromUint64(9) {
			t.Fatalf("pointer at %v after all publishes, want 9", c)
		}
	})
}

// A crash after the payload upload and before the pointer swap leaves the previous artifact
// published and importable; publishing afterwards moves on.
func TestCrashBetweenPayloadAndPointerKeepsThePreviousArtifact(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		publish(t, tr, artifactAt(t, 3, 2))
		a5 := artifactAt(t, 5, 5)
		ptr, err := tr.UploadPayload(tctx(t), "fold", a5) // then the process dies
		if err != nil {
			t.Fatal(err)
		}
		fold, c := importFold(t, tr, "fold")
		if c != kv.CursorFromUint64(3) || len(fold) != 2 {
			t.Fatalf("after the crash: imported %d keys at %v, want the 2 at 3", len(fold), c)
		}
		if out, err := tr.SwapPointer(tctx(t), "fold", ptr); err != nil || out.Status != Published {
			t.Fatalf("publish after restart: %+v, %v", out, err)
		}
		if fold, c = importFold(t, tr, "fold"); c != kv.CursorFromUint64(5) || len(fold) != 5 {
			t.Fatalf("after the publish: imported %d keys at %v, want 5 at 5", len(fold), c)
		}
	})
}

// Prune deletes only payloads strictly below the pointer and past the grace: never the target,
// never a newer unpublished upload, never an object whose name it did not write.
func TestPruneNeverRemovesThePointerTarget(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		publish(t, tr, artifactAt(t, 3, 1))
		publish(t, tr, artifactAt(t, 5, 2))
		if _, err := tr.UploadPayload(tctx(t), "fold", artifactAt(t, 7, 3)); err != nil {
			t.Fatal(err)
		}
		if err := tr.objs.put(tctx(t), payloadPrefix("fold")+"foreign.tar", strings.NewReader("not ours")); err != nil {
			t.Fatal(err)
		}
		if n, err := tr.Prune(tctx(t), "fold", time.Hour); err != nil || n != 0 {
			t.Fatalf("Prune within the grace = %d, %v; want 0", n, err)
		}
		if n, err := tr.Prune(tctx(t), "fold", 0); err != nil || n != 1 {
			t.Fatalf("Prune(0) = %d, %v; want 1 (the payload at 3)", n, err)
		}
		objs, err := tr.objs.list(tctx(t), payloadPrefix("fold"))
		if err != nil || len(objs) != 3 {
			t.Fatalf("left %d objects (%v), want 3: the target, the newer upload, the foreign one", len(objs), err)
		}
		if _, c := importFold(t, tr, "fold"); c != kv.CursorFromUint64(5) {
			t.Fatalf("imported %v after prune, want 5", c)
		}
	})
}

// A prune that runs between a reader's pointer read and its payload fetch is detected
// (ErrPayloadMissing), and ImportRemote's re-read of the pointer fetches the newer artifact.
func TestPruneRacingAStalePointerReadIsDetectedAndRetried(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		publish(t, tr, artifactAt(t, 3, 1))
		a5 := artifactAt(t, 5, 2)
		reads := 0
		tr.afterPointerRead = func() {
			reads++
			if reads > 1 {
				return
			}
			publish(t, tr, a5)
			if n, err := tr.Prune(tctx(t), "fold", 0); err != nil || n != 1 {
				t.Errorf("prune under the reader = %d, %v; want 1", n, err)
			}
		}
		path := filepath.Join(t.TempDir(), "payload.tar")
		if _, err := tr.Download(tctx(t), "fold", path); !errors.Is(err, ErrPayloadMissing) {
			t.Fatalf("Download after a stale read: %v, want ErrPayloadMissing", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a failed download left %s: %v", path, err)
		}
		reads = 0
		tr.afterPointerRead = func() {
			reads++
			if reads == 1 { // stale again: the newer one gets superseded and pruned
				publish(t, tr, artifactAt(t, 6, 3))
				if _, err := tr.Prune(tctx(t), "fold", 0); err != nil {
					t.Error(err)
				}
			}
		}
		fold, c := importFold(t, tr, "fold")
		if c != kv.CursorFromUint64(6) || len(fold) != 3 || reads != 2 {
			t.Fatalf("ImportRemote got %d keys at %v after %d pointer reads, want 3 keys at 6 after 2", len(fold), c, reads)
		}
	})
}

// A pointer doctored to name another cursor derives a payload name that does not exist.
func TestDoctoredPointerIsDetected(t *testing.T) {
	e := newEnv(t)
	tr := e.nats()
	publish(t, tr, artifactAt(t, 3, 1))
	m, _, err := tr.Pointer(tctx(t), "fold")
	if err != nil {
		t.Fatal(err)
	}
	m.Cursor = kv.CursorFromUint64(999)
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ptrs.Put(tctx(t), "fold", b); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "fold")
	_, err = ImportRemote(tctx(t), tr, "fold", t.TempDir(), dest, nil, artifact.ImportOptions{})
	if !errors.Is(err, ErrPayloadMissing) {
		t.Fatalf("import through a doctored pointer: %v, want ErrPayloadMissing", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dest exists after a refused import: %v", err)
	}
}

// A pointer store that cannot compare-and-swap fails the publish closed.
func TestPointerStoreWithoutCompareAndSwapFailsClosed(t *testing.T) {
	t.Run("kv bucket without CAS", func(t *testing.T) {
		e := newEnv(t)
		if _, err := NewNATS(e.objs, noCAS{e.ptrs}); !errors.Is(err, ErrNoCompareAndSwap) {
			t.Fatalf("NewNATS over a bucket without CAS: %v, want ErrNoCompareAndSwap", err)
		}
	})
	t.Run("directory without locks", func(t *testing.T) {
		e := newEnv(t)
		tr := e.dir()
		publish(t, tr, artifactAt(t, 3, 1))
		tr.ptrs.(*dirPointers).lock = func(*os.File) error { return fmt.Errorf("flock: %w", errNoLock) }
		if _, err := Upload(tctx(t), tr, "fold", artifactAt(t, 5, 1)); !errors.Is(err, ErrNoCompareAndSwap) {
			t.Fatalf("publish without a lock: %v, want ErrNoCompareAndSwap", err)
		}
		if c := pointerCursor(t, tr); c != kv.CursorFromUint64(3) {
			t.Fatalf("pointer at %v, want it untouched at 3", c)
		}
	})
}
