package main

import (
	"strings"
	"testing"
)

// Node-a wins the lease and publishes at revision 6, node-b skips the round, and node-c
// bootstraps from the artifact and receives only the three updates written after it.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `started an embedded NATS server: bucket "routes", lease and pointer bucket "meta", object store "artifacts"
wrote 6 keys (head rev 6)
node-a: folded 6 updates; its log is at cursor(rev 6)
node-b: folded 6 updates; its log is at cursor(rev 6)
node-a: won the export lease, exported an artifact at cursor(rev 6) (append-log, 1 file), Published; pruned 0
node-b: the export lease is held by node-a; no second export this round
after the export: rewrote edge.eu, deleted svc.cache, created edge.sa (head rev 9)
node-c: downloaded and verified the published artifact at cursor(rev 6); imported it
node-c: resumed from cursor(rev 6); the watch delivered only the tail, 3 updates; its log is at cursor(rev 9)
node-c: its fold equals the bucket: true
`
	if out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
