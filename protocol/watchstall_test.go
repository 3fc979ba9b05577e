package protocol

import "testing"

// The truth table of WatchStall: each row is one probe after the streak given.
func TestWatchStall(t *testing.T) {
	open := func(since int64, received uint64) StallStreak {
		return StallStreak{open: true, since: since, received: received}
	}
	const window = 10
	cases := []struct {
		name        string
		streak      StallStreak
		behind      bool
		received    uint64
		now         int64
		wantStreak  StallStreak
		wantStalled bool
	}{
		{"quiet bucket, no streak", StallStreak{}, false, 7, 100, StallStreak{}, false},
		{"caught up again closes the streak", open(50, 7), false, 7, 100, StallStreak{}, false},
		{"first evidence opens a streak", StallStreak{}, true, 7, 100, open(100, 7), false},
		{"first evidence never stalls, however late", StallStreak{}, true, 0, 1 << 40, open(1<<40, 0), false},
		{"progress since the streak opened restarts it", open(50, 7), true, 8, 100, open(100, 8), false},
		{"a restarted count also counts as progress", open(50, 7), true, 0, 100, open(100, 0), false},
		{"no progress, within the window", open(95, 7), true, 7, 100, open(95, 7), false},
		{"no progress, one tick short of the window", open(91, 7), true, 7, 100, open(91, 7), false},
		{"no progress, exactly the window", open(90, 7), true, 7, 100, open(90, 7), true},
		{"no progress, beyond the window", open(10, 7), true, 7, 100, open(10, 7), true},
		{"no progress, clock behind the streak", open(200, 7), true, 7, 100, open(200, 7), false},
		{"no progress, same instant", open(100, 7), true, 7, 100, open(100, 7), false},
	}
	for _, c := range cases {
		got, stalled := WatchStall(c.streak, c.behind, c.received, c.now, window)
		if got != c.wantStreak || stalled != c.wantStalled {
			t.Errorf("%s: WatchStall(%+v, behind=%v, received=%d, now=%d) = %+v, %v; want %+v, %v",
				c.name, c.streak, c.behind, c.received, c.now, got, stalled, c.wantStreak, c.wantStalled)
		}
	}
}

// A watch that stays behind with nothing received is declared stalled by the first probe at
// least the window after the streak opened, whatever the probe period, and never before; any
// receipt or any probe that finds it caught up postpones that by a full window.
func TestWatchStallNeedsAFullWindowWithoutProgress(t *testing.T) {
	const window = 10
	for period := int64(1); period <= 25; period++ {
		var s StallStreak
		opened := int64(-1)
		for now := int64(0); now <= 100; now += period {
			var stalled bool
			s, stalled = WatchStall(s, true, 3, now, window)
			if opened < 0 {
				opened = now
			}
			if want := now-opened >= window; stalled != want {
				t.Fatalf("period %d, probe at %d (streak opened at %d): stalled = %v, want %v", period, now, opened, stalled, want)
			}
			if stalled {
				break
			}
		}
	}
	// Progress at every probe: never stalled, however long it stays behind.
	var s StallStreak
	for now := int64(0); now <= 1000; now += 7 {
		var stalled bool
		if s, stalled = WatchStall(s, true, uint64(now), now, window); stalled {
			t.Fatalf("a watch receiving at every probe was declared stalled at %d", now)
		}
	}
}
