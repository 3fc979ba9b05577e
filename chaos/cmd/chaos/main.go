// Command chaos runs the library against a 3-node JetStream cluster under faults (make chaos).
//
// Knobs (environment): CHAOS_SEED (replay a run; default: random, printed), CHAOS_DURATION
// (default 2m), CHAOS_FAULTS (comma list of kill, pause, stop, stepdown, partition,
// client-partition, latency; "all" or "none"), CHAOS_OPS (comma list of KV operation kinds:
// put, create, update, delete, delete-with-version, leader-get; default all), CHAOS_RATE
// (operations per second handed out, default 400),
// CHAOS_HTML=1 (write the linearizability visualisation even when the history holds),
// CHAOS_DIR (report directory; default a new temporary directory), CHAOS_RAFT=production (keep
// nats-server's production raft timings), CHAOS_WORKLOADS (comma list of folds, exporters,
// importers beside the KV workload; "all" (the default) or "none"), CHAOS_OPERATOR (comma list
// of operator actions on the folds' bucket: raw-delete, subject-purge, marker-purge; "purges"
// (the three removals reconciliation repairs, every action today; the default), "all" or
// "none").
//
// It prints a progress line per phase, then the summary table, and exits 1 if any guarantee
// is violated or incomplete, 2 if the run could not take place.
package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/slipstream-go/slipstream/chaos"
	"github.com/slipstream-go/slipstream/chaos/foldwl"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
	"github.com/slipstream-go/slipstream/chaos/node"
	"github.com/slipstream-go/slipstream/chaos/workload"
	"github.com/slipstream-go/slipstream/linearizability"
)

func main() {
	node.MaybeRun() // a node child process stops here
	os.Exit(run())
}

func run() int {
	opts, err := optionsFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := chaos.Run(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos: run failed:", err)
		fmt.Fprintf(os.Stderr, "chaos: seed %d, report directory %s\n", opts.Seed, opts.Dir)
		return 2
	}
	if err := chaos.WriteReport(res); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
	}
	fmt.Println()
	chaos.WriteSummary(os.Stdout, res)
	fmt.Printf("\nreport: %s\n", res.Dir)
	if !res.Passed() {
		return 1
	}
	return 0
}

func optionsFromEnv() (chaos.Options, error) {
	opts := chaos.Options{Progress: os.Stdout, Seed: rand.Uint64()}
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return opts, fmt.Errorf("CHAOS_SEED=%q: want an unsigned integer", s)
		}
		opts.Seed = seed
	}
	if s := os.Getenv("CHAOS_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return opts, fmt.Errorf("CHAOS_DURATION=%q: want a positive duration such as 2m or 45s", s)
		}
		opts.Duration = d
	}
	kinds, err := nemesis.ParseKinds(os.Getenv("CHAOS_FAULTS"))
	if err != nil {
		return opts, err
	}
	opts.Faults, opts.NoFaults = kinds, len(kinds) == 0
	if s := os.Getenv("CHAOS_RATE"); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			return opts, fmt.Errorf("CHAOS_RATE=%q: want a positive number of operations per second", s)
		}
		opts.Rate = r
	}
	if s := os.Getenv("CHAOS_OPS"); s != "" {
		for _, f := range strings.Split(s, ",") {
			k := linearizability.Kind(strings.TrimSpace(f))
			if !slices.Contains(workload.KVKinds(), k) || !k.Valid() {
				return opts, fmt.Errorf("CHAOS_OPS: unknown operation %q; known: %v", k, workload.KVKinds())
			}
			opts.KV.Ops = append(opts.KV.Ops, k)
		}
	}
	extra, err := workloadsFromEnv(os.Getenv("CHAOS_WORKLOADS"))
	if err != nil {
		return opts, err
	}
	opts.Extra = extra
	opts.HTML = os.Getenv("CHAOS_HTML") == "1"
	opts.ProductionRaft = os.Getenv("CHAOS_RAFT") == "production"
	opts.Dir = os.Getenv("CHAOS_DIR")
	if opts.Dir == "" {
		dir, err := os.MkdirTemp("", fmt.Sprintf("chaos-%d-", opts.Seed))
		if err != nil {
			return opts, err
		}
		opts.Dir = dir
	}
	return opts, nil
}

// workloadsFromEnv reads CHAOS_WORKLOADS: the workloads run beside the KV workload. Exporters
// need the folds they export, and importers the exporters' artifacts, so each implies the
// ones before it.
func workloadsFromEnv(s string) ([]workload.Workload, error) {
	s = strings.TrimSpace(s)
	if s == "none" {
		return nil, nil
	}
	var fo foldwl.Options
	folds := s == "" || s == "all"
	if folds {
		fo.Exports, fo.Imports = true, true
	} else {
		for _, f := range strings.Split(s, ",") {
			switch strings.TrimSpace(f) {
			case "folds":
				folds = true
			case "exporters":
				folds, fo.Exports = true, true
			case "importers":
				folds, fo.Exports, fo.Imports = true, true, true
			default:
				return nil, fmt.Errorf("CHAOS_WORKLOADS: unknown workload %q; known: folds, exporters, importers, all, none", f)
			}
		}
	}
	if !folds {
		return nil, nil
	}
	var err error
	if fo.Operator, err = operatorFromEnv(os.Getenv("CHAOS_OPERATOR")); err != nil {
		return nil, err
	}
	return []workload.Workload{foldwl.New(fo)}, nil
}

// operatorFromEnv reads CHAOS_OPERATOR: the operator actions done to the folds' bucket. Unset
// is "purges": the folds repair every one of them, so every run exercises the reconciliation.
func operatorFromEnv(s string) ([]string, error) {
	switch s = strings.TrimSpace(s); s {
	case "none":
		return nil, nil
	case "", "purges":
		return foldwl.RepairedActions, nil
	case "all":
		return foldwl.OperatorActions, nil
	}
	var out []string
	for _, a := range strings.Split(s, ",") {
		a = strings.TrimSpace(a)
		if !slices.Contains(foldwl.OperatorActions, a) {
			return nil, fmt.Errorf("CHAOS_OPERATOR: unknown action %q; known: %s, purges, all, none", a, strings.Join(foldwl.OperatorActions, ", "))
		}
		out = append(out, a)
	}
	return out, nil
}
