package pebble

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/slipstream-go/slipstream/impl/snapshot"
	"github.com/slipstream-go/slipstream/impl/snapshot/snapshottest"
)

var errInjectedCommit = errors.New("injected commit failure")

// The whole conformance suite, in both durability modes. Pebble treats a failure inside its
// commit as fatal (TestEngineCommitFailurePoisonsTheStore covers that path), so the suite's
// failed Apply is injected at the last point before the engine: the batch holding every update
// and the cursor is complete and is then discarded.
func TestConformance(t *testing.T) {
	for name, sync := range map[string]bool{"NoSync": false, "Sync": true} {
		t.Run(name, func(t *testing.T) {
			openStore := func(t *testing.T, dir string) (snapshot.Store, error) {
				return Open(dir, Options{Sync: sync})
			}
			faulty := func(t *testing.T, dir string) (snapshot.Store, func(), error) {
				var fail atomic.Bool
				hook := func() error {
					if fail.Swap(false) {
						return errInjectedCommit
					}
					return nil
				}
				s, err := Open(dir, Options{Sync: sync, BeforeCommit: hook})
				return s, func() { fail.Store(true) }, err
			}
			snapshottest.Run(t, openStore, snapshottest.WithFaultInjection(faulty))
		})
	}
}
