// Command modelcheck runs the registered model-checking configurations (model/configs) and
// compares each verdict and distinct-state count with spec/tla/expected.tsv, the file TLC's
// runner checks too. It prints, per configuration, the checker's TLC-like verdict block (with
// the shortest trace of any failure), the counts, states/s, elapsed time and peak heap, then
// one summary line per configuration.
//
//	go run ./model/cmd/modelcheck -tier default           # make model
//	go run ./model/cmd/modelcheck -tier deep              # make model-deep (minutes, GiBs)
//	go run ./model/cmd/modelcheck -config 'ExportImport_Mut.*' -workers 2 -progress 10s
//	go run ./model/cmd/modelcheck -tier all -update       # rewrite the Go-side rows
//
// With -update it records the runs instead of comparing them, prints every row it changed, and
// refuses (changing nothing) to change a row that TLC confirmed unless -force-tlc-rows is given;
// a forced row is then marked confirmed by go only, until `go run ./spec/tla/cmd/tlc -record`
// confirms it again.
//
// Exit status: 0 when every run agrees with its row (or the update was written); 1 when a
// complete run differs from its row or has none, or an update was refused; 2 on a usage or
// file error; 3 when no complete run differed but some search was incomplete (-max-depth): an
// incomplete search neither holds nor violates.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/configs"
	"github.com/slipstream-go/slipstream/model/expected"
)

// Exit statuses.
const (
	exitOK         = 0
	exitMismatch   = 1
	exitUsage      = 2
	exitIncomplete = 3
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("modelcheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	tier := flags.String("tier", "default", "configurations to run: default, deep or all (with -config and no -tier: all)")
	var names multi
	flags.Var(&names, "config", "run only configurations whose name matches this regexp (anchored; repeatable)")
	workers := flags.Int("workers", 0, "worker goroutines per run (0 = GOMAXPROCS)")
	progress := flags.Duration("progress", 30*time.Second, "interval between progress lines on stderr (0 = none)")
	update := flags.Bool("update", false, "rewrite the rows of the configurations run in expected.tsv instead of comparing")
	forceTLC := flags.Bool("force-tlc-rows", false, "with -update: also change rows that TLC confirmed (they become confirmed by go only)")
	maxDepth := flags.Int("max-depth", 0, "bound the search to this many actions (0 = none); a clipped search is incomplete")
	lean := flags.Bool("lean", false, "memory-lean search: keep only fingerprints, re-derive traces by a bounded re-run (always on for deep configurations)")
	expectedPath := flags.String("expected", "", "expected-results file (default: <module root>/"+expected.Path+")")
	list := flags.Bool("list", false, "list the selected configurations and exit")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "modelcheck: unexpected arguments %q; select configurations with -config\n", flags.Args())
		return exitUsage
	}

	tierSet := false
	flags.Visit(func(f *flag.Flag) { tierSet = tierSet || f.Name == "tier" })
	if len(names) > 0 && !tierSet {
		*tier = "all" // an explicit -config selects across tiers unless -tier narrows it
	}
	selected, err := selectConfigs(*tier, names)
	if err != nil {
		fmt.Fprintln(stderr, "modelcheck:", err)
		return exitUsage
	}
	if *list {
		for _, c := range selected {
			fmt.Fprintf(stdout, "%-45s %-7s %s\n", c.Name, c.Tier(), c.Description)
		}
		return exitOK
	}

	path := *expectedPath
	if path == "" {
		root, err := expected.FindModuleRoot()
		if err != nil {
			fmt.Fprintln(stderr, "modelcheck:", err)
			return exitUsage
		}
		path = filepath.Join(root, expected.Path)
	}
	exp, err := expected.Read(path)
	if err != nil {
		if !*update || !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "modelcheck: %v\n", err)
			return exitUsage
		}
		exp = expected.New()
	}

	if os.Getenv("GOGC") == "" {
		// The checker's large arrays hold no pointers, so a collection costs little; collecting
		// at +25% instead of +100% keeps the resident set near the live heap.
		debug.SetGCPercent(25)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Make the collector work harder near 7 GiB rather than let the heap grow past it.
		debug.SetMemoryLimit(7 << 30)
	}

	var sums []configs.Summary
	var problems []string
	incomplete := 0
	for _, c := range selected {
		opts := check.Options{Workers: *workers, Lean: *lean || c.Tier() == configs.Deep, MaxDepth: *maxDepth}
		if *progress > 0 {
			opts.Progress = stderr
			opts.ProgressInterval = *progress
		}
		runtime.GC() // so each run's peak heap is its own, not the previous run's garbage
		s := c.Run(opts)
		sums = append(sums, s)
		fmt.Fprint(stdout, s.Report)
		status := "ok"
		row, ok := exp.Get(c.Name)
		switch {
		case s.Verdict == configs.VerdictIncomplete:
			status = "INCOMPLETE"
			incomplete++
		case *update:
		case !ok:
			status = "NO ROW"
			problems = append(problems, fmt.Sprintf("%s: no row in %s (run with -update to add it, and add the TLA+ twin)", c.Name, path))
		default:
			if err := configs.Compare(row, s); err != nil {
				status = "MISMATCH"
				problems = append(problems, err.Error())
			}
		}
		fmt.Fprintf(stdout, "-- %s: %s (%s), %d distinct, %d generated, depth %d, %.0f states/s, %s, peak heap %.1f MiB\n\n",
			c.Name, s.Verdict, status, s.Distinct, s.Generated, s.Depth, s.StatesPerSecond, s.Elapsed.Round(time.Millisecond), float64(s.PeakHeapBytes)/(1<<20))
	}

	fmt.Fprintf(stdout, "%-45s %-10s %12s %14s %10s %10s\n", "config", "verdict", "distinct", "generated", "elapsed", "heap MiB")
	for _, s := range sums {
		fmt.Fprintf(stdout, "%-45s %-10s %12d %14d %10s %10.1f\n", s.Name, s.Verdict, s.Distinct, s.Generated, s.Elapsed.Round(time.Millisecond), float64(s.PeakHeapBytes)/(1<<20))
	}

	if *update {
		if incomplete > 0 {
			fmt.Fprintf(stdout, "\nINCOMPLETE: %d of %d searches were incomplete; nothing written to %s (an incomplete search cannot be recorded)\n", incomplete, len(sums), path)
			return exitIncomplete
		}
		return writeUpdate(exp, sums, path, *forceTLC, stdout, stderr)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stdout, "\nFAIL: %d of %d configurations differ from %s:\n", len(problems), len(sums), path)
		for _, p := range problems {
			fmt.Fprintln(stdout, "  "+p)
		}
		return exitMismatch
	}
	if incomplete > 0 {
		fmt.Fprintf(stdout, "\nINCOMPLETE: %d of %d searches were incomplete, so they neither hold nor violate; the other %d agree with %s\n", incomplete, len(sums), len(sums)-incomplete, path)
		return exitIncomplete
	}
	fmt.Fprintf(stdout, "\nPASS: %d configurations agree with %s\n", len(sums), path)
	return exitOK
}

func selectConfigs(tier string, names []string) ([]configs.Config, error) {
	var all []configs.Config
	switch tier {
	case "all":
		all = configs.All()
	default:
		t, err := configs.ParseTier(tier)
		if err != nil {
			return nil, fmt.Errorf("-tier: %w (or all)", err)
		}
		all = configs.InTier(t)
	}
	if len(names) == 0 {
		return all, nil
	}
	var res []*regexp.Regexp
	for _, n := range names {
		re, err := regexp.Compile("^(?:" + n + ")$")
		if err != nil {
			return nil, fmt.Errorf("-config %q is not a valid regexp: %v", n, err)
		}
		res = append(res, re)
	}
	var out []configs.Config
	for _, c := range all {
		for _, re := range res {
			if re.MatchString(c.Name) {
				out = append(out, c)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no configuration matches %q; list them with -list -tier all", names)
	}
	return out, nil
}
