package applied

import (
	"fmt"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// ExportRequest asks the running loop to export its store into Dir. The loop first flushes the
// pending batch, so the exported cursor is exactly the applied cursor, then exports between
// flushes (no Apply runs concurrently). The loop sends one ExportResult on Reply without
// blocking: give Reply a buffer of at least 1.
type ExportRequest struct {
	Dir   string
	Reply chan<- ExportResult
}

// ExportResult is the outcome of an ExportRequest. A failed export never stops the loop.
type ExportResult struct {
	// Cursor is the cursor of the exported copy (the store's cursor at the time of export).
	Cursor kv.Cursor
	// Err is nil on success; it matches ErrNoExporter when the loop has no store or the store
	// cannot export.
	Err error
}

// Exporter is implemented by stores that can write a verified copy of themselves into an
// empty directory. Export returns the copy's cursor. It is called only between flushes.
type Exporter interface {
	Export(dir string) (kv.Cursor, error)
}

// onExport serves one export request: flush, so the copy's cursor is the applied cursor, then
// export through the store. A closed channel disarms the export arm. A failed export is
// reported to the requester and the loop goes on; a panicking export stops it.
func (l *loop[U]) onExport(req ExportRequest, ok bool) error {
	if !ok {
		l.exports = nil
		return nil
	}
	if err := l.flush(); err != nil {
		return err
	}
	if err := l.stampBeforeExport(); err != nil {
		return l.fatal(err)
	}
	var res ExportResult
	exp, can := l.cfg.Store.(Exporter)
	switch {
	case l.cfg.Store == nil:
		res.Err = fmt.Errorf("%w: Run has no snapshot store", ErrNoExporter)
	case !can:
		res.Err = fmt.Errorf("%w: the snapshot store (%T) does not implement applied.Exporter", ErrNoExporter, l.cfg.Store)
	default:
		var panicked bool
		panicked, res.Cursor, res.Err = l.export(exp, req.Dir)
		if panicked {
			l.reply(req, res)
			return l.fatal(res.Err)
		}
	}
	if res.Err != nil {
		l.log.Warn("applied: export failed; the loop goes on", "dir", req.Dir, "err", res.Err)
	}
	l.reply(req, res)
	return nil
}

// stampBeforeExport stores the live incarnation when the store's cursor is the applied one but
// the store does not carry it yet (a fresh fold before its first flush, or a flush that had
// nothing to write): an artifact carries the store's stamp, and one without an incarnation is
// published under the bare pointer key, where a bootstrap of this incarnation never looks.
func (l *loop[U]) stampBeforeExport() error {
	st := l.cfg.Store
	if st == nil || l.stamp == nil || st.Cursor() != l.applied || st.Stamp().Stream == l.stamp.Stream {
		return nil
	}
	s, _ := l.stampToStore() // l.stamp is set, so there is a stamp to store
	if err := st.ApplyStamped(nil, l.applied, s); err != nil {
		return fmt.Errorf("%w: storing the stream incarnation before an export: %w", ErrStoreFailed, err)
	}
	return nil
}

func (l *loop[U]) export(exp Exporter, dir string) (panicked bool, c kv.Cursor, err error) {
	defer func() {
		if r := recover(); r != nil {
			panicked, err = true, fmt.Errorf("%w: %v", ErrExportFailed, r)
		}
	}()
	c, err = exp.Export(dir)
	return false, c, err
}

// reply sends the result without blocking: a requester that stopped listening is ignored.
func (l *loop[U]) reply(req ExportRequest, res ExportResult) {
	select {
	case req.Reply <- res:
	default:
		l.log.Warn("applied: export result dropped (Reply full or nil)", "dir", req.Dir)
	}
}
