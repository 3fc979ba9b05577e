package linearizability

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// StaleRead is one direct get that returned an older state of its key than an acknowledged
// write that had completed before the get was called.
type StaleRead struct {
	Client  int
	Key     string
	Call    int64  // the get's call time
	Found   bool   // the get found a value (false: it found nothing while a value was current)
	Read    string // the value it found
	ReadRev uint64 // that value's revision
	// NewerRev is the revision of the newest acknowledged write that completed before the call
	// (for a guarded delete, a lower bound: its expected revision + 1). An unconditional delete
	// returns no revision, so it never counts as newer than a value a get found.
	NewerRev uint64
	// Revisions is NewerRev − ReadRev: how many stream sequences behind the answer was (0 when
	// the get found nothing, where it cannot be measured).
	Revisions uint64
	// Staleness is how long before the call the state the get returned had already been
	// replaced by an acknowledged write.
	Staleness time.Duration
}

// DirectReport is the result of CheckDirect. Stale direct gets are expected NATS behaviour (any
// replica answers a direct get, including one that lags or sits in a minority partition), so
// they are measured, not failed. Verdict fails only on a phantom read: a direct get that found
// a value no write produced, or at a revision its write did not get.
type DirectReport struct {
	Verdict Verdict // Violates if any phantom read; otherwise Holds
	// Linearizable checks the history with the direct gets judged like leader reads. A
	// violation there is a finding about NATS (stale direct gets), not a failure of ours.
	Linearizable      Report
	DirectGets        int           // successful direct gets examined
	Stale             int           // of which stale
	StaleAbsent       int           // of the stale ones, those that found nothing while a value was current
	MaxStaleRevisions uint64        // the largest Revisions of any stale get
	MaxStaleness      time.Duration // the largest Staleness of any stale get
	Worst             []StaleRead   // the stalest gets (by Staleness), at most maxWorst
	Phantoms          []Operation   // direct gets whose value no write produced
}

const maxWorst = 10

// String summarises the report in one line: the verdict on phantom reads, then the staleness
// measured (a finding about NATS, not a failure).
func (r DirectReport) String() string {
	return fmt.Sprintf("direct gets %s: %d phantom reads; %d of %d direct gets stale (%d found nothing), at most %d revisions and %v behind; judged as leader reads they %s",
		r.Verdict, len(r.Phantoms), r.Stale, r.DirectGets, r.StaleAbsent, r.MaxStaleRevisions, r.MaxStaleness, r.Linearizable.Verdict)
}

// CheckDirect checks a history that contains direct gets: it runs Check with the direct gets
// included (opt.IncludeDirectGets is forced on; give it its own HTMLPath), measures how stale
// the direct gets were, and looks for phantom reads.
func CheckDirect(ops []Operation, opt Options) (DirectReport, error) {
	opt.IncludeDirectGets = true
	lin, err := Check(ops, opt)
	if err != nil {
		return DirectReport{}, err
	}
	rep := DirectReport{Verdict: Holds, Linearizable: lin}
	byKey := make(map[string][]*Operation)
	for i := range ops {
		byKey[ops[i].Key] = append(byKey[ops[i].Key], &ops[i])
	}
	for _, kops := range byKey {
		directKey(kops, &rep)
	}
	if len(rep.Phantoms) > 0 {
		rep.Verdict = Violates
	}
	slices.SortFunc(rep.Worst, func(a, b StaleRead) int { return cmp.Compare(b.Staleness, a.Staleness) })
	if len(rep.Worst) > maxWorst {
		rep.Worst = rep.Worst[:maxWorst]
	}
	return rep, nil
}

// ackedRev is an acknowledged write of one key with its (lower-bound) revision.
type ackedRev struct {
	ret, call int64
	rev       uint64
	live      bool // the write left a value (not a delete marker)
}

// directKey measures the direct gets of one key.
func directKey(ops []*Operation, rep *DirectReport) {
	var acked []ackedRev
	var deletes []*Operation // deletes that took or may have taken effect
	writers := make(map[string]*Operation)
	for _, op := range ops {
		switch {
		case op.Kind.HasValue() && op.Outcome.Class() != ClassDecidedFailure && op.Outcome.Class() != ClassNothingDecided:
			writers[op.Value] = op
		case (op.Kind == KindDelete || op.Kind == KindDeleteWithVersion) &&
			(op.Outcome == OutcomeOK || op.Outcome.Class() == ClassUnknown):
			deletes = append(deletes, op)
		}
		if op.Outcome != OutcomeOK || !op.Kind.IsWrite() {
			continue
		}
		switch {
		case op.Kind.HasValue():
			acked = append(acked, ackedRev{ret: op.Return, call: op.Call, rev: op.Revision, live: true})
		case op.Kind == KindDeleteWithVersion:
			acked = append(acked, ackedRev{ret: op.Return, call: op.Call, rev: op.Expected + 1})
		}
	}
	slices.SortFunc(acked, func(a, b ackedRev) int { return cmp.Compare(a.ret, b.ret) })
	for _, g := range ops {
		if g.Kind != KindDirectGet || g.Outcome != OutcomeOK {
			continue
		}
		rep.DirectGets++
		if g.Found {
			w := writers[g.Read]
			if w == nil || w.Call > g.Return || (w.Outcome == OutcomeOK && w.Revision != g.Revision) {
				rep.Phantoms = append(rep.Phantoms, *g)
				continue
			}
		}
		if s, ok := staleness(g, acked, deletes); ok {
			rep.Stale++
			if !s.Found {
				rep.StaleAbsent++
			}
			rep.MaxStaleRevisions = max(rep.MaxStaleRevisions, s.Revisions)
			rep.MaxStaleness = max(rep.MaxStaleness, s.Staleness)
			rep.Worst = append(rep.Worst, s)
		}
	}
}

// staleness decides whether direct get g was stale given the key's acknowledged writes (sorted
// by return time) and the deletes that took or may have taken effect.
func staleness(g *Operation, acked []ackedRev, deletes []*Operation) (StaleRead, bool) {
	before := acked[:countBefore(acked, g.Call)] // completed before g was called
	s := StaleRead{Client: g.Client, Key: g.Key, Call: g.Call, Found: g.Found, Read: g.Read, ReadRev: g.Revision}
	if g.Found {
		for _, w := range before {
			s.NewerRev = max(s.NewerRev, w.rev)
		}
		if s.NewerRev <= g.Revision {
			return s, false
		}
		s.Revisions = s.NewerRev - g.Revision
		for _, w := range before { // the first acknowledged write that replaced what g read
			if w.rev > g.Revision {
				s.Staleness = time.Duration(g.Call - w.ret)
				break
			}
		}
		return s, true
	}
	// g found nothing: stale if the latest-called acknowledged value write that completed
	// before g cannot have been followed by a delete that g could have seen.
	var latest *ackedRev
	for i := range before {
		if before[i].live && (latest == nil || before[i].call > latest.call) {
			latest = &before[i]
		}
	}
	if latest == nil {
		return s, false
	}
	for _, d := range deletes {
		ret := d.Return
		if d.Outcome.Class() == ClassUnknown {
			ret = math.MaxInt64
		}
		if ret >= latest.call && d.Call <= g.Return {
			return s, false
		}
	}
	s.NewerRev = latest.rev
	s.Staleness = time.Duration(g.Call - latest.ret)
	return s, true
}

// countBefore returns how many of acked (sorted by return) returned strictly before t.
func countBefore(acked []ackedRev, t int64) int {
	n, _ := slices.BinarySearchFunc(acked, t, func(a ackedRev, t int64) int {
		if a.ret < t {
			return -1
		}
		return 1
	})
	return n
}
