package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/linearizability"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, ops []linearizability.Operation) string {
		path := filepath.Join(dir, name)
		if err := linearizability.WriteHistoryFile(path, ops); err != nil {
			t.Fatal(err)
		}
		return path
	}
	put := linearizability.Operation{Client: 0, Key: "a", Kind: linearizability.KindPut, Value: "v1", Outcome: linearizability.OutcomeOK, Revision: 1, Call: 0, Return: 10}
	put2 := linearizability.Operation{Client: 0, Key: "a", Kind: linearizability.KindPut, Value: "v2", Outcome: linearizability.OutcomeOK, Revision: 2, Call: 20, Return: 30}
	stale := linearizability.Operation{Client: 1, Key: "a", Kind: linearizability.KindDirectGet, Outcome: linearizability.OutcomeOK, Found: true, Read: "v1", Revision: 1, Call: 40, Return: 50}
	good := write("good.jsonl", []linearizability.Operation{put, put2, stale})
	bad := write("bad.jsonl", []linearizability.Operation{put, put2, func() linearizability.Operation {
		g := stale
		g.Kind = linearizability.KindLeaderGet
		return g
	}()})

	var out, errb bytes.Buffer
	if code := run([]string{"-direct", good}, &out, &errb); code != 0 {
		t.Fatalf("exit %d for a holding history: %s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "1 of 1 direct gets stale") {
		t.Fatalf("the stale direct get was not reported:\n%s", out.String())
	}
	html := filepath.Join(dir, "bad.html")
	out.Reset()
	if code := run([]string{"-html", html, bad}, &out, &errb); code != 1 {
		t.Fatalf("exit %d for a violating history: %s", code, out.String())
	}
	if _, err := os.Stat(html); err != nil {
		t.Fatalf("no visualisation: %v", err)
	}
	if code := run([]string{filepath.Join(dir, "missing.jsonl")}, &out, &errb); code != 2 {
		t.Fatalf("exit %d for a missing file", code)
	}
}
