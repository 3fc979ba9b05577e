package applied

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// capture is a slog.Handler that keeps every record, so a test can assert what Run logged.
type capture struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r.Clone())
	return nil
}

// The loop logs through one plain logger (no With, no groups), so these need keep nothing.
func (c *capture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *capture) WithGroup(string) slog.Handler      { return c }

// reasons returns the "reason" attribute of every record whose message is msg, in order.
func (c *capture) reasons(msg string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, r := range c.recs {
		if r.Message != msg {
			continue
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "reason" {
				out = append(out, a.Value.String())
			}
			return true
		})
	}
	return out
}

// logged reports whether a record with message msg carried reason.
func (c *capture) logged(msg, reason string) bool { return slices.Contains(c.reasons(msg), reason) }

// newLogger returns a logger that records into c.
func newLogger(c *capture) *slog.Logger { return slog.New(c) }

// has reports whether any record's message contains sub.
func (c *capture) has(sub string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.ContainsFunc(c.recs, func(r slog.Record) bool { return strings.Contains(r.Message, sub) })
}

// hasErr reports whether any record carries an error attribute that matches target with
// errors.Is.
func (c *capture) hasErr(target error) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	found := false
	for _, r := range c.recs {
		r.Attrs(func(a slog.Attr) bool {
			if err, ok := a.Value.Any().(error); ok && errors.Is(err, target) {
				found = true
			}
			return !found
		})
	}
	return found
}
