package artifact_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/applied"
	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/impl/snapshot/pebble"
)

var (
	_ applied.Exporter = (*appendlog.Store)(nil)
	_ applied.Exporter = (*pebble.Store)(nil)
)

// feedWatcher forwards the updates sent on feed until ctx ends.
type feedWatcher struct{ feed chan kv.Update }

func (w feedWatcher) Watch(ctx context.Context, _ kv.Scope, _ kv.Cursor, out chan<- kv.Update) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case u := <-w.feed:
			select {
			case out <- u:
			case <-ctx.Done():
				return nil
			}
		}
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// An export request sent into a running applied.Run flushes the pending batch first: the
// artifact's cursor is exactly the applied cursor at that moment, and the artifact imports to
// the same fold as the live store's.
func TestExportFromRunIsAtTheAppliedCursor(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			store := b.open(t, dir)
			defer store.Close()
			feed := make(chan kv.Update)
			exports := make(chan applied.ExportRequest)
			progress := &applied.Progress{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := applied.Run(ctx, applied.Config[kv.Update]{
					Watcher: feedWatcher{feed}, Store: store, Exports: exports, Progress: progress,
					Batch: applied.BatchConfig{Window: time.Hour, Max: 10_000},
				})
				done <- err
			}()
			rev := uint64(0)
			for round := 1; round <= 2; round++ {
				for range 40 {
					rev++
					feed <- kv.Update{Op: kv.OpPut, Key: fmt.Sprintf("k%d", rev%25), Value: []byte(fmt.Sprint(rev)), Version: kv.VersionFromUint64(rev)}
				}
				eventually(t, "the updates to be received", func() bool { return progress.Stats().Received == rev })
				if progress.Stats().Applied == kv.CursorFromUint64(rev) {
					t.Fatal("the batch was flushed before the export was requested; the test proves nothing")
				}
				art := filepath.Join(dir, fmt.Sprintf("artifact-%d", round))
				reply := make(chan applied.ExportResult, 1)
				exports <- applied.ExportRequest{Dir: art, Reply: reply}
				res := <-reply
				must(t, res.Err)
				appliedNow := progress.Stats().Applied
				m, _, err := artifact.ReadManifest(art)
				must(t, err)
				if m.Cursor != appliedNow || m.Cursor != res.Cursor || m.Cursor != kv.CursorFromUint64(rev) {
					t.Fatalf("round %d: manifest cursor %v, result %v, applied %v; want rev %d", round, m.Cursor, res.Cursor, appliedNow, rev)
				}
				imported := filepath.Join(dir, fmt.Sprintf("imported-%d", round))
				_, err = artifact.Import(art, imported, b.format, artifact.ImportOptions{})
				must(t, err)
				imp := b.openImported(t, imported)
				sameFold(t, imp, store)
				must(t, imp.Close())
			}
			cancel()
			must(t, <-done)
		})
	}
}

func sameFold(t *testing.T, got, want snapshot.Store) {
	t.Helper()
	if got.Cursor() != want.Cursor() || dump(t, got) != dump(t, want) {
		t.Fatalf("imported fold at %v differs from the live one at %v", got.Cursor(), want.Cursor())
	}
}
