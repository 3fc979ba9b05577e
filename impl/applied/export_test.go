package applied

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// exportRig runs a held-open loop with two pending updates and an hour-long window.
func exportRig(t *testing.T, withStore bool) (st *memStore, req chan ExportRequest, p *Progress, stop func() (kv.Cursor, error)) {
	t.Helper()
	w := &scriptWatcher{stream: []rec{put(1, "a", "1"), put(2, "b", "2")}, hold: true}
	req = make(chan ExportRequest)
	p = &Progress{}
	cfg := Config[string]{Watcher: w, Exports: req, Progress: p, Batch: BatchConfig{Window: time.Hour}}
	if withStore {
		st = openMem(newDisk())
		cfg.Store = st
	}
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, cfg)
	eventually(t, "both received", func() bool { return p.Stats().Received == 2 })
	return st, req, p, func() (kv.Cursor, error) { cancel(); return wait() }
}

func exportOnce(req chan<- ExportRequest, dir string) ExportResult {
	reply := make(chan ExportResult, 1)
	req <- ExportRequest{Dir: dir, Reply: reply}
	return <-reply
}

// An export flushes the pending batch first: the exported cursor is the applied one.
func TestExportFlushesPendingBatchFirst(t *testing.T) {
	st, req, p, stop := exportRig(t, true)
	if p.Stats().Batches != 0 {
		t.Fatal("flushed before the export")
	}
	res := exportOnce(req, "dest")
	if res.Err != nil || rev(t, res.Cursor) != 2 || rev(t, p.Stats().Applied) != 2 {
		t.Fatalf("export %+v, applied %v; want cursor 2", res, p.Stats().Applied)
	}
	if c, err := stop(); err != nil || rev(t, c) != 2 || len(st.exported) != 1 {
		t.Fatalf("Run = %v, %v; exports %v", c, err, st.exported)
	}
}

// Without a store the export is refused and the loop goes on; a failed export does not stop
// it; a closed export channel is ignored.
func TestExportFailuresKeepTheLoop(t *testing.T) {
	_, req, _, stop := exportRig(t, false)
	if res := exportOnce(req, "dest"); !errors.Is(res.Err, ErrNoExporter) {
		t.Fatalf("no store: %v", res.Err)
	}
	close(req)
	if c, err := stop(); err != nil || rev(t, c) != 2 {
		t.Fatalf("Run = %v, %v", c, err)
	}

	st, req, _, stop := exportRig(t, true)
	st.exportErr = errors.New("destination occupied")
	if res := exportOnce(req, "dest"); !errors.Is(res.Err, st.exportErr) {
		t.Fatalf("export error %v", res.Err)
	}
	st.mu.Lock()
	st.exportErr = nil
	st.mu.Unlock()
	if res := exportOnce(req, "dest2"); res.Err != nil || rev(t, res.Cursor) != 2 {
		t.Fatalf("the loop must still export after a failure: %+v", res)
	}
	if _, err := stop(); err != nil {
		t.Fatal(err)
	}
}

// An export from a fresh fold, before anything was folded, still carries the live incarnation:
// the store is stamped first, so the artifact is published under this incarnation's pointer.
func TestExportBeforeTheFirstFlushCarriesTheIncarnation(t *testing.T) {
	live := incarnationAt(t, 3)
	disk := newDisk()
	w := &reportingWatcher{scriptWatcher: &scriptWatcher{hold: true}, live: live}
	req := make(chan ExportRequest)
	ctx, cancel := context.WithCancel(bg())
	wait := runAsync(ctx, Config[string]{Watcher: w, Store: openMem(disk), Exports: req})
	res := exportOnce(req, "dest")
	cancel()
	if _, err := wait(); err != nil || res.Err != nil {
		t.Fatalf("Run: %v; export: %+v", err, res)
	}
	if disk.stamp.Stream != live || !disk.cursor.IsZero() {
		t.Fatalf("store at export: cursor %v stamped %v; want the zero cursor stamped %v", disk.cursor, disk.stamp, live)
	}
}
