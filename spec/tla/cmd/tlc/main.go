// Command tlc runs TLC on every TLA+ configuration listed in spec/tla/expected.tsv and compares
// TLC's verdict, violated invariant and distinct-state count with the row. It is the program
// behind `make tlc`.
//
// Usage (from the repository root):
//
//	go run ./spec/tla/cmd/tlc [-deep] [-run REGEXP] [-workers N] [-dir spec/tla] [-record] [-v]
//
// A row named C runs MC_C.tla with MC_C.cfg; a witness row C__W_short runs MC_C.tla with
// MC_C__W_short.cfg. Deep rows (names containing "_Deep_", see configs.TierOf) run only with
// -deep. Each deadlock decision lives in the cfg file (CHECK_DEADLOCK), so the runner never
// overrides it.
//
// With -from-log, the runner does not start TLC: it judges the output an earlier run kept in
// <dir>/states/<config>.out, inferring TLC's exit status from the text (a run cut short has no
// verdict line and is an error, never a pass). It lets an hour-long deep run be recorded
// without running it again.
//
// With -record, every row TLC agrees with is marked confirmed by tlc (or both) in
// expected.tsv, and TLC's summary of the run (its final counts, verdict and version) is kept
// in tlc-summary.tsv (package spec/tla/tlcsummary), right after the row is run. A test of this
// package that needs no Java holds every row marked tlc or both to its kept summary.
//
// TLC's full output for each configuration is kept in <dir>/states/<config>.out (gitignored);
// its fingerprint and queue files go to a temporary directory that is removed afterwards.
//
// Exit status: 0 when every selected row matched; 1 when any verdict, violated invariant or
// distinct count differs (or a configuration has no TLA+ files); 2 when java or tla2tools.jar
// is missing, or on a usage or expected.tsv error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/model/configs"
	"github.com/slipstream-go/slipstream/model/expected"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tlc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	deep := fs.Bool("deep", false, "also run the deep-tier rows (names containing _Deep_; minutes each)")
	runRE := fs.String("run", "", "run only the rows whose config name matches this regular expression")
	workers := fs.Int("workers", runtime.NumCPU(), "TLC worker threads")
	dir := fs.String("dir", "", "the spec/tla directory (default: spec/tla under the module root above the working directory)")
	verbose := fs.Bool("v", false, "print TLC's full output for every configuration that does not match")
	fromLog := fs.Bool("from-log", false, "judge the TLC output an earlier run kept in <dir>/states/<config>.out instead of running TLC (for long runs already done)")
	record := fs.Bool("record", false, "mark each row TLC agrees with as confirmed by tlc in expected.tsv and keep TLC's summary in "+tlcsummaryFile)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tlc: unexpected arguments %q (select configs with -run REGEXP)\n", fs.Args())
		return 2
	}
	var sel *regexp.Regexp
	if *runRE != "" {
		var err error
		if sel, err = regexp.Compile(*runRE); err != nil {
			fmt.Fprintf(stderr, "tlc: -run: %v\n", err)
			return 2
		}
	}
	if *workers < 1 {
		fmt.Fprintf(stderr, "tlc: -workers must be at least 1, got %d\n", *workers)
		return 2
	}

	specDir := *dir
	if specDir == "" {
		root, err := expected.FindModuleRoot()
		if err != nil {
			fmt.Fprintf(stderr, "tlc: %v (run from inside the repository, or pass -dir spec/tla)\n", err)
			return 2
		}
		specDir = filepath.Join(root, "spec", "tla")
	}

	var tools Tools
	if !*fromLog {
		t, err := FindTools()
		if err != nil {
			fmt.Fprintf(stderr, "tlc: %v\n", err)
			return 2
		}
		tools = t
	}

	table, err := expected.Read(filepath.Join(specDir, "expected.tsv"))
	if err != nil {
		fmt.Fprintf(stderr, "tlc: %v (the expected results file lists every configuration to run)\n", err)
		return 2
	}
	names, err := loadPropertyNames(specDir)
	if err != nil {
		fmt.Fprintf(stderr, "tlc: %v\n", err)
		return 2
	}

	logDir := filepath.Join(specDir, "states")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "tlc: %v\n", err)
		return 2
	}

	if *fromLog {
		fmt.Fprintf(stdout, "TLC: judging the outputs kept in %s, specs in %s\n", logDir, specDir)
	} else {
		fmt.Fprintf(stdout, "TLC: %s with %s, %d workers, specs in %s\n", tools.Jar, tools.Java, *workers, specDir)
	}
	var ran, failed, skipped int
	start := time.Now()
	for _, row := range table.Rows {
		if sel != nil && !sel.MatchString(row.Config) {
			continue
		}
		if configs.TierOf(row.Config) == configs.Deep && !*deep {
			skipped++
			continue
		}
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "tlc: interrupted\n")
			return 1
		}
		ran++
		var out string
		var res Result
		var elapsed time.Duration
		var rerr error
		if *fromLog {
			out, res, rerr = keptOutput(logDir, row.Config)
		} else {
			out, res, elapsed, rerr = runConfig(ctx, tools, specDir, logDir, row, *workers)
		}
		ok, why := judge(row, res, names)
		if rerr != nil {
			ok, why = false, rerr.Error()
		}
		status := "ok"
		if !ok {
			status = "MISMATCH: " + why
			failed++
		} else if *record {
			if err := recordConfirmation(specDir, row.Config, res); err != nil {
				fmt.Fprintf(stderr, "tlc: %v\n", err)
				return 2
			}
			status = "ok, recorded"
		}
		fmt.Fprintf(stdout, "%-52s expected %-44s got %-44s %8s  %s\n",
			row.Config, row.String(), describeGot(res, rerr), elapsed.Round(100*time.Millisecond), status)
		if !ok && rerr == nil {
			fmt.Fprintf(stdout, "    TLC output: %s\n", filepath.Join(logDir, row.Config+".out"))
			if *verbose {
				fmt.Fprintln(stdout, indent(out))
			}
		}
	}
	fmt.Fprintf(stdout, "%d configs run, %d mismatched, %d deep skipped (use -deep), %s\n",
		ran, failed, skipped, time.Since(start).Round(time.Second))
	if ran == 0 && sel != nil {
		fmt.Fprintf(stderr, "tlc: -run %q selected no row of expected.tsv\n", *runRE)
		return 1
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// runConfig runs TLC on one row and returns its output and parsed result. The error is set
// when TLC could not be started or the row has no TLA+ files.
func runConfig(ctx context.Context, tools Tools, specDir, logDir string, row expected.Row, workers int) (string, Result, time.Duration, error) {
	module := "MC_" + baseConfig(row.Config)
	cfg := "MC_" + row.Config + ".cfg"
	for _, p := range []string{module + ".tla", cfg} {
		if _, err := os.Stat(filepath.Join(specDir, p)); err != nil {
			return "", Result{}, 0, fmt.Errorf("no %s in %s: the TLA+ side has no mirror of this configuration", p, specDir)
		}
	}
	meta, err := os.MkdirTemp("", "tlc-states-")
	if err != nil {
		return "", Result{}, 0, fmt.Errorf("temporary state directory: %w", err)
	}
	defer os.RemoveAll(meta)

	// TLC unpacks its standard modules into java.io.tmpdir and never removes them; pointing it
	// at the run's own temporary directory removes them with it.
	cmd := exec.CommandContext(ctx, tools.Java, "-XX:+UseParallelGC", "-Djava.io.tmpdir="+meta, "-cp", tools.Jar, "tlc2.TLC",
		"-workers", fmt.Sprint(workers),
		"-config", cfg,
		"-metadir", meta,
		"-noGenerateSpecTE",
		module+".tla")
	cmd.Dir = specDir
	var buf strings.Builder
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	t0 := time.Now()
	err = cmd.Run()
	elapsed := time.Since(t0)
	out := buf.String()
	if werr := os.WriteFile(filepath.Join(logDir, row.Config+".out"), []byte(out), 0o644); werr != nil {
		return out, Result{}, elapsed, fmt.Errorf("saving TLC output: %w", werr)
	}
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return out, Result{}, elapsed, fmt.Errorf("starting TLC: %w", err)
		}
		code = ee.ExitCode()
	}
	return out, ParseOutput(out, code), elapsed, nil
}

func indent(s string) string {
	return "    | " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    | ")
}
