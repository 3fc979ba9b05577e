package artifact_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

var benchKeys = flag.Int("artifact.keys", 100_000, "keys in the fold BenchmarkExportImport exports (1000000 for the full-size run)")

// BenchmarkExportImport measures, per backend and in one run: export with its verify
// (ExportArtifact) against a durable copy of the live store's files, and import with its
// verify (artifact.Import) against a durable copy of the artifact's files. It reports
// export/copy and import/copy (goals: at most 1.5 and 2). Two value sizes: the fill's short
// values (about 12 bytes, where per-record work weighs most against a copy), and 100 bytes.
func BenchmarkExportImport(b *testing.B) {
	for _, valueLen := range []int{0, 100} {
		for _, be := range backends() {
			name := be.name + "/value=short"
			if valueLen > 0 {
				name = fmt.Sprintf("%s/value=%dB", be.name, valueLen)
			}
			b.Run(name, func(b *testing.B) { benchExportImport(b, be, valueLen) })
		}
	}
}

func benchExportImport(b *testing.B, be backend, valueLen int) {
	dir := b.TempDir()
	live := be.open(b, filepath.Join(dir, "live"))
	defer live.Close()
	fillSized(b, live, *benchKeys, valueLen)
	runtime.GC() // the fill's garbage is not the export's: collected now, it is not collected while exports run
	var copyLive, export, copyArt, imp time.Duration
	n := 0
	for b.Loop() {
		round := filepath.Join(dir, "round")
		must(b, os.Mkdir(round, 0o755))
		art := filepath.Join(round, "artifact")
		copyLiveStep := func() {
			copyLive += timed(func() {
				// Pebble deletes the files its background compactions made obsolete meanwhile:
				// they are no longer part of the store.
				copyFiles(b, filepath.Join(dir, "live"), filepath.Join(round, "copy-live"), true)
				syncTree(b, filepath.Join(round, "copy-live"))
			})
		}
		exportStep := func() { export += timed(func() { _, err := live.ExportArtifact(art); must(b, err) }) }
		copyArtStep := func() {
			copyArt += timed(func() {
				copyTree(b, art, filepath.Join(round, "copy-art"))
				syncTree(b, filepath.Join(round, "copy-art"))
			})
		}
		importStep := func() {
			imp += timed(func() {
				_, err := artifact.Import(art, filepath.Join(round, "imported"), be.format, artifact.ImportOptions{})
				must(b, err)
			})
		}
		// Each side of a ratio goes first in every other round. Whatever the step before
		// leaves behind (pages to write back, memory to reclaim; on this project's virtual
		// machines, fresh memory first touched, which cost one step in three a 250 ms stall
		// in its copy, perf) falls on both sides alike.
		if n%2 == 0 {
			copyLiveStep()
			exportStep()
			copyArtStep()
			importStep()
		} else {
			exportStep()
			copyLiveStep()
			importStep()
			copyArtStep()
		}
		must(b, os.RemoveAll(round))
		n++
	}
	b.ReportMetric(float64(export)/float64(copyLive), "export/copy")
	b.ReportMetric(float64(imp)/float64(copyArt), "import/copy")
	b.ReportMetric(float64(export.Milliseconds())/float64(n), "export-ms")
	b.ReportMetric(float64(imp.Milliseconds())/float64(n), "import-ms")
	b.ReportMetric(float64(copyLive.Milliseconds())/float64(n), "copy-live-ms")
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// syncTree fsyncs every file and directory under root, so the baseline copy is as durable as
// an artifact.
func syncTree(b *testing.B, root string) {
	must(b, filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	}))
}
