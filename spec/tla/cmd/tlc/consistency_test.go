package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/expected"
	"github.com/slipstream-go/slipstream/spec/tla/tlcsummary"
)

// cfgFile is what the consistency test reads from a TLC .cfg file.
type cfgFile struct {
	invariants   []string
	haveDeadlock bool // CHECK_DEADLOCK is stated explicitly
}

var cfgKeywordRE = regexp.MustCompile(`^[A-Z_]+$`)

func readCfg(t *testing.T, path string) cfgFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c cfgFile
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, `\*`) {
			continue
		}
		for _, tok := range strings.Fields(line) {
			if cfgKeywordRE.MatchString(tok) && tok != "TRUE" && tok != "FALSE" {
				section = tok
				if tok == "CHECK_DEADLOCK" {
					c.haveDeadlock = true
				}
				continue
			}
			if section == "INVARIANT" || section == "INVARIANTS" {
				c.invariants = append(c.invariants, tok)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// The checked-in spec/tla directory is consistent with expected.tsv, without running TLC:
// every row has its MC module and cfg, the module extends the spec the row's name names,
// every invariant a cfg lists is an operator of that spec, a violates row's cfg checks
// exactly the property the row names, every cfg states its deadlock decision, and no cfg
// exists without a row (it would never be run).
func TestSpecDirectoryMatchesExpected(t *testing.T) {
	dir := filepath.Join("..", "..")
	table, err := expected.Read(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := table.Rows
	names, err := loadPropertyNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]map[string]bool{}
	for mod := range names {
		b, err := os.ReadFile(filepath.Join(dir, mod+".tla"))
		if err != nil {
			t.Fatal(err)
		}
		ops[mod] = map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^([A-Za-z_][A-Za-z0-9_]*)\s*==`).FindAllStringSubmatch(string(b), -1) {
			ops[mod][m[1]] = true
		}
	}

	if len(rows) == 0 {
		t.Fatal("expected.tsv has no rows")
	}
	covered := map[string]bool{}
	for _, r := range rows {
		mod := moduleOf(r.Config)
		if ops[mod] == nil {
			t.Errorf("%s (line %d): no spec module %s.tla", r.Config, r.Line, mod)
			continue
		}
		tla := filepath.Join(dir, "MC_"+baseConfig(r.Config)+".tla")
		b, err := os.ReadFile(tla)
		if err != nil {
			t.Errorf("%s (line %d): %v", r.Config, r.Line, err)
			continue
		}
		if !regexp.MustCompile(`(?m)^EXTENDS ` + mod + `\s*$`).Match(b) {
			t.Errorf("%s: %s does not EXTENDS %s", r.Config, tla, mod)
		}
		cfgName := "MC_" + r.Config + ".cfg"
		covered[cfgName] = true
		c := readCfg(t, filepath.Join(dir, cfgName))
		if !c.haveDeadlock {
			t.Errorf("%s: %s does not state CHECK_DEADLOCK", r.Config, cfgName)
		}
		if len(c.invariants) == 0 {
			t.Errorf("%s: %s checks no invariant", r.Config, cfgName)
		}
		for _, inv := range c.invariants {
			if !ops[mod][inv] {
				t.Errorf("%s: %s lists %s, which %s.tla does not define", r.Config, cfgName, inv, mod)
			}
		}
		if r.Verdict == VerdictViolates {
			want := r.Property
			if op, ok := names[mod][want]; ok {
				want = op
			}
			if len(c.invariants) != 1 || c.invariants[0] != want {
				t.Errorf("%s: a violates row must check exactly %s (row: %q), cfg lists %v", r.Config, want, r.Property, c.invariants)
			}
		}
	}
	cfgs, err := filepath.Glob(filepath.Join(dir, "MC_*.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cfgs {
		if name := filepath.Base(p); !covered[name] {
			t.Errorf("%s has no row in expected.tsv, so make tlc never runs it", name)
		}
	}
}

// Every row of expected.tsv marked tlc or both agrees with the summary TLC printed when it
// confirmed the row, kept in tlc-summary.tsv: the agreement only a run of TLC can produce is
// checked here without Java, by the judge that checks live runs. Every kept summary belongs
// to a row, and a row no checker has confirmed says so (-), never go, unless it is a Go
// configuration (checked in model/configs).
func TestTLCConfirmedRowsMatchTheKeptSummary(t *testing.T) {
	dir := filepath.Join("..", "..")
	table, err := expected.Read(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := tlcsummary.Read(filepath.Join(dir, tlcsummary.FileName))
	if err != nil {
		t.Fatal(err)
	}
	names, err := loadPropertyNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	confirmed := 0
	for _, row := range table.Rows {
		line, kept := sums.Get(row.Config)
		if !row.Confirmed.TLC() {
			continue
		}
		confirmed++
		if !kept {
			t.Errorf("%s: expected.tsv line %d says confirmed %s, but %s keeps no TLC summary for it (run `go run ./spec/tla/cmd/tlc -record -run '^%s$'`)",
				row.Config, row.Line, row.Confirmed, tlcsummary.FileName, row.Config)
			continue
		}
		if ok, why := judge(row, resultOf(line), names); !ok {
			t.Errorf("%s: expected.tsv line %d (%s, confirmed %s) disagrees with the TLC summary on %s line %d: %s",
				row.Config, row.Line, row, row.Confirmed, tlcsummary.FileName, line.Line, why)
		}
	}
	for _, line := range sums.Rows {
		if _, ok := table.Get(line.Config); !ok {
			t.Errorf("%s line %d: %s has no row in expected.tsv", tlcsummary.FileName, line.Line, line.Config)
		}
	}
	if confirmed == 0 {
		t.Error("no row of expected.tsv is confirmed by TLC")
	}
}
