package configs

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
	"github.com/slipstream-go/slipstream/model/expected"
	ei "github.com/slipstream-go/slipstream/model/exportimport"
)

func expectedFile(t *testing.T) *expected.Table {
	t.Helper()
	root, err := expected.FindModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	e, err := expected.Read(filepath.Join(root, expected.Path))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Every registered configuration, deep ones included, has a row in expected.tsv, so TLC and
// the Go checker are held to the same numbers. Its row says the Go checker confirmed it, and
// no row the registry does not know (a TLC-only witness row) claims the Go checker did.
func TestEveryConfigHasAnExpectedRow(t *testing.T) {
	e := expectedFile(t)
	if len(All()) == 0 {
		t.Fatal("no configuration registered")
	}
	for _, c := range All() {
		row, ok := e.Get(c.Name)
		if !ok {
			t.Errorf("configuration %s (%s tier) has no row in %s: run `go run ./model/cmd/modelcheck -config %s -update`", c.Name, c.Tier(), expected.Path, c.Name)
			continue
		}
		if !row.Confirmed.Go() {
			t.Errorf("%s: line %d says confirmed %s, but the Go checker runs this configuration (go or both)", c.Name, row.Line, row.Confirmed)
		}
	}
	for _, row := range e.Rows {
		if _, registered := Lookup(row.Config); !registered && row.Confirmed.Go() {
			t.Errorf("%s: line %d says confirmed %s, but no Go configuration has that name (tlc or -)", row.Config, row.Line, row.Confirmed)
		}
	}
}

// Every default-tier configuration gives the verdict and distinct count of its row.
// Rows the registry does not know (TLC-only witness configurations) are not run here.
func TestDefaultTierMatchesExpected(t *testing.T) {
	e := expectedFile(t)
	for _, c := range InTier(Default) {
		row, ok := e.Get(c.Name)
		if !ok {
			continue // reported by TestEveryConfigHasAnExpectedRow
		}
		t.Run(c.Name, func(t *testing.T) {
			s := c.Run(check.Options{})
			if err := Compare(row, s); err != nil {
				t.Fatalf("%v\n%s", err, s.Report)
			}
			if s.Name != c.Name || !strings.Contains(s.Report, "== "+c.Name+":") {
				t.Fatalf("the summary is not labelled with the configuration name: %q", s.Name)
			}
		})
	}
}

func TestConfigNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		if c.Name == "" || c.Run == nil {
			t.Errorf("configuration %+v needs a name and a Run", c)
		}
		if seen[c.Name] {
			t.Errorf("configuration %q is registered twice", c.Name)
		}
		seen[c.Name] = true
	}
}

// The tier follows from the name alone, for the registry and for the TLC runner.
func TestTierFollowsTheName(t *testing.T) {
	for _, name := range []string{
		"ExportImport_ShippedFailStop", "ExportImport_ShippedNoResync", "ExportImport_LegacyFailStop",
		"ExportImport_LegacyDegrade", "ExportImport_LegacyNoResync", "ExportImport_MutLwwPointer",
		"ExportImport_MutPruneAgeOnly", "ExportImport_MutSilentClamp", "AppliedCursor_Shipped",
	} {
		if c, ok := Lookup(name); !ok || c.Tier() != Default {
			t.Errorf("%s missing or not in the default tier", name)
		}
	}
	deep := []string{"ExportImport_Deep_ShippedFailStop_Rev5", "ExportImport_Deep_Shipped3Exporters", "ExportImport_Deep_Legacy3Exporters", "Expiry_Deep_Guarded", "Retire_Deep_Shipped"}
	for _, name := range deep {
		if c, ok := Lookup(name); !ok || c.Tier() != Deep {
			t.Errorf("%s missing or not in the deep tier", name)
		}
	}
	if TierOf("ExportImport_Deep_Shipped3Exporters__W_Refused") != Deep || TierOf("ExportImport_ShippedFailStop__W_Refused") != Default {
		t.Error("a witness row takes the tier of its configuration's name")
	}
	all := All()
	if !slices.IsSortedFunc(all, func(a, b Config) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All() is not sorted by name")
	}
	if len(InTier(Default))+len(InTier(Deep)) != len(all) || len(InTier(Deep)) != len(deep) {
		t.Errorf("%d default and %d deep configurations of %d", len(InTier(Default)), len(InTier(Deep)), len(all))
	}
	if _, ok := Lookup("NoSuchConfig"); ok {
		t.Error("Lookup found a configuration that is not registered")
	}
}

func TestExportImportRowsAreValid(t *testing.T) {
	for _, r := range exportImportRows {
		if _, err := ei.New(r.config()); err != nil {
			t.Errorf("%s: %v", r.name, err)
		}
	}
}

func TestCompareAndRowFor(t *testing.T) {
	holds := Summary{Name: "A", Verdict: VerdictHolds, Distinct: 12, Complete: true}
	fails := Summary{Name: "B", Verdict: VerdictViolates, Complete: true, Violated: []string{"p", "q"}, Failed: []string{"p", "q"}}
	a := expected.Row{Config: "A", Verdict: expected.Holds, Distinct: 12, Property: "-"}
	b := expected.Row{Config: "B", Verdict: expected.Violates, Property: "q"}
	if Compare(a, holds) != nil || Compare(b, fails) != nil {
		t.Fatal("matching summaries rejected")
	}
	if Compare(a, Summary{Name: "A", Verdict: VerdictHolds, Distinct: 13}) == nil {
		t.Error("a different distinct count was accepted")
	}
	if Compare(a, fails) == nil || Compare(b, holds) == nil {
		t.Error("a different verdict was accepted")
	}
	if Compare(b, Summary{Name: "B", Verdict: VerdictViolates, Failed: []string{"p"}}) == nil {
		t.Error("a violation of another property was accepted")
	}
	if row, err := RowFor(holds, "-"); err != nil || row.Distinct != 12 || row.Verdict != expected.Holds || row.Confirmed != expected.ByGo {
		t.Errorf("RowFor(holds) = %+v, %v", row, err)
	}
	if row, err := RowFor(fails, "q"); err != nil || row.Property != "q" {
		t.Errorf("RowFor keeps a property that still fails: %+v, %v", row, err)
	}
	if row, err := RowFor(fails, "gone"); err != nil || row.Property != "p" {
		t.Errorf("RowFor names the first violated property: %+v, %v", row, err)
	}
}

func TestSummarize(t *testing.T) {
	c, _ := Lookup("ExportImport_MutSilentClamp")
	s := c.Run(check.Options{})
	if s.Verdict != VerdictViolates || !slices.Equal(s.Violated, []string{"bootstrap never silently diverges (stale is merely stale)"}) {
		t.Fatalf("summary %q violated %q", s.Verdict, s.Violated)
	}
	if s.Distinct == 0 || s.Generated < s.Distinct || !s.Complete || s.Report == "" {
		t.Fatalf("summary counts %+v", s)
	}
}

// A depth-bounded run is incomplete, never holds or violates, even when it has already found
// the counterexample its row names; it matches no row and cannot be recorded.
func TestIncompleteRunIsNeitherVerdict(t *testing.T) {
	e := expectedFile(t)
	for _, name := range []string{"AppliedCursor_Shipped", "AppliedCursor_MutResumeFromMemApplied"} {
		c, _ := Lookup(name)
		s := c.Run(check.Options{MaxDepth: 5})
		if s.Verdict != VerdictIncomplete || s.Complete {
			t.Fatalf("%s bounded at depth 5: verdict %s, complete %v", name, s.Verdict, s.Complete)
		}
		row, _ := e.Get(name)
		if err := Compare(row, s); !errors.Is(err, ErrIncomplete) {
			t.Errorf("%s: Compare(row, incomplete) = %v, want ErrIncomplete", name, err)
		}
		if _, err := RowFor(s, row.Property); !errors.Is(err, ErrIncomplete) {
			t.Errorf("%s: RowFor(incomplete) = %v, want ErrIncomplete", name, err)
		}
	}
	// The bounded mutant has its counterexample already: the bound, not a lack of evidence,
	// is what makes the run incomplete.
	c, _ := Lookup("AppliedCursor_MutResumeFromMemApplied")
	if s := c.Run(check.Options{MaxDepth: 5}); len(s.Violated) == 0 {
		t.Fatalf("the bounded mutant found no counterexample within depth 5:\n%s", s.Report)
	}
}
