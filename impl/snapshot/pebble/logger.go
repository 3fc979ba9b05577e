package pebble

import (
	"context"
	"fmt"
	"log/slog"
)

// engineLogger adapts Pebble's logger to slog. With a nil slog.Logger it is silent, except that
// Fatalf still does not return: Pebble calls it only when it cannot continue (for example a
// commit whose log write failed), and it relies on Fatalf ending the goroutine.
type engineLogger struct{ l *slog.Logger }

// Infof logs Pebble's routine events (flushes, compactions, WAL rotation) at debug level.
func (e engineLogger) Infof(format string, args ...any) { e.log(slog.LevelDebug, format, args) }

// Errorf logs errors Pebble recovers from at error level.
func (e engineLogger) Errorf(format string, args ...any) { e.log(slog.LevelError, format, args) }

// Fatalf logs at error level and panics with an engineFatal. Apply recovers it and poisons the
// store; anywhere else it crashes the process, as Pebble's own default logger would.
func (e engineLogger) Fatalf(format string, args ...any) {
	e.log(slog.LevelError, format, args)
	f := engineFatal{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok && f.cause == nil {
			f.cause = err
		}
	}
	panic(f)
}

func (e engineLogger) log(level slog.Level, format string, args []any) {
	if e.l == nil || !e.l.Enabled(context.Background(), level) {
		return
	}
	e.l.Log(context.Background(), level, "pebble: "+fmt.Sprintf(format, args...))
}

// engineFatal is the panic value of engineLogger.Fatalf: the formatted message, and the first
// error among the arguments so that errors.Is still reaches the engine's cause.
type engineFatal struct {
	msg   string
	cause error
}

func (f engineFatal) Error() string { return "pebble fatal: " + f.msg }

func (f engineFatal) Unwrap() error { return f.cause }
