package chaos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/slipstream-go/slipstream/chaos/check"
	"github.com/slipstream-go/slipstream/chaos/cluster"
	"github.com/slipstream-go/slipstream/chaos/nemesis"
	"github.com/slipstream-go/slipstream/chaos/workload"
	"github.com/slipstream-go/slipstream/linearizability"
)

// Result is what a run found.
type Result struct {
	Seed       uint64
	Dir        string
	Duration   time.Duration
	Operations int                  // operations recorded
	Stats      map[string]int       // per workload counters ("kv ops", "kv put ok", ...)
	Injected   map[nemesis.Kind]int // faults injected without error, by type
	Events     []nemesis.Event      // the nemesis log
	Checks     []check.Result
	History    []linearizability.Operation
}

// Passed reports whether every check holds.
func (r Result) Passed() bool { return check.Passed(r.Checks) }

// Run starts the cluster, runs the workloads under the seeded fault schedule for
// opts.Duration, heals, waits for the cluster to converge, runs every check and writes the
// report to opts.Dir. The error is for a run that could not take place (the cluster did not
// start); a guarantee that broke is a check result, not an error.
func Run(ctx context.Context, opts Options) (Result, error) {
	opts = opts.withDefaults()
	res := Result{Seed: opts.Seed, Dir: opts.Dir, Injected: map[nemesis.Kind]int{}, Stats: map[string]int{}}
	if opts.Dir == "" {
		return res, errors.New("chaos: Options.Dir is required")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return res, fmt.Errorf("chaos: create report dir: %w", err)
	}
	start := time.Now()
	p := func(format string, args ...any) {
		fmt.Fprintf(opts.Progress, "chaos [%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	p("seed %d, duration %v, faults %s, %.0f ops/s, report %s", opts.Seed, opts.Duration,
		nemesis.JoinKinds(opts.Faults), opts.Rate, opts.Dir)

	p("phase 1/5 cluster: starting 3 nodes (child processes) behind proxies")
	copts := cluster.Options{Dir: filepath.Join(opts.Dir, "cluster"),
		Executable: opts.Executable, ProductionRaft: opts.ProductionRaft}
	c, err := cluster.Start(copts)
	if err != nil { // one retry on fresh ports and directories: a drawn port can be taken meanwhile
		p("cluster did not start (%v); retrying once", err)
		copts.Dir += "-retry"
		if c, err = cluster.Start(copts); err != nil {
			return res, err
		}
	}
	defer c.Close()

	kvw := workload.NewKV(opts.KV)
	works := append([]workload.Workload{kvw}, opts.Extra...)
	rec := linearizability.NewRecorder()
	env := workload.Env{Cluster: c, Recorder: rec, Seed: opts.Seed, Dir: opts.Dir,
		Note: func(line string) { p("  %s", line) }}
	p("phase 2/5 setup: %d workloads", len(works))
	for _, w := range works {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := w.Setup(sctx, env)
		cancel()
		if err != nil {
			return res, fmt.Errorf("chaos: set up workload %s: %w", w.Name(), err)
		}
	}

	p("phase 3/5 workload under faults for %v", opts.Duration)
	var plan *nemesis.Plan
	if len(opts.Faults) > 0 {
		plan = nemesis.NewPlan(opts.Seed, opts.Faults, c.Nodes(), opts.Spacing)
	}
	seq := nemesis.NewSequencer(nemesis.SequencerOptions{
		Plan: plan, Target: target{c: c, stream: kvw.Stream(), settle: opts.Settle}, Rate: opts.Rate, Clock: rec.Now,
		OnLog:  func(e nemesis.Event) { p("  %s", e) },
		OnNote: func(line string) { p("  %s", line) },
	})
	rctx, cancel := context.WithTimeout(ctx, opts.Duration)
	defer cancel()
	var wg sync.WaitGroup
	werrs := make([]error, len(works))
	for i, w := range works {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if werrs[i] = w.Run(ctx, env, seq.Tickets()); werrs[i] != nil {
				p("workload %s stopped: %v", w.Name(), werrs[i])
				cancel() // nobody else may be taking tickets: end the run
			}
		}()
	}
	seqErr := seq.Run(rctx)
	wg.Wait()
	res.Events = seq.Events()
	if ctx.Err() != nil {
		return res, fmt.Errorf("chaos: interrupted after %d operations: %w", rec.Len(), ctx.Err())
	}

	p("phase 4/5 heal: all faults removed; waiting for the cluster to converge")
	checks := []check.Check{recovered(seqErr, werrs), check.Converged(c, kvw.Stream(), opts.ConvergeWait)}
	env.FaultWindows = faultWindows(res.Events, rec.Now())
	env.LeaderInDoubt = doubtWindows(res.Events, rec.Now())
	for _, w := range works {
		checks = append(checks, w.Checks(env)...)
	}
	checks = append(checks, injectedAll(opts.Faults, res.Events))

	p("phase 5/5 checks: %d guarantees", len(checks))
	for _, ch := range checks {
		r := ch.Run(ctx)
		p("  %s", r)
		res.Checks = append(res.Checks, r)
	}
	res.History = rec.Operations()
	res.Operations = len(res.History)
	for _, w := range works {
		for k, v := range w.Stats() {
			res.Stats[w.Name()+" "+k] = v
		}
	}
	for _, e := range res.Events {
		if e.Action == "inject" && e.Err == "" {
			res.Injected[e.Fault.Kind]++
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}
