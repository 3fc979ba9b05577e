package exportimport

import "github.com/slipstream-go/slipstream/model/check"

// Property names, spelled as in the ported model so that results compare by name.
const (
	PropNeverRegresses       = "published cursor never regresses"
	PropMonotonePointer      = "monotone pointer: importer never observes a cursor drop"
	PropCrossCheckNeverFires = "cross-check never fires (torn pair structurally impossible)"
	PropTargetFetchable      = "pointer target always fetchable (write-once before publish)"
	PropSwapRefuses          = "the swap refuses an older publish (clobber attempt occurs and is stopped)"
	PropPruneRaceRetry       = "a prune racing a stale pointer read forces a detected retry"
	PropFetchMissOnlyStale   = "a fetch miss only happens on a stale pointer read, never the current one"

	PropHazardRegresses      = "HAZARD reachable: published artifact regresses (slow-exporter clobber)"
	PropHazardTornPair       = "HAZARD reachable: importer observes a torn pair (detected, bootstrap outage)"
	PropRegressionNonFatal   = "regression is non-fatal: a post-regression bootstrap still converges"
	PropNoMixedImport        = "no mixed import: an installed fold is one exporter's exported state"
	PropNeverSilentlyDiverge = "bootstrap never silently diverges (stale is merely stale)"
	PropHazardDegrade        = "HAZARD reachable: armed resync that degrades on error diverges silently"
	PropHazardNoResync       = "HAZARD reachable: silent stale-key divergence without resync"
	PropBootstrapSynced      = "a bootstrap completes and resumes synced"
	PropSecondRound          = "a publisher runs a second round against its own previous publish"
	PropLiveness             = "every maximal run ends with a completed, synced bootstrap"
)

func staleResume(s State) bool { return s.Importer.Kind == Resumed && s.Importer.St == StaleKey }
func syncedDone(s State) bool  { return s.Importer.Kind == Resumed && s.Importer.St == Synced }

// Properties returns the configuration's properties: the layout's own, the common
// ones, exactly one by resync mode, the two vacuity witnesses, and the liveness property only
// under fail-stop resync without mutation.
func (m *Model) Properties() []check.Property[State] {
	var ps []check.Property[State]
	add := func(name string, k check.Kind, f func(State) bool) {
		ps = append(ps, check.Property[State]{Name: name, Kind: k, Holds: f})
	}
	N := uint8(m.cfg.N)
	if m.cfg.Layout == PointerSwap {
		add(PropNeverRegresses, check.Always, func(s State) bool { return !s.Regressed })
		add(PropMonotonePointer, check.Always, func(s State) bool {
			switch s.Importer.Kind {
			case GotManifest, Imported, Resumed:
				return s.Manifest.IsNone() || s.Importer.A.Cursor <= s.Manifest.Cursor
			}
			return true
		})
		add(PropCrossCheckNeverFires, check.Always, func(s State) bool { return s.Importer.Kind != CrossCheckFailed })
		add(PropTargetFetchable, check.Always, func(s State) bool {
			return s.Manifest.IsNone() || s.Uploaded&bit(s.Manifest) != 0
		})
		add(PropSwapRefuses, check.Sometimes, func(s State) bool { return s.Refused })
		add(PropPruneRaceRetry, check.Sometimes, func(s State) bool { return s.Importer.Kind == FetchMissed })
		add(PropFetchMissOnlyStale, check.Always, func(s State) bool {
			return s.Importer.Kind != FetchMissed || (!s.Manifest.IsNone() && s.Uploaded&bit(s.Manifest) != 0)
		})
	} else {
		add(PropHazardRegresses, check.Sometimes, func(s State) bool { return s.Regressed })
		add(PropHazardTornPair, check.Sometimes, func(s State) bool { return s.Importer.Kind == CrossCheckFailed })
		add(PropRegressionNonFatal, check.Sometimes, func(s State) bool { return s.Regressed && syncedDone(s) })
	}
	add(PropNoMixedImport, check.Always, func(s State) bool {
		if k := s.Importer.Kind; k != Imported && k != Resumed {
			return true
		}
		a := s.Importer.A
		return a.Node < N && a.Cursor >= 1 && a.Cursor <= s.Head && a.HasKey == keyPresentAt(&s, a.Cursor)
	})
	switch m.cfg.Resync {
	case ResyncFailStop:
		add(PropNeverSilentlyDiverge, check.Always, func(s State) bool { return !staleResume(s) })
	case ResyncDegrade:
		add(PropHazardDegrade, check.Sometimes, staleResume)
	case ResyncNone:
		add(PropHazardNoResync, check.Sometimes, staleResume)
	}
	add(PropBootstrapSynced, check.Sometimes, syncedDone)
	add(PropSecondRound, check.Sometimes, func(s State) bool {
		if s.Manifest.IsNone() {
			return false
		}
		k := s.Exporters[s.Manifest.Node].Kind
		return k == Exported || k == PayloadUp
	})
	if m.cfg.Resync == ResyncFailStop && m.cfg.Mutation == MutNone {
		// Terminal: checked only where no action is enabled, i.e. where every maximal run ends.
		add(PropLiveness, check.Terminal, syncedDone)
	}
	return ps
}
