package exportimport

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// Action names, in the ported model's spelling.
const (
	ActChurn                = "Churn"
	ActDeleteKey            = "DeleteKey"
	ActCompact              = "Compact"
	ActApply                = "Apply"
	ActExport               = "Export"
	ActUploadPayload        = "UploadPayload"
	ActPublish              = "Publish"
	ActCrash                = "Crash"
	ActNextRound            = "NextRound"
	ActPrune                = "Prune"
	ActReadManifest         = "ReadManifest"
	ActReadPayload          = "ReadPayload"
	ActRetry                = "Retry"
	ActResume               = "Resume"
	ActResumeResyncDegraded = "ResumeResyncDegraded"
)

func env(name string) check.Action        { return check.Action{Name: name, Actor: -1} }
func act(name string, n int) check.Action { return check.Action{Name: name, Actor: n} }

// keyPresentAt reports whether the sentinel key exists at revision c.
func keyPresentAt(s *State, c uint8) bool { return s.DeleteRev == 0 || c < s.DeleteRev }

// resumeOK is K3 on the artifact's cursor and the stream's first sequence (floor+1).
func (m *Model) resumeOK(s *State, a Artifact) bool {
	return m.k.ResumeWindowOK(uint64(a.Cursor), uint64(s.Floor)+1)
}

// relistOnly is the fold after an expired resume that only re-lists: the key stays stale if
// the artifact had it and its delete marker has been evicted.
func relistOnly(s *State, a Artifact) FoldStatus {
	if a.HasKey && s.DeleteRev != 0 && s.DeleteRev <= s.Floor {
		return StaleKey
	}
	return Synced
}

// Next emits every enabled action of s in the ported model's order: Churn, DeleteKey, Compact;
// per exporter n: Apply(n), then Export | NextRound | UploadPayload, Crash | Publish, Crash;
// Prune; then the importer's action(s).
func (m *Model) Next(s State, emit func(check.Action, State)) {
	maxRev := uint8(m.cfg.MaxRev)
	shipped := m.cfg.Layout == PointerSwap

	if s.Head < maxRev {
		t := s
		t.Head++
		emit(env(ActChurn), t)
	}
	if s.Head < maxRev && s.DeleteRev == 0 {
		t := s
		t.Head++
		t.DeleteRev = t.Head
		emit(env(ActDeleteKey), t)
	}
	if s.Floor < s.Head {
		t := s
		t.Floor++
		emit(env(ActCompact), t)
	}

	for n := 0; n < m.cfg.N; n++ {
		if s.Applied[n] < s.Head {
			t := s
			t.Applied[n]++
			emit(act(ActApply, n), t)
		}
		e := s.Exporters[n]
		switch e.Kind {
		case Idle:
			if s.Applied[n] >= 1 {
				t := s
				c := s.Applied[n]
				t.Exporters[n] = ExporterPC{Kind: Exported, A: Artifact{Node: uint8(n), Cursor: c, HasKey: keyPresentAt(&s, c)}}
				emit(act(ActExport, n), t)
			}
		case Done:
			if s.Applied[n] > e.C {
				t := s
				t.Exporters[n] = ExporterPC{}
				emit(act(ActNextRound, n), t)
			}
		case Exported:
			t := s
			if shipped {
				t.Uploaded |= bit(e.A)
			} else {
				t.Payload = e.A
			}
			t.Exporters[n] = ExporterPC{Kind: PayloadUp, A: e.A}
			emit(act(ActUploadPayload, n), t)
			t = s
			t.Exporters[n] = ExporterPC{}
			emit(act(ActCrash, n), t)
		case PayloadUp:
			emit(act(ActPublish, n), m.publish(s, n, e.A))
			t := s
			t.Exporters[n] = ExporterPC{}
			emit(act(ActCrash, n), t)
		}
	}

	if shipped && !s.Manifest.IsNone() && s.Uploaded != 0 {
		mf := s.Manifest
		enabled := false
		for u := s.Uploaded; u != 0; u &= u - 1 {
			if a := artifactOfBit(lowBit(u)); a.Cursor < mf.Cursor {
				enabled = true
				break
			}
		}
		if enabled {
			t := s
			if m.cfg.Mutation == MutPruneAgeOnly {
				t.Uploaded &= bit(mf)
			} else {
				for u := s.Uploaded; u != 0; u &= u - 1 {
					i := lowBit(u)
					a := artifactOfBit(i)
					if m.k.PayloadPrunable(protocol.PruneCandidate{
						Rank: uint64(a.Cursor), RankKnown: true, PointerRank: uint64(mf.Cursor),
						IsPointerTarget: a == mf, AgedOut: true,
					}) {
						t.Uploaded &^= 1 << i
					}
				}
			}
			emit(env(ActPrune), t)
		}
	}

	imp := s.Importer
	switch imp.Kind {
	case Start:
		if !s.Manifest.IsNone() {
			t := s
			t.Importer = ImporterPC{Kind: GotManifest, A: s.Manifest}
			emit(env(ActReadManifest), t)
		}
	case GotManifest:
		t := s
		g := imp.A
		switch {
		case shipped && s.Uploaded&bit(g) != 0:
			t.Importer = ImporterPC{Kind: Imported, A: g}
		case shipped:
			t.Importer = ImporterPC{Kind: FetchMissed}
		case s.Payload == g:
			t.Importer = ImporterPC{Kind: Imported, A: g}
		default:
			t.Importer = ImporterPC{Kind: CrossCheckFailed}
		}
		emit(env(ActReadPayload), t)
	case CrossCheckFailed, FetchMissed:
		t := s
		t.Importer = ImporterPC{}
		emit(env(ActRetry), t)
	case Imported:
		a := imp.A
		ok := m.resumeOK(&s, a)
		var st FoldStatus
		switch {
		case ok:
			// What a tail replay from a.Cursor+1 delivers (see the package doc): Synced
			// whenever the window is really intact, which is always when K3 is right.
			if s.Floor <= a.Cursor {
				st = Synced
			} else {
				st = relistOnly(&s, a)
			}
		case m.cfg.Mutation == MutSilentClamp:
			st = relistOnly(&s, a)
		case m.cfg.Resync != ResyncNone:
			st = Synced
		default:
			st = relistOnly(&s, a)
		}
		t := s
		t.Importer = ImporterPC{Kind: Resumed, A: a, St: st}
		emit(env(ActResume), t)
		if m.cfg.Resync == ResyncDegrade && !ok {
			t := s
			t.Importer = ImporterPC{Kind: Resumed, A: a, St: relistOnly(&s, a)}
			emit(env(ActResumeResyncDegraded), t)
		}
	}
}

// publish is Publish(n)'s effect for artifact a.
func (m *Model) publish(s State, n int, a Artifact) State {
	t := s
	allowed := true
	if m.cfg.Layout == PointerSwap {
		obs := protocol.PointerAbsent()
		if !s.Manifest.IsNone() {
			obs = protocol.PointerAt(uint64(s.Manifest.Cursor))
		}
		allowed = m.cfg.Mutation == MutLwwPointer || m.k.PointerPublishAllowed(obs, uint64(a.Cursor))
	}
	if allowed {
		if !s.Manifest.IsNone() && s.Manifest.Cursor > a.Cursor {
			t.Regressed = true
		}
		t.Manifest = a
	} else {
		t.Refused = true
	}
	t.Exporters[n] = ExporterPC{Kind: Done, C: a.Cursor}
	return t
}

func lowBit(u uint32) uint {
	i := uint(0)
	for u&1 == 0 {
		u >>= 1
		i++
	}
	return i
}
