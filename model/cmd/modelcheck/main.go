// Command modelcheck runs the registered model-checking configurations (model/configs) and
// compares each verdict and distinct-state count with spec/tla/expected.tsv, the file TLC's
// runner checks too. It prints, per configuration, the checker's TLC-like verdict block (with
// the shortest trace of any failure), the counts, states/s, elapsed time and peak heap, then
// one summary line per configuration, and exits non-zero if any result differs from the
// expected file or a configuration has no row in it.
//
//	go run ./model/cmd/modelcheck -tier default           # make model
//	go run ./model/cmd/modelcheck -tier deep              # make model-deep (minutes, GiBs)
//	go run ./model/cmd/modelcheck -config 'ExportImport_Mut.*' -workers 2 -progress 10s
//	go run ./model/cmd/modelcheck -tier all -update       # rewrite the Go-side rows
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/configs"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("modelcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tier := fs.String("tier", "default", "configurations to run: default, deep or all (with -config and no -tier: all)")
	var names multi
	fs.Var(&names, "config", "run only configurations whose name matches this regexp (anchored; repeatable)")
	workers := fs.Int("workers", 0, "worker goroutines per run (0 = GOMAXPROCS)")
	progress := fs.Duration("progress", 30*time.Second, "interval between progress lines on stderr (0 = none)")
	update := fs.Bool("update", false, "rewrite the rows of the configurations run in expected.tsv instead of comparing")
	lean := fs.Bool("lean", false, "memory-lean search: keep only fingerprints, re-derive traces by a bounded re-run (always on for deep configurations)")
	expectedPath := fs.String("expected", "", "expected-results file (default: <module root>/"+configs.ExpectedFile+")")
	list := fs.Bool("list", false, "list the selected configurations and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "modelcheck: unexpected arguments %q; select configurations with -config\n", fs.Args())
		return 2
	}

	tierSet := false
	fs.Visit(func(f *flag.Flag) { tierSet = tierSet || f.Name == "tier" })
	if len(names) > 0 && !tierSet {
		*tier = "all" // an explicit -config selects across tiers unless -tier narrows it
	}
	selected, err := selectConfigs(*tier, names)
	if err != nil {
		fmt.Fprintln(stderr, "modelcheck:", err)
		return 2
	}
	if *list {
		for _, c := range selected {
			fmt.Fprintf(stdout, "%-45s %-7s %s\n", c.Name, c.Tier, c.Description)
		}
		return 0
	}

	path := *expectedPath
	if path == "" {
		root, err := configs.FindModuleRoot()
		if err != nil {
			fmt.Fprintln(stderr, "modelcheck:", err)
			return 2
		}
		path = filepath.Join(root, configs.ExpectedFile)
	}
	exp, err := configs.ReadExpected(path)
	if err != nil {
		if !*update || !os.IsNotExist(unwrapAll(err)) {
			fmt.Fprintf(stderr, "modelcheck: %v\n", err)
			return 2
		}
		exp = configs.NewExpected()
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
	for _, c := range selected {
		opts := check.Options{Workers: *workers, Lean: *lean || c.Tier == configs.Deep}
		if *progress > 0 {
			opts.Progress = stderr
			opts.ProgressInterval = *progress
		}
		runtime.GC() // so each run's peak heap is its own, not the previous run's garbage
		s := c.Run(opts)
		sums = append(sums, s)
		fmt.Fprint(stdout, s.Report)
		status := "ok"
		if !*update {
			row, ok := exp.Row(c.Name)
			switch {
			case !ok:
				status = "NO ROW"
				problems = append(problems, fmt.Sprintf("%s: no row in %s (run with -update to add it, and add the TLA+ twin)", c.Name, path))
			default:
				if err := row.Check(s); err != nil {
					status = "MISMATCH"
					problems = append(problems, err.Error())
				}
			}
		}
		fmt.Fprintf(stdout, "-- %s: %s (%s), %d distinct, %d generated, depth %d, %.0f states/s, %s, peak heap %.1f MiB\n\n",
			c.Name, s.Verdict, status, s.Distinct, s.Generated, s.Depth, s.StatesPerSecond, s.Elapsed.Round(time.Millisecond), float64(s.PeakHeapBytes)/(1<<20))
	}

	fmt.Fprintf(stdout, "%-45s %-8s %12s %14s %10s %10s\n", "config", "verdict", "distinct", "generated", "elapsed", "heap MiB")
	for _, s := range sums {
		fmt.Fprintf(stdout, "%-45s %-8s %12d %14d %10s %10.1f\n", s.Name, s.Verdict, s.Distinct, s.Generated, s.Elapsed.Round(time.Millisecond), float64(s.PeakHeapBytes)/(1<<20))
	}

	if *update {
		exp.Update(sums)
		if err := os.WriteFile(path, exp.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "modelcheck: writing %s: %v\n", path, err)
			return 1
		}
		fmt.Fprintf(stdout, "updated %d rows of %s\n", len(sums), path)
		return 0
	}
	if len(problems) > 0 {
		fmt.Fprintf(stdout, "\nFAIL: %d of %d configurations differ from %s:\n", len(problems), len(sums), path)
		for _, p := range problems {
			fmt.Fprintln(stdout, "  "+p)
		}
		return 1
	}
	fmt.Fprintf(stdout, "\nPASS: %d configurations agree with %s\n", len(sums), path)
	return 0
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

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
