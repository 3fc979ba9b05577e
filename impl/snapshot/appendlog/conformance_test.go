package appendlog

import (
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/snapshottest"
)

func conformance(t *testing.T, threshold uint64) {
	path := func(dir string) string { return filepath.Join(dir, "fold.snap") }
	snapshottest.Run(t,
		func(t *testing.T, dir string) (snapshot.Store, error) {
			return Open(path(dir), Options{CompactThreshold: threshold})
		},
		snapshottest.WithFaultInjection(func(t *testing.T, dir string) (snapshot.Store, func(), error) {
			fs := newFaultFS()
			s, err := Open(path(dir), Options{CompactThreshold: threshold, FS: fs})
			return s, func() { fs.arm("write", 0) }, err
		}))
}

func TestConformance(t *testing.T) { conformance(t, NeverCompact) }

// The same promises hold when every Apply also compacts the log.
func TestConformanceCompactingAfterEveryApply(t *testing.T) { conformance(t, 1) }
