package applied

import (
	"encoding/binary"
	"fmt"

	"github.com/slipstream-go/slipstream/model/check"
)

// Action names.
const (
	ActChurn          = "Churn"
	ActDeliver        = "Deliver"
	ActReceiveUnknown = "ReceiveUnknown"
	ActFlushOk        = "FlushOk"
	ActFlushFail      = "FlushFail"
	ActWatchRestart   = "WatchRestart"
	ActCrashRestart   = "CrashRestart"
)

func act(name string) check.Action { return check.Action{Name: name, Actor: -1} }

func token(rev uint8) []byte { return binary.BigEndian.AppendUint64(nil, uint64(rev)) }

// batch returns the version tokens of the pending raw batch, oldest first.
func (s State) batch() [][]byte {
	var b [][]byte
	for r := s.QFrom + 1; r <= s.Delivered && r > s.QFrom; r++ {
		b = append(b, token(r))
	}
	if s.Unknown {
		b = append(b, nil)
	}
	return b
}

// claimed folds BatchHigh over the pending batch: the position the flush claims, and whether
// there is one.
func (m *Model) claimed(s State) (uint8, bool) {
	var high []byte
	for _, v := range s.batch() {
		high = m.k.BatchHigh(high, v)
	}
	if len(high) == 0 {
		return 0, false
	}
	if len(high) != 8 {
		panic(fmt.Sprintf("applied model: BatchHigh returned a %d-byte position %x; positions are 8-byte revisions", len(high), high))
	}
	return uint8(binary.BigEndian.Uint64(high)), true
}

// requeued applies the re-queue kernel to the failed batch and maps the result back onto the
// model's variables: the positioned updates must be a contiguous run ending at Delivered.
func (m *Model) requeued(s State) (qFrom uint8, unknown bool) {
	out := m.k.Requeue(s.batch(), nil)
	qFrom = s.Delivered
	var revs []uint8
	for _, v := range out {
		if len(v) == 0 {
			unknown = true
			continue
		}
		revs = append(revs, uint8(binary.BigEndian.Uint64(v)))
	}
	if len(revs) > 0 {
		qFrom = revs[0] - 1
		for i, r := range revs {
			if r != qFrom+1+uint8(i) || revs[len(revs)-1] != s.Delivered {
				panic(fmt.Sprintf("applied model: Requeue returned revisions %v, which the model cannot represent as a range ending at %d", revs, s.Delivered))
			}
		}
	}
	return qFrom, unknown
}

// Next emits the enabled actions in the base model's order, with ReceiveUnknown (extension)
// after Deliver.
func (m *Model) Next(s State, emit func(check.Action, State)) {
	running := !s.Stopped
	if s.Head < m.cfg.MaxRev {
		t := s
		t.Head++
		emit(act(ActChurn), t)
	}
	if running && s.Delivered < s.Head {
		t := s
		t.Delivered++
		emit(act(ActDeliver), t)
	}
	if m.cfg.UnknownVersions && running && !s.Unknown {
		t := s
		t.Unknown = true
		emit(act(ActReceiveUnknown), t)
	}
	if running && (s.Delivered > s.QFrom || s.Unknown) {
		pos, advanced := m.claimed(s)

		t := s
		if s.QFrom > s.StoreCursor {
			t.Holes = true
		}
		if advanced {
			t.AppliedMem = pos
		}
		t.StoreCursor = t.AppliedMem
		if s.Skipped > 0 && s.Skipped <= t.StoreCursor {
			t.Holes = true // the stored cursor claims a revision the loop never received
		}
		t.QFrom = s.Delivered
		t.Unknown = false
		if m.cfg.FailStop {
			streak, _ := m.k.StoreFailure(uint(s.Streak), false)
			t.Streak = uint8(streak)
		}
		emit(act(ActFlushOk), t)

		t = s
		if advanced {
			t.AppliedMem = pos
		}
		t.QFrom, t.Unknown = m.requeued(s)
		if m.cfg.FailStop {
			streak, fatal := m.k.StoreFailure(uint(s.Streak), true)
			t.Streak, t.Stopped = uint8(streak), fatal
		}
		emit(act(ActFlushFail), t)
	}
	if m.cfg.WatchRestart && running && s.Skipped == 0 && s.Delivered < s.Head {
		emit(act(ActWatchRestart), m.watchRestart(s))
	}
	{
		resume := s.StoreCursor
		if m.cfg.Mutation == ResumeFromMemApplied {
			resume = s.AppliedMem
		}
		t := s
		if resume > s.StoreCursor {
			t.Holes = true
		}
		t.Delivered = resume
		t.QFrom = max(resume, s.StoreCursor)
		t.AppliedMem = resume
		t.Unknown = false
		t.Streak, t.Stopped = 0, false
		if m.cfg.WatchRestart {
			t.From, t.Restarted = resume, false
			if s.Skipped > resume {
				t.Skipped = 0 // the new loop's watch delivers it again
			}
		}
		emit(act(ActCrashRestart), t)
	}
}

// watchRestart is the in-place restart of a failed watch (extension WatchRestart): the loop keeps
// its batch and cursors, and the new watch resumes after the position the restart kernel picks
// from the chain's start and the last revision handed to the loop.
func (m *Model) watchRestart(s State) State {
	var start, forwarded []byte
	if s.From > 0 {
		start = token(s.From)
	}
	if s.Delivered > s.From {
		forwarded = token(s.Delivered)
	}
	t := s
	t.Restarted = true
	at := m.k.RestartAfter(start, forwarded)
	if len(at) == 0 {
		t.Delivered = 0
		return t
	}
	if len(at) != 8 {
		panic(fmt.Sprintf("applied model: RestartAfter returned a %d-byte position %x; positions are 8-byte revisions", len(at), at))
	}
	resume := binary.BigEndian.Uint64(at)
	if resume < uint64(s.Delivered) {
		panic(fmt.Sprintf("applied model: RestartAfter resumed after %d, behind the %d revisions the loop holds; the model cannot represent a re-delivery", resume, s.Delivered))
	}
	if resume > uint64(s.Delivered) {
		t.Skipped = s.Delivered + 1
		t.Delivered = uint8(min(resume, uint64(m.cfg.MaxRev)))
	}
	return t
}
