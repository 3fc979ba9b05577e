package applied

import (
	"context"
	"time"
)

// DefaultOverrunBackoff is the default Config.OverrunBackoff: the wait before the second of two
// overrun resyncs in a row.
const DefaultOverrunBackoff = time.Second

// streakBackoffDoublings bounds the backoff: each further event in a row doubles the wait, up
// to 64 times the base (about a minute for the default Config.OverrunBackoff).
const streakBackoffDoublings = 6

// streakBackoff spaces events in a row that each start the watch again: overrun resyncs, and
// in-place restarts after a transient watch error (Config.WatchRetry); a loop keeps one of
// each. A consumer that can never keep up with retention is overrun again by the state-sync
// watch every resync starts, and a server that stays away fails every restart at once; either
// would otherwise loop at full speed, loading the server (or the log) for nothing. The first
// event starts again at once, as a single one should; each one after it waits base, then twice
// that, up to 64 times base. A watch that ran at least that longest wait before it ended ends
// the run: an overrun or a dropped connection after an hour of keeping up is news, not a loop.
// It is used only by the watch goroutine.
type streakBackoff struct {
	base   time.Duration // the first wait; <= 0: never wait
	streak int           // events in a row so far
}

// newOverrunBackoff returns the backoff of Config.OverrunBackoff d (0: the default; negative:
// off).
func newOverrunBackoff(d time.Duration) streakBackoff {
	if d == 0 {
		d = DefaultOverrunBackoff
	}
	return streakBackoff{base: d}
}

// newRestartBackoff returns the backoff of Config.WatchRetry d (<= 0: in-place restarts off,
// and the backoff is never asked).
func newRestartBackoff(d time.Duration) streakBackoff { return streakBackoff{base: d} }

// longest is the bound on one wait.
func (b *streakBackoff) longest() time.Duration { return b.base << streakBackoffDoublings }

// next counts an event (an overrun, a failed watch) ending a watch that ran for ran and returns
// how long to wait before starting again (0: at once), and how many events the run holds, this
// one included.
func (b *streakBackoff) next(ran time.Duration) (time.Duration, int) {
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
	return b.base << min(b.streak-2, streakBackoffDoublings), b.streak
}

// waitOverrun waits d before an overrun resync, logging why; false means ctx ended first.
func (l *loop[U]) waitOverrun(ctx context.Context, d time.Duration, streak int) bool {
	if d <= 0 {
		return true
	}
	l.log.Warn("applied: retention overran the watch again right after a resync; waiting before the next resync "+
		"(the fold cannot keep up with what the bucket retains: speed up Apply or the store, or retain more)",
		"wait", d, "overruns_in_a_row", streak)
	return l.sleep(ctx, d)
}

// sleep waits d (the test hook Config.wait, if set); false means ctx ended first.
func (l *loop[U]) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
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
