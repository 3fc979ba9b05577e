package chaos

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
	"github.com/slipstream-go/slipstream/linearizability"
)

// Report file names inside the run directory.
const (
	SummaryFile = "summary.txt"   // the table printed at the end
	ResultFile  = "result.json"   // checks, counts and the seed, for tools
	HistoryFile = "history.jsonl" // every KV operation, one JSON object per line
	FaultsFile  = "faults.jsonl"  // the nemesis log, one event per line
)

// WriteSummary prints the summary table: operations, faults injected by type, each check's
// verdict and time, and the seed.
func WriteSummary(w io.Writer, r Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "seed\t%d\t(replay: CHAOS_SEED=%d)\n", r.Seed, r.Seed)
	fmt.Fprintf(tw, "duration\t%v\t\n", r.Duration.Round(time.Second))
	fmt.Fprintf(tw, "operations\t%d\t%s\n", r.Operations, opBreakdown(r.Stats))
	total := 0
	var parts []string
	for _, k := range nemesis.AllKinds {
		if n := r.Injected[k]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	fmt.Fprintf(tw, "faults injected\t%d\t%s\n", total, strings.Join(parts, ", "))
	for _, name := range slices.Sorted(maps.Keys(otherStats(r.Stats))) {
		fmt.Fprintf(tw, "%s\t\t%s\n", name, otherStats(r.Stats)[name])
	}
	fmt.Fprintf(tw, "\nCHECK\tVERDICT\tTIME\tDETAIL\n")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", c.Name, c.Verdict, c.Duration.Round(time.Millisecond), c.Detail)
	}
	tw.Flush()
	verdict := "PASS: every guarantee holds"
	if !r.Passed() {
		verdict = "FAIL: " + strings.Join(r.Failed(), ", ")
	}
	fmt.Fprintf(w, "\nresult: %s\n", verdict)
}

// Failed names the checks that did not hold, with their verdicts.
func (r Result) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Verdict != "holds" {
			out = append(out, fmt.Sprintf("%s %s", c.Name, c.Verdict))
		}
	}
	return out
}

// HTMLFile is the linearizability visualisation inside the run directory.
const HTMLFile = check.HTMLFile

// visualizeFailure writes the visualisation of the whole history when the run failed and no
// check wrote one (a failure elsewhere is easier to read next to the operations).
func visualizeFailure(r Result) error {
	path := filepath.Join(r.Dir, HTMLFile)
	if r.Passed() || len(r.History) == 0 {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	_, err := linearizability.Check(r.History, linearizability.Options{HTMLPath: path, Visualize: true, Timeout: 30 * time.Second})
	return err
}

// otherStats formats the counters of the workloads other than kv, one line per workload
// ("writes 812, restarts hard 4, ..."), keyed by the workload's name.
func otherStats(stats map[string]int) map[string]string {
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(stats)) {
		name, counter, ok := strings.Cut(k, " ")
		if !ok || name == "kv" {
			continue
		}
		if out[name] != "" {
			out[name] += ", "
		}
		out[name] += fmt.Sprintf("%s %d", counter, stats[k])
	}
	return out
}

// opBreakdown summarises the KV counters: outcomes other than ok, and unknowns.
func opBreakdown(stats map[string]int) string {
	var unknown, ok int
	for k, v := range stats {
		switch {
		case strings.HasSuffix(k, " "+string(linearizability.OutcomeUnknown)):
			unknown += v
		case strings.HasSuffix(k, " "+string(linearizability.OutcomeOK)):
			ok += v
		}
	}
	return fmt.Sprintf("%d ok, %d unknown (timed out), %d decided failures", ok, unknown, stats["kv ops"]-ok-unknown)
}

// WriteReport writes the summary, the machine-readable result, the history and the nemesis log
// into r.Dir.
func WriteReport(r Result) error {
	var sb strings.Builder
	WriteSummary(&sb, r)
	if err := os.WriteFile(filepath.Join(r.Dir, SummaryFile), []byte(sb.String()), 0o644); err != nil {
		return fmt.Errorf("chaos: write summary: %w", err)
	}
	summary := struct {
		Seed       uint64         `json:"seed"`
		Passed     bool           `json:"passed"`
		Operations int            `json:"operations"`
		Stats      map[string]int `json:"stats"`
		Injected   map[string]int `json:"faults_injected"`
		Checks     any            `json:"checks"`
	}{r.Seed, r.Passed(), r.Operations, r.Stats, map[string]int{}, r.Checks}
	for k, v := range r.Injected {
		summary.Injected[string(k)] = v
	}
	raw, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(r.Dir, ResultFile), raw, 0o644); err != nil {
		return fmt.Errorf("chaos: write result: %w", err)
	}
	if err := linearizability.WriteHistoryFile(filepath.Join(r.Dir, HistoryFile), r.History); err != nil {
		return err
	}
	if err := visualizeFailure(r); err != nil {
		return err
	}
	var lines []string
	for _, e := range r.Events {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		lines = append(lines, string(b))
	}
	return os.WriteFile(filepath.Join(r.Dir, FaultsFile), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
