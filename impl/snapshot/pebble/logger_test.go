package pebble

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// logged runs a fold and a Settle (which makes Pebble log flushes and compactions) with
// Pebble's lines sent to a text handler at level, and returns what was written.
func logged(t *testing.T, level slog.Level) string {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))
	s := open(t, t.TempDir(), Options{Logger: l})
	fold(t, s, fixture())
	if err := s.Settle(); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	return buf.String()
}

func TestPebbleRoutineLogsAreDebugLevel(t *testing.T) {
	out := logged(t, slog.LevelDebug)
	if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "pebble: ") {
		t.Fatalf("at debug level Pebble's flush and compaction lines are missing:\n%s", out)
	}
	if out := logged(t, slog.LevelInfo); out != "" {
		t.Fatalf("at info level Pebble's routine lines still show:\n%s", out)
	}
}

func TestFatalPanicsWithTheEngineCause(t *testing.T) {
	cause := errors.New("disk on fire")
	defer func() {
		err, ok := recover().(error)
		if !ok || !errors.Is(err, cause) || !strings.Contains(err.Error(), "commit failed") {
			t.Fatalf("Fatalf panicked with %v, want an error wrapping the cause", err)
		}
	}()
	engineLogger{}.Fatalf("commit failed: %v", cause)
	t.Fatal("Fatalf returned")
}
