package foldwl

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// Operator actions on the folds' bucket (never the KV workload's): history removed under the
// folds' feet, with no marker a watch could deliver.
const (
	// OpRawDelete deletes a key's latest message from the stream (JetStream message delete):
	// the key's current record vanishes and its earlier revision, if any, is what remains.
	OpRawDelete = "raw-delete"
	// OpSubjectPurge purges a key's whole history (stream purge filtered on its subject, up
	// to its latest message), leaving no marker.
	OpSubjectPurge = "subject-purge"
	// OpMarkerPurge removes the delete markers: every key whose latest record is a marker has
	// its whole history purged (what the KV "purge deletes" operation does to old markers).
	OpMarkerPurge = "marker-purge"
)

// OperatorActions are every operator action, in the order the first schedule issues them
// before the seeded shuffle.
var OperatorActions = []string{OpRawDelete, OpSubjectPurge, OpMarkerPurge}

// RepairedActions are the operator actions the folds' reconciliation repairs
// (CHAOS_OPERATOR=purges): a raw delete too, rolled back to the key's earlier record.
var RepairedActions = []string{OpRawDelete, OpSubjectPurge, OpMarkerPurge}

// operatorSalt separates the operator's draws from the writer's and the KV workload's.
const operatorSalt = 0x0be7

// Removal is one record an operator action tried to remove from the bucket's stream, with the
// time (on the run's history clock) the action began. A removal whose record is still in the
// stream read back after the run did not take effect (a failed request) and is ignored.
type Removal struct {
	Record
	Action string `json:"action"`
	At     int64  `json:"at_ns"`
}

// opEvent is an operator action due once the writer has done At writes.
type opEvent struct {
	At     int
	Action string
	Key    string
}

// opSchedule draws the operator's actions from the seed, in the writer's operations: every
// enabled action once in a seeded order, then random ones, each on a random key.
type opSchedule struct {
	rng     *rand.Rand
	opts    Options
	first   []string
	at      int
	issued  int
	enabled []string
}

func newOpSchedule(seed uint64, opts Options) *opSchedule {
	s := &opSchedule{rng: rand.New(rand.NewPCG(seed, operatorSalt)), opts: opts,
		first: slices.Clone(opts.Operator), enabled: opts.Operator}
	s.rng.Shuffle(len(s.first), func(i, j int) { s.first[i], s.first[j] = s.first[j], s.first[i] })
	return s
}

// next returns the next action, its At drawn after the previous one's.
func (s *opSchedule) next() opEvent {
	s.at += s.opts.OpGapMin + s.rng.IntN(s.opts.OpGapMax-s.opts.OpGapMin+1)
	e := opEvent{At: s.at, Key: keyName(s.rng.IntN(s.opts.Keys))}
	if s.issued < len(s.first) {
		e.Action = s.first[s.issued]
	} else {
		e.Action = s.enabled[s.rng.IntN(len(s.enabled))]
	}
	s.issued++
	return e
}

// operate performs the operator's actions as the writer hands them out, on the control
// connection (no proxy: the operator is not the client under test), until actions closes.
func (w *Folds) operate(ctx context.Context, actions <-chan opEvent) {
	st, err := bucketStream(ctx, w.ctl, w.opts.Bucket)
	if err != nil {
		w.noteErr("operator", err)
		for range actions {
			w.count("operator errors", 1)
		}
		return
	}
	for e := range actions {
		removed, err := w.act(ctx, st, e)
		w.mu.Lock()
		w.removals = append(w.removals, removed...)
		w.mu.Unlock()
		keys := map[string]int{}
		for _, r := range removed {
			keys[r.Key]++
		}
		var per []string
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			per = append(per, fmt.Sprintf("%s: %d", k, keys[k]))
		}
		target := e.Key
		if e.Action == OpMarkerPurge {
			target = "every key ending in a marker"
		}
		line := fmt.Sprintf("fold write %d: operator %s %s: %d records removed (%s)", e.At, e.Action, target,
			len(removed), strings.Join(per, ", "))
		if e.Action == OpRawDelete && len(removed) == 1 {
			line += fmt.Sprintf(", revision %d", removed[0].Seq)
		}
		if err != nil {
			w.count("operator errors", 1)
			w.noteErr("operator "+e.Action, err)
			line += fmt.Sprintf(" (error: %v)", err)
		}
		w.note(line)
		w.count("operator "+e.Action+"s", 1)
	}
}

// act performs one action and returns the records it tried to remove (also when it failed:
// the request may have taken effect all the same; the read-back decides).
func (w *Folds) act(ctx context.Context, st jetstream.Stream, e opEvent) ([]Removal, error) {
	ctx, cancel := context.WithTimeout(ctx, controlTimeout) // a stalled stream must not hold the run
	defer cancel()
	at := w.env.Recorder.Now()
	subject := keySubject(w.opts.Bucket, e.Key)
	switch e.Action {
	case OpRawDelete:
		last, err := st.GetLastMsgForSubject(ctx, subject)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil, nil // the key has no record left
		}
		if err != nil {
			return nil, fmt.Errorf("find the latest record of %s: %w", e.Key, err)
		}
		rm := []Removal{{Record: rawRecord(last, e.Key), Action: e.Action, At: at}}
		return rm, st.DeleteMsg(ctx, last.Sequence)
	case OpSubjectPurge:
		return w.purgeSubject(ctx, st, e.Key, e.Action, at, false)
	case OpMarkerPurge:
		var all []Removal
		for i := range w.opts.Keys {
			rm, err := w.purgeSubject(ctx, st, keyName(i), e.Action, at, true)
			all = append(all, rm...)
			if err != nil {
				return all, err
			}
		}
		return all, nil
	}
	return nil, fmt.Errorf("unknown operator action %q", e.Action)
}

// purgeSubject purges key's history up to its latest record (only if that is a marker, with
// onlyMarked), after reading back the records it removes. The purge is bounded by the latest
// record's sequence, so a write landing meanwhile survives it.
func (w *Folds) purgeSubject(ctx context.Context, st jetstream.Stream, key, action string, at int64, onlyMarked bool) ([]Removal, error) {
	subject := keySubject(w.opts.Bucket, key)
	last, err := st.GetLastMsgForSubject(ctx, subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil // the key has no record left
	}
	if err != nil {
		return nil, fmt.Errorf("find the latest record of %s: %w", key, err)
	}
	if onlyMarked && !rawRecord(last, key).Delete {
		return nil, nil
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return nil, fmt.Errorf("count the records of %s: %w", key, err)
	}
	recs, err := readRecords(ctx, st, w.opts.Bucket, key, last.Sequence, info.State.Subjects[subject])
	if err != nil {
		return nil, fmt.Errorf("read the records of %s: %w", key, err)
	}
	rm := make([]Removal, len(recs))
	for i, r := range recs {
		rm[i] = Removal{Record: r, Action: action, At: at}
	}
	return rm, st.Purge(ctx, jetstream.WithPurgeSubject(subject), jetstream.WithPurgeSequence(last.Sequence+1))
}

// rawRecord is a message fetched from the stream as a Record.
func rawRecord(m *jetstream.RawStreamMsg, key string) Record {
	return kvRecord(m.Sequence, key, m.Header, m.Data)
}
