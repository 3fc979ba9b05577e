package applied

import (
	"context"
	"time"
)

// DefaultOverrunBackoff is the default Config.OverrunBackoff: the wait before the second of two
// overrun resyncs in a row.
const DefaultOverrunBackoff = time.Second

// overrunBackoffDoublings bounds the backoff: each further overrun in a row doubles the wait,
// up to 64 times Config.OverrunBackoff (about a minute by default).
const overrunBackoffDoublings = 6

// overrunBackoff spaces overrun resyncs in a row. A consumer that can never keep up with
// retention is overrun again by the state-sync watch every resync starts, and would otherwise
// list the bucket and re-read it at full speed, loading the server for nothing. The first
// overrun resyncs at once, as a single one should; each one after it waits base, then twice
// that, up to 64 times base. A watch that ran at least that longest wait before it was overrun
// ends the run: an overrun after an hour of keeping up is news, not a loop. It is used only by
// the watch goroutine.
type overrunBackoff struct {
	base   time.Duration // the first wait; <= 0: never wait
	streak int           // overruns in a row so far
}

// newOverrunBackoff returns the backoff of Config.OverrunBackoff d (0: the default; negative:
// off).
func newOverrunBackoff(d time.Duration) overrunBackoff {
	if d == 0 {
		d = DefaultOverrunBackoff
	}
	return overrunBackoff{base: d}
}

// longest is the bound on one wait.
func (b *overrunBackoff) longest() time.Duration { return b.base << overrunBackoffDoublings }

// next counts an overrun of a watch that ran for ran and returns how long to wait before its
// resync (0: at once), and how many overruns the run holds, this one included.
func (b *overrunBackoff) next(ran time.Duration) (time.Duration, int) {
	if b.base <= 0 {
		return 0, 0
	}
	if ran >= b.longest() {
		b.streak = 0
	}
	b.streak++
	if b.streak == 1 {
		return 0, 1
	}
	return b.base << min(b.streak-2, overrunBackoffDoublings), b.streak
}

// waitOverrun waits d before an overrun resync, logging why; false means ctx ended first.
func (l *loop[U]) waitOverrun(ctx context.Context, d time.Duration, streak int) bool {
	if d <= 0 {
		return true
	}
	l.log.Warn("applied: retention overran the watch again right after a resync; waiting before the next resync "+
		"(the fold cannot keep up with what the bucket retains: speed up Apply or the store, or retain more)",
		"wait", d, "overruns_in_a_row", streak)
	if l.cfg.wait != nil {
		return l.cfg.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
