package floorguard

import "github.com/slipstream-go/slipstream/model/check"

// The Resume extension: the fold's watch stops once (StopWatch: its cursor is the frontier, the
// last revision delivered) and a new watch resumes from that cursor (ResumeWatch) through the
// production resume check, Kernels.Resume (protocol.ResumeAllowed), evaluated on the cursor, the
// stream's first sequence (Floor+1) and the configured retention:
//
//   - accepted: the watch goes on from the cursor; next() skips what was evicted, as JetStream
//     clamps a start below the first sequence without an error. Behind latches when the first
//     sequence was past the cursor's next revision.
//   - refused (kv.ErrCursorExpired in production): the fold resyncs, as GuardRepair does (it
//     ends equal to the bucket, and the watch restarts at the floor). Expired latches.
//
// Retention evicts only while the watch is stopped (Compact), and the configurations run with
// Mode Unguarded: the resume check is the only defence between an eviction and the fold, so a
// wrong verdict shows as a run ending with the fold unequal to the bucket. With the live guard
// on, a resume wrongly accepted on a stream with a limit would trip at its first gap and hide
// the broken check. One stop per run keeps every maximal run finite, so the terminal property
// judges every run after its resume.

// resumeNext emits StopWatch (a running watch that has not been stopped yet) and ResumeWatch (a
// stopped one).
func (m *Model) resumeNext(s State, emit func(check.Action, State)) {
	if !m.cfg.Resume {
		return
	}
	if !s.Stopped {
		if !s.Resumed {
			t := s
			t.Stopped = true
			emit(act(ActStopWatch), t)
		}
		return
	}
	t := s
	t.Stopped, t.Resumed = false, true
	if m.k.Resume(uint64(s.Frontier), uint64(s.Floor)+1, m.cfg.Retention.streamRetention()) {
		t.Behind = s.Behind || s.Floor > s.Frontier
	} else {
		t.Expired = true
		t.FoldHasKey = s.BucketHasKey()
		t.Frontier = s.Floor
	}
	emit(act(ActResumeWatch), t)
}

// resumeWitness is the Resume extension's sometimes property: on a stream without limits, a
// resume behind the first sequence goes on with no resync; on a stream with a limit, the check
// refuses such a cursor and the resync leaves the fold equal to the bucket.
func (m *Model) resumeWitness() check.Property[State] {
	if !m.required {
		return check.Property[State]{Name: PropResumedBehind, Kind: check.Sometimes,
			Holds: func(s State) bool { return s.Behind && !s.Expired }}
	}
	return check.Property[State]{Name: PropResumeRefused, Kind: check.Sometimes,
		Holds: func(s State) bool { return s.Expired && s.FoldHasKey == s.BucketHasKey() }}
}
