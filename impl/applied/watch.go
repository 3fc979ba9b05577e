package applied

import (
	"context"
	"errors"
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// watch is the watch goroutine: the only sender on rx. It resumes after the resume cursor (or
// watches from scratch without one); when the resume has expired it resyncs and then starts a
// state-sync watch. Its result is read by the loop once rx is closed.
func (l *loop[U]) watch(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			l.watchErr = fmt.Errorf("%w: the watch panicked: %v", kv.ErrWatch, r)
		}
		close(l.done)
		close(l.rx)
	}()
	l.watchErr = l.runWatch(ctx)
}

func (l *loop[U]) runWatch(ctx context.Context) error {
	scope := l.cfg.Scope
	err := l.cfg.Watcher.Watch(ctx, scope, l.resume, l.rx)
	if l.resume.IsZero() || !errors.Is(err, kv.ErrCursorExpired) || ctx.Err() != nil {
		return err
	}
	if l.resyncCh == nil {
		return fmt.Errorf("%w (%s)", err, resyncHint)
	}
	l.log.Warn("applied: resume cursor expired; resyncing", "cursor", l.resume.String(), "err", err)
	live, err := l.listLive(ctx)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	// The ack barrier: the state-sync watch starts only once the loop has folded the
	// deletes, so a key re-created after the listing is never erased by a late delete.
	ack := make(chan struct{})
	select {
	case l.resyncCh <- resyncRequest{live: live, ack: ack}:
	case <-ctx.Done():
		return nil
	}
	select {
	case <-ack:
	case <-ctx.Done():
		return nil
	}
	return l.cfg.Watcher.Watch(ctx, scope, kv.Cursor{}, l.rx)
}

// listLive lists the bucket's live keys under every scope prefix. A failure is fatal: the
// resync never degrades to a re-list that would keep keys deleted during the gap.
func (l *loop[U]) listLive(ctx context.Context) ([]string, error) {
	var live []string
	for _, p := range l.cfg.Scope.Prefixes() {
		keys, err := l.cfg.Reader.Keys(ctx, p)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil
			}
			return nil, fmt.Errorf("%w listing live keys under %q (failing rather than keeping stale keys; restart to retry): %w",
				ErrResyncFailed, p, err)
		}
		live = append(live, keys...)
	}
	return live, nil
}
