package main

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
)

// Verdicts a row of expected.tsv can name, and the ones a TLC run can produce.
const (
	VerdictHolds    = "holds"    // TLC: "No error has been found", exit code 0
	VerdictViolates = "violates" // TLC: "Invariant X is violated", exit code 12
	VerdictError    = "error"    // anything else: parse/config error, deadlock, evaluation error…
)

// TLC exit codes (tlc2/output/EC.java, ExitStatus) the runner distinguishes.
const (
	exitSuccess        = 0
	exitDeadlock       = 11
	exitSafety         = 12
	exitLiveness       = 13
	exitAssert         = 14
	exitEvalSpec       = 75
	exitEvalSafety     = 76
	exitEvalLiveness   = 77
	exitParseSpec      = 150
	exitParseConfig    = 151
	exitStateSpaceHuge = 152
	exitSystem         = 153
)

// Result is what one TLC run reported, read from its standard output and exit code.
type Result struct {
	// Verdict is VerdictHolds only when TLC exited 0 and printed "No error has been found";
	// VerdictViolates only when it exited 12 and named exactly one violated invariant.
	Verdict string
	// Violated names the invariant TLC reported violated ("" unless Verdict is violates).
	Violated string
	// Distinct and Generated are from TLC's final "N states generated, M distinct states
	// found" line; HaveCounts is false when TLC printed none (e.g. a violation by an initial
	// state, or a parse error).
	Distinct, Generated, Left uint64
	HaveCounts                bool
	// Version is TLC's version from its banner ("TLC2 Version 2.20 of …"), "" if absent.
	Version string
	// ExitCode is TLC's process exit code.
	ExitCode int
	// Detail explains an error verdict: the first "Error:" line TLC printed, or the exit code's
	// meaning.
	Detail string
}

var (
	finalCountsRE = regexp.MustCompile(`^([0-9][0-9,]*) states generated, ([0-9][0-9,]*) distinct states found, ([0-9][0-9,]*) states left on queue\.$`)
	versionRE     = regexp.MustCompile(`^TLC2 Version (\S+) `)
	violatedRE    = regexp.MustCompile(`^Error: Invariant (\S+) is violated( by the initial state)?[.:]$`)
	noErrorLine   = "Model checking completed. No error has been found."
)

// ParseOutput reads TLC's console output (not -tool mode) and its exit code and returns the
// verdict, the violated invariant and the final state counts. It never reports holds or
// violates unless the exit code agrees with the text, so a truncated or unexpected output is an
// error verdict, not a pass.
func ParseOutput(out string, exitCode int) Result {
	r := Result{ExitCode: exitCode, Verdict: VerdictError}
	noError := false
	var violated []string
	firstError := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r ")
		switch {
		case line == noErrorLine:
			noError = true
		case finalCountsRE.MatchString(line):
			m := finalCountsRE.FindStringSubmatch(line)
			r.Generated = parseCount(m[1])
			r.Distinct = parseCount(m[2])
			r.Left = parseCount(m[3])
			r.HaveCounts = true
		case r.Version == "" && versionRE.MatchString(line):
			r.Version = versionRE.FindStringSubmatch(line)[1]
		case violatedRE.MatchString(line):
			violated = append(violated, violatedRE.FindStringSubmatch(line)[1])
		}
		if firstError == "" && strings.HasPrefix(line, "Error:") {
			firstError = line
		}
	}
	switch {
	case exitCode == exitSuccess && noError && len(violated) == 0:
		r.Verdict = VerdictHolds
	case exitCode == exitSafety && len(violated) == 1:
		r.Verdict = VerdictViolates
		r.Violated = violated[0]
	default:
		r.Detail = exitMeaning(exitCode)
		if firstError != "" {
			r.Detail += ": " + firstError
		}
		if exitCode == exitSuccess && !noError {
			r.Detail += ` (exit code 0 but no "No error has been found" line: output truncated?)`
		}
	}
	return r
}

func parseCount(s string) uint64 {
	n, err := strconv.ParseUint(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		return 0 // unreachable: the regexp admits only digits and commas
	}
	return n
}

func exitMeaning(code int) string {
	switch code {
	case exitSuccess:
		return "exit 0"
	case exitDeadlock:
		return "exit 11 (deadlock reached)"
	case exitSafety:
		return "exit 12 (safety violation)"
	case exitLiveness:
		return "exit 13 (liveness violation)"
	case exitAssert:
		return "exit 14 (Assert failed)"
	case exitEvalSpec, exitEvalSafety, exitEvalLiveness:
		return "exit " + strconv.Itoa(code) + " (evaluation error)"
	case exitParseSpec:
		return "exit 150 (spec parse or semantic error)"
	case exitParseConfig:
		return "exit 151 (config file error)"
	case exitStateSpaceHuge:
		return "exit 152 (state space too large)"
	case exitSystem:
		return "exit 153 (system error: out of memory or disk?)"
	default:
		return "exit " + strconv.Itoa(code)
	}
}
