package linearizability

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/cockroachdb/datadriven"
)

// TestGoldenHistories runs every history under testdata/check through Check. Each case's input is
// a history in the JSON-lines file format; the expected output is the verdict and each key's.
//
//	check [include-direct] [timeout=<duration>]
func TestGoldenHistories(t *testing.T) {
	datadriven.Walk(t, "testdata/check", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			if td.Cmd != "check" {
				t.Fatalf("%s: unknown command %q", td.Pos, td.Cmd)
			}
			ops, err := ReadHistory(strings.NewReader(td.Input))
			if err != nil {
				t.Fatalf("%s: %v", td.Pos, err)
			}
			opt := Options{IncludeDirectGets: td.HasArg("include-direct")}
			if td.HasArg("timeout") {
				var s string
				td.ScanArgs(t, "timeout", &s)
				if opt.Timeout, err = time.ParseDuration(s); err != nil {
					t.Fatalf("%s: %v", td.Pos, err)
				}
			}
			rep, err := Check(ops, opt)
			if err != nil {
				t.Fatalf("%s: %v", td.Pos, err)
			}
			return describeReport(rep)
		})
	})
}

func describeReport(rep Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d operations on %d keys (%d unknown writes, %d dropped)\n",
		rep.Verdict, rep.Operations, rep.Keys, rep.UnknownWrites, rep.Dropped)
	for _, k := range rep.PerKey {
		fmt.Fprintf(&b, "%s: %s (%d operations)\n", k.Key, k.Verdict, k.Operations)
	}
	for _, o := range rep.Order {
		fmt.Fprintf(&b, "order: %s\n", o)
	}
	return b.String()
}

// TestVisualisationWrittenOnFailure: a violating history writes the HTML, with the annotations,
// and names the key; a history that holds writes nothing unless asked.
func TestVisualisationWrittenOnFailure(t *testing.T) {
	dir := t.TempDir()
	stale := []Operation{
		{Client: 0, Key: "a", Kind: KindPut, Value: "v1", Outcome: OutcomeOK, Revision: 1, Call: 0, Return: 10},
		{Client: 0, Key: "a", Kind: KindPut, Value: "v2", Outcome: OutcomeOK, Revision: 2, Call: 20, Return: 30},
		{Client: 1, Key: "a", Kind: KindLeaderGet, Outcome: OutcomeOK, Found: true, Read: "v1", Revision: 1, Call: 40, Return: 50},
		{Client: 2, Key: "b", Kind: KindPut, Value: "w1", Outcome: OutcomeOK, Revision: 3, Call: 0, Return: 10},
	}
	html := filepath.Join(dir, "fail.html")
	rep, err := Check(stale, Options{HTMLPath: html, Annotations: []porcupine.Annotation{
		{Tag: "nemesis", Start: 15, End: 45, Description: "partition n2"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Violates || rep.HTMLPath != html || fmt.Sprint(rep.ViolatingKeys()) != "[a]" {
		t.Fatalf("report %s", rep)
	}
	body, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`leader-get → \"v1\"@1`, "partition n2"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("visualisation lacks %q", want)
		}
	}

	good := stale[:2]
	quiet := filepath.Join(dir, "quiet.html")
	if rep, err := Check(good, Options{HTMLPath: quiet}); err != nil || rep.Verdict != Holds || rep.HTMLPath != "" {
		t.Fatalf("holding history: %s, %v", rep, err)
	}
	if _, err := os.Stat(quiet); !os.IsNotExist(err) {
		t.Fatalf("a holding history wrote %s (stat: %v)", quiet, err)
	}
	asked := filepath.Join(dir, "asked.html")
	if rep, err := Check(good, Options{HTMLPath: asked, Visualize: true}); err != nil || rep.HTMLPath != asked {
		t.Fatalf("requested visualisation: %s, %v", rep, err)
	}
	if _, err := os.Stat(asked); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRefusesInvalidHistory(t *testing.T) {
	ops := []Operation{{Client: 0, Key: "a", Kind: KindPut, Outcome: OutcomeOK, Call: 0, Return: 1}} // no revision
	if _, err := Check(ops, Options{}); err == nil {
		t.Fatal("Check accepted a successful put without its revision")
	}
}
