package applied

import (
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// receive takes one update off the watch: it moves the batch high-water mark (an unknown
// version leaves it alone), queues the raw update for the store, parses it, arms the window,
// and flushes when either batch is full.
func (l *loop[U]) receive(u kv.Update) error {
	l.prog.received.Add(1)
	l.pending++
	l.touchContact(u)
	l.noteForwarded(u)
	l.note(u)
	if l.crash(pointReceived) {
		return l.fatal(errCrashed)
	}
	if !l.armed {
		l.timer.Reset(l.batch.Window)
		l.armed = true
	}
	if len(l.parsed) >= l.batch.Max || len(l.raw) >= l.batch.Max {
		return l.flush()
	}
	return nil
}

// note adds u to the pending batch: the high-water mark (protocol.BatchHigh on the version
// bytes), the raw batch (with a store), and the parsed batch (if Parse accepts it).
func (l *loop[U]) note(u kv.Update) {
	high := l.k.batchHigh(l.high, u.Version.AppendBytes(l.verBuf[:0]))
	l.high = append(l.highBuf[:0], high...)
	if l.cfg.Store != nil {
		l.raw = append(l.raw, u)
	}
	if l.cfg.Parse != nil {
		if v, ok := l.cfg.Parse(u); ok {
			l.parsed = append(l.parsed, v)
		}
	}
}

// flush applies the pending batch in the order that keeps the cursor behind the data: the
// caller's Apply, then the in-memory cursor, then the store (raw updates and cursor as one
// unit), then OnApplied. It does nothing when nothing is pending, and always leaves the window
// idle.
func (l *loop[U]) flush() error {
	if l.armed {
		l.timer.Stop()
		l.armed = false
	}
	if len(l.parsed) == 0 && len(l.raw) == 0 && len(l.high) == 0 {
		return nil
	}
	if len(l.parsed) > 0 {
		batch := l.parsed
		l.parsed = make([]U, 0, min(len(batch), l.batch.Max))
		if l.cfg.Apply != nil {
			if err := l.cfg.Apply(batch); err != nil {
				return l.fatal(fmt.Errorf("%w (the cursor stays at %v; a restart applies the batch again): %w",
					ErrApplyFailed, l.applied, err))
			}
		}
	}
	if l.crash(pointApplied) {
		return l.fatal(errCrashed)
	}
	advanced := len(l.high) > 0
	if advanced {
		v, err := kv.VersionFromBytes(l.high)
		if err != nil { // BatchHigh returns one of the versions it was given: at most 10 bytes
			return l.fatal(fmt.Errorf("applied: batch high-water mark: %w", err))
		}
		l.applied = kv.CursorFromVersion(v)
		l.prog.setApplied(l.applied)
	}
	l.prog.folded.Add(l.pending)
	l.prog.expiries.Add(l.pendingExpiries)
	l.prog.batches.Add(1)
	l.pending, l.pendingExpiries = 0, 0
	if l.crash(pointCursor) {
		return l.fatal(errCrashed)
	}
	if err := l.store(); err != nil {
		return l.fatal(err)
	}
	if l.crash(pointStored) {
		return l.fatal(errCrashed)
	}
	if advanced {
		if l.cfg.OnApplied != nil {
			l.cfg.OnApplied(l.applied)
		}
		l.high = l.high[:0]
		if l.crash(pointOnApplied) {
			return l.fatal(errCrashed)
		}
	}
	return nil
}

// store applies the raw batch with the applied cursor. A failure is counted
// (protocol.StoreFailure) and the failed batch re-queued in front of anything newer
// (protocol.Requeue); the streak's 16th failure is fatal.
func (l *loop[U]) store() error {
	if l.cfg.Store == nil || len(l.raw) == 0 {
		return nil
	}
	failed := l.raw
	l.raw = make([]kv.Update, 0, min(len(failed), l.batch.Max))
	panicked, err := l.storeApply(failed)
	if panicked {
		return err
	}
	streak, fatal := l.k.storeFailure(l.streak, err != nil)
	l.streak = streak
	if err == nil {
		l.prog.setStored(l.applied)
		return nil
	}
	l.prog.storeFailures.Add(1)
	if fatal {
		return fmt.Errorf("%w %d consecutive times (the store keeps its cursor %v; restart to refold from it): %w",
			ErrStoreFailed, streak, l.cfg.Store.Cursor(), err)
	}
	l.log.Warn("applied: snapshot store apply failed; batch re-queued", "streak", streak,
		"updates", len(failed), "cursor", l.applied.String(), "err", err)
	l.raw = l.k.requeue(failed, l.raw)
	return nil
}

// storeApply calls the store; a panic becomes a fatal ErrStoreFailed (the store's state is
// unknown, so it is not retried).
func (l *loop[U]) storeApply(batch []kv.Update) (panicked bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			panicked, err = true, fmt.Errorf("%w: the store panicked: %v", ErrStoreFailed, r)
		}
	}()
	if s, ok := l.stampToStore(); ok {
		if err := l.cfg.Store.ApplyStamped(batch, l.applied, s); err != nil {
			return false, err
		}
		l.storedContact = l.contactToStore()
		return false, nil
	}
	return false, l.cfg.Store.Apply(batch, l.applied)
}
