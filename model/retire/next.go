package retire

import (
	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/protocol"
)

// Action names.
const (
	ActRecreate     = "Recreate"
	ActUpload       = "Upload"
	ActPublish      = "Publish"
	ActAge          = "Age"
	ActReadLive     = "ReadLive"
	ActPrunePayload = "PrunePayload"
	ActPtrRead      = "PtrRead"
	ActPtrList      = "PtrList"
	ActPtrDelete    = "PtrDelete"
	ActFinish       = "Finish"
	ActImportRead   = "ImportRead"
	ActImportFetch  = "ImportFetch"
)

func act(name string, actor int) check.Action { return check.Action{Name: name, Actor: actor} }

// target is the key exporter e uploads into: the bucket's live incarnation for the live
// exporter, the old one for the stale exporter.
func target(s State, e int) uint8 {
	if e == 0 {
		return s.Live
	}
	return 0
}

// freeSlot returns the first never-used slot of key k.
func freeSlot(s State, k uint8) (uint8, bool) {
	for j := range Slots {
		if s.Pay[k][j] == PNone {
			return uint8(j), true
		}
	}
	return 0, false
}

// uploads returns how many payloads exporter e has uploaded: the stale exporter's are the old
// key's beyond its initial one, the live exporter's the rest beyond the live key's initial one.
func uploads(s State, e int) uint8 {
	var n [Incs]uint8
	for i := range Incs {
		for j := range Slots {
			if s.Pay[i][j] != PNone {
				n[i]++
			}
		}
	}
	if e == 1 {
		return n[0] - 1
	}
	return n[1] - 1 + n[2]
}

// ageable reports whether payload (i, j) may age out: young, no importer holds a pointer read
// naming it, no exporter is about to publish it, and not uploaded during the current prune.
func ageable(s State, i, j int) bool {
	if s.Pay[i][j] != PYoung || s.Fresh[i][j] {
		return false
	}
	if s.ImpKey == uint8(i)+1 && s.ImpSlot == uint8(j)+1 {
		return false
	}
	for e := range 2 {
		if s.ExpKey[e] == uint8(i)+1 && s.ExpSlot[e] == uint8(j) {
			return false
		}
	}
	return true
}

// Next emits the enabled actions in order.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	if m.b.Third && s.Created[2] == 0 {
		t := s
		t.Created[2], t.Live = max(s.Created[0], s.Created[1])+1, 2
		emit(act(ActRecreate, 0), t)
		if !wentBack(s) {
			t.Created[2] = 1
			emit(act(ActRecreate, 1), t)
		}
	}
	for e := range 2 {
		if s.ExpKey[e] != 0 || uploads(s, e) >= m.b.MaxUploads {
			continue
		}
		k := target(s, e)
		if j, ok := freeSlot(s, k); ok {
			t := s
			t.Pay[k][j], t.Fresh[k][j] = PYoung, s.Pruning
			t.ExpKey[e], t.ExpSlot[e] = k+1, j
			emit(act(ActUpload, e), t)
		}
	}
	for e := range 2 {
		if s.ExpKey[e] != 0 {
			k := s.ExpKey[e] - 1
			t := s
			t.Ptr[k], t.Ver[k] = s.ExpSlot[e]+1, s.Ver[k]+1
			t.ExpKey[e], t.ExpSlot[e] = 0, 0
			emit(act(ActPublish, e), t)
		}
	}
	for i := range Incs {
		for j := range Slots {
			if ageable(s, i, j) {
				t := s
				t.Pay[i][j] = PAged
				emit(act(ActAge, i*Slots+j), t)
			}
		}
	}
	m.prune(s, emit)
	m.importer(s, emit)
}

// prune emits the pruner's actions.
func (m *Model) prune(s State, emit func(check.Action, State)) {
	if !s.Pruning && s.Prunes < m.b.MaxPrunes {
		t := s
		t.Pruning, t.Prunes, t.PLive = true, s.Prunes+1, s.Created[s.Live]
		if m.cfg.Mode == LiveFromFold {
			t.PLive = s.Created[0]
		}
		emit(act(ActReadLive, -1), t)
	}
	if !s.Pruning {
		return
	}
	for i := range Incs {
		for j := range Slots {
			if stored(s.Pay[i][j]) && m.k.Payload(protocol.RetiredPayload{
				Created: int64(s.Created[i]), Live: int64(s.PLive), AgedOut: s.Pay[i][j] == PAged,
			}) {
				t := s
				t.Pay[i][j], t.SeenPay = PGone, true
				emit(act(ActPrunePayload, i*Slots+j), t)
			}
		}
	}
	if s.PtrKey == 0 {
		for i := range Incs {
			// Spare the lock when not even an empty key of this incarnation would go.
			if s.Ptr[i] != 0 && m.k.Pointer(protocol.RetiredPointer{Created: int64(s.Created[i]), Live: int64(s.PLive)}) {
				t := s
				t.PtrKey, t.PtrVer = uint8(i)+1, s.Ver[i]
				emit(act(ActPtrRead, i), t)
			}
		}
		t := s
		t.Pruning, t.PLive, t.Fresh = false, 0, [Incs][Slots]bool{}
		emit(act(ActFinish, -1), t)
		return
	}
	k := s.PtrKey - 1
	if !s.PtrListed {
		t := s
		t.PtrListed = true
		for j := range Slots {
			t.PtrLeft = t.PtrLeft || stored(s.Pay[k][j])
		}
		emit(act(ActPtrList, int(k)), t)
		return
	}
	t := s
	t.PtrKey, t.PtrVer, t.PtrListed, t.PtrLeft = 0, 0, false, false
	if m.k.Pointer(protocol.RetiredPointer{Created: int64(s.Created[k]), Live: int64(s.PLive), PayloadsLeft: s.PtrLeft}) {
		switch {
		case s.Ptr[k] != 0 && (s.Ver[k] == s.PtrVer || m.cfg.Mode == NoCAS):
			t.Orphan = s.Orphan || stored(s.Pay[k][s.Ptr[k]-1])
			t.Ptr[k], t.Ver[k], t.SeenPtr = 0, s.Ver[k]+1, true
		case s.Ver[k] != s.PtrVer:
			t.SeenRefused = true
		}
	}
	emit(act(ActPtrDelete, int(k)), t)
}

// importer emits the importer's actions. A fetch finds the payload at the name the pointer
// gave (the key and slot); content addressing makes that name the payload's identity, so the
// model stores under it only the payload that name was uploaded as.
func (m *Model) importer(s State, emit func(check.Action, State)) {
	if s.ImpKey == 0 && s.Reads < m.b.MaxReads {
		for i := range Incs {
			if s.Created[i] == 0 {
				continue
			}
			t := s
			t.Reads++
			if s.Ptr[i] == 0 {
				t.Out = OutNoPointer
			} else {
				t.ImpKey, t.ImpSlot = uint8(i)+1, s.Ptr[i]
			}
			emit(act(ActImportRead, i), t)
		}
	}
	if s.ImpKey != 0 {
		t := s
		t.Out = OutMissing
		if stored(s.Pay[s.ImpKey-1][s.ImpSlot-1]) {
			t.Out = OutExact
		}
		t.ImpKey, t.ImpSlot = 0, 0
		emit(act(ActImportFetch, -1), t)
	}
}
