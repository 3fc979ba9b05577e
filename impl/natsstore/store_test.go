package natsstore

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/impl/kv"
)

func TestStoreImplementsTheKVInterfaces(t *testing.T) {
	var s any = (*Store)(nil)
	for name, ok := range map[string]bool{
		"Store": isA[kv.Store](s), "Writer": isA[kv.Writer](s), "Purger": isA[kv.Purger](s),
		"TTL": isA[kv.TTL](s), "Watcher": isA[kv.Watcher](s),
	} {
		if !ok {
			t.Errorf("*Store does not implement kv.%s", name)
		}
	}
}

func isA[T any](v any) bool { _, ok := v.(T); return ok }

// Every resume start goes through protocol.ResumeStartSequence (which refuses to wrap at the
// maximum uint64): no file of this package spells "+ 1" on a revision, sequence, cursor or
// frontier (pitfall P7, and the reference's source-text test).
func TestNoNakedRevisionPlusOne(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	naked := regexp.MustCompile(`(?i)[a-z_.()]*(rev|revision|seq|sequence|cursor|frontier|start|first|last)[a-z0-9_.()]*\s*\+\s*1\b`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if c := strings.Index(line, "//"); c >= 0 {
				line = line[:c] // prose may say cursor+1; code may not
			}
			if m := naked.FindString(line); m != "" {
				t.Errorf("%s:%d spells %q; compute resume starts with protocol.ResumeStartSequence", f, i+1, m)
			}
		}
	}
	// The detector itself works.
	for _, bad := range []string{"start := cursor ", "rev", "info.State.LastSeq ", "ack.streamSeq"} {
		bad += "+ 1" // assembled here so this file does not trip its own check
		if !naked.MatchString(bad) {
			t.Errorf("the detector misses %q", bad)
		}
	}
}
