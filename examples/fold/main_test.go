package main

import (
	"strings"
	"testing"
)

// The example folds five keys, and after the restart receives only the three updates written
// while it was stopped; the fold on disk then matches the bucket.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `started an embedded NATS server with bucket "config"
wrote 5 keys (head rev 5)
first run: opened the append log at cursor(none)
first run: the watch delivered 5 updates; the log is at cursor(rev 5)
while stopped: rewrote node.a, deleted node.b, created node.d (head rev 8)
restart: opened the append log at cursor(rev 5)
restart: the watch delivered 3 updates; the log is at cursor(rev 8)
the fold on disk at cursor(rev 8):
  node.a = v2 (rev 6)
  node.c = v1 (rev 3)
  node.d = v1 (rev 8)
  svc.x = v1 (rev 4)
  svc.y = v1 (rev 5)
`
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
