package foldwl

import (
	"context"
	"fmt"
	"math/rand/v2"

	"golang.org/x/time/rate"
)

// writerSalt separates the writer's draws from the KV workload's, which use the same seed.
const writerSalt = 0xf01d

// event is a lifecycle event, due once the writer has done At writes.
type event struct {
	At       int
	Consumer int    // index into the primary consumers; -1 for an import
	Hard     bool   // a hard restart (crash image)
	Key      string // the transport key to import from
}

func (e event) String() string {
	switch {
	case e.Consumer < 0:
		return fmt.Sprintf("write %d: import %s", e.At, e.Key)
	case e.Hard:
		return fmt.Sprintf("write %d: hard restart of consumer %d", e.At, e.Consumer)
	}
	return fmt.Sprintf("write %d: soft restart of consumer %d", e.At, e.Consumer)
}

// schedule draws the lifecycle events from the seed, in the writer's operations: first every
// kind of event once in a seeded order (each consumer soft, each that can crash hard, an
// import from each key), then random ones, so a short run still covers every kind.
type schedule struct {
	rng    *rand.Rand
	opts   Options
	crash  []bool // per primary consumer: can it take a hard restart
	first  []event
	at     int
	issued int
}

func newSchedule(seed uint64, opts Options, crash []bool) *schedule {
	s := &schedule{rng: rand.New(rand.NewPCG(seed, writerSalt)), opts: opts, crash: crash}
	for i, c := range crash {
		s.first = append(s.first, event{Consumer: i})
		if c {
			s.first = append(s.first, event{Consumer: i, Hard: true})
		}
	}
	if opts.Imports {
		s.first = append(s.first, event{Consumer: -1, Key: keyLog}, event{Consumer: -1, Key: keyPebble})
	}
	s.rng.Shuffle(len(s.first), func(i, j int) { s.first[i], s.first[j] = s.first[j], s.first[i] })
	return s
}

// next returns the next event, its At drawn after the previous one's.
func (s *schedule) next() event {
	s.at += s.opts.GapMin + s.rng.IntN(s.opts.GapMax-s.opts.GapMin+1)
	var e event
	switch {
	case s.issued < len(s.first):
		e = s.first[s.issued]
	case s.opts.Imports && s.rng.IntN(4) == 0:
		e = event{Consumer: -1, Key: []string{keyLog, keyPebble}[s.rng.IntN(2)]}
	default:
		i := s.rng.IntN(len(s.crash))
		e = event{Consumer: i, Hard: s.crash[i] && s.rng.IntN(2) == 0}
	}
	s.issued++
	e.At = s.at
	return e
}

// write performs one put or delete per ticket (at most WriteRate a second) on the writer's own
// connection, and hands out the lifecycle events and the operator's actions as the writes
// reach them. Each operation is drawn from the seed and its ticket; every value written is
// unique ("f<ticket>").
func (w *Folds) write(ctx context.Context, tickets <-chan int64, imports chan<- string, actions chan<- opEvent) error {
	nc, conn, err := w.clientConn("writer", 1)
	if err != nil {
		return err
	}
	defer nc.Close()
	b, err := openBucket(ctx, conn, w.opts.Bucket)
	if err != nil {
		return fmt.Errorf("fold workload: writer: open bucket: %w", err)
	}
	crash := make([]bool, len(w.primary))
	for i, c := range w.primary {
		crash[i] = c.be.canCrash()
	}
	sched := newSchedule(w.env.Seed, w.opts, crash)
	due := sched.next()
	ops := newOpSchedule(w.env.Seed, w.opts)
	var op opEvent
	if actions != nil {
		op = ops.next()
	}
	writes := 0
	lim := rate.NewLimiter(rate.Limit(w.opts.WriteRate), 1)
	for {
		if lim.Wait(ctx) != nil {
			return nil // the run was interrupted
		}
		n, ok := <-tickets
		if !ok {
			return nil
		}
		r := rand.New(rand.NewPCG(w.env.Seed^writerSalt, uint64(n)))
		key := keyName(r.IntN(w.opts.Keys))
		if r.IntN(4) == 0 {
			err = b.Delete(context.Background(), key)
		} else {
			_, err = b.Put(context.Background(), key, fmt.Appendf(nil, "f%d", n))
		}
		writes++
		w.count("writes", 1)
		if err != nil {
			w.count("write errors", 1)
		}
		for ; writes >= due.At; due = sched.next() {
			w.dispatch(due, imports)
		}
		for ; actions != nil && writes >= op.At; op = ops.next() {
			select {
			case actions <- op:
			default:
				w.count("events dropped", 1)
			}
		}
	}
}

// dispatch hands an event to its consumer or to the importer without blocking the writer; an
// event whose target is still busy with the previous one is dropped and counted.
func (w *Folds) dispatch(e event, imports chan<- string) {
	if e.Consumer < 0 {
		select {
		case imports <- e.Key:
		default:
			w.count("events dropped", 1)
		}
		return
	}
	select {
	case w.primary[e.Consumer].restart <- e.Hard:
	default:
		w.count("events dropped", 1)
	}
}
