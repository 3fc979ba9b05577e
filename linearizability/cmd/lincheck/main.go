// Command lincheck re-checks a saved KV history (JSON lines, as written by
// linearizability.WriteHistoryFile) offline: the linearizability verdict per key, and with
// -direct the staleness of direct gets.
//
//	go run ./linearizability/cmd/lincheck [-timeout 60s] [-html out.html] [-visualize] [-direct] history.jsonl
//
// It exits 0 when the history holds, 1 when it violates or the check ran out of time
// (incomplete never passes), and 2 when the history cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/slipstream-go/slipstream/linearizability"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lincheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", linearizability.DefaultTimeout, "bound on the search; running out of time is a failure")
	html := fs.String("html", "", "write porcupine's visualisation here when the check fails (or always with -visualize)")
	visualize := fs.Bool("visualize", false, "write the visualisation even when the history holds")
	direct := fs.Bool("direct", false, "also judge direct gets and report their staleness")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: lincheck [flags] history.jsonl")
		fs.PrintDefaults()
		return 2
	}
	ops, err := linearizability.ReadHistoryFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "lincheck:", err)
		return 2
	}
	opt := linearizability.Options{Timeout: *timeout, HTMLPath: *html, Visualize: *visualize}
	rep, err := linearizability.Check(ops, opt)
	if err != nil {
		fmt.Fprintln(stderr, "lincheck:", err)
		return 2
	}
	fmt.Fprintln(stdout, rep)
	for _, k := range rep.PerKey {
		fmt.Fprintf(stdout, "  %-20s %-10s %6d operations  %v\n", k.Key, k.Verdict, k.Operations, k.Duration.Round(time.Millisecond))
	}
	for _, o := range rep.Order {
		fmt.Fprintln(stdout, "  order:", o)
	}
	code := 0
	if !rep.Verdict.Passed() {
		code = 1
	}
	if *direct {
		dopt := opt
		if dopt.HTMLPath != "" {
			dopt.HTMLPath = strings.TrimSuffix(dopt.HTMLPath, ".html") + "-direct.html"
		}
		d, err := linearizability.CheckDirect(ops, dopt)
		if err != nil {
			fmt.Fprintln(stderr, "lincheck:", err)
			return 2
		}
		fmt.Fprintln(stdout, d)
		if !d.Verdict.Passed() {
			code = 1
		}
	}
	return code
}
