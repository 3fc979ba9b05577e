package configs

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slipstream-go/slipstream/model/check"
)

func expectedFile(t *testing.T) *Expected {
	t.Helper()
	root, err := FindModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	e, err := ReadExpected(filepath.Join(root, ExpectedFile))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Every registered configuration, deep ones included, has a row in expected.tsv, so TLC and
// the Go checker are held to the same numbers.
func TestEveryConfigHasAnExpectedRow(t *testing.T) {
	e := expectedFile(t)
	if len(All()) == 0 {
		t.Fatal("no configuration registered")
	}
	for _, c := range All() {
		if _, ok := e.Row(c.Name); !ok {
			t.Errorf("configuration %s (%s tier) has no row in %s: run `go run ./model/cmd/modelcheck -config %s -update`", c.Name, c.Tier, ExpectedFile, c.Name)
		}
	}
}

// Every default-tier configuration gives the verdict and distinct count of its row.
// Rows the registry does not know (TLC-only witness configurations) are not run here.
func TestDefaultTierMatchesExpected(t *testing.T) {
	e := expectedFile(t)
	for _, c := range InTier(Default) {
		row, ok := e.Row(c.Name)
		if !ok {
			continue // reported by TestEveryConfigHasAnExpectedRow
		}
		t.Run(c.Name, func(t *testing.T) {
			s := c.Run(check.Options{})
			if err := row.Check(s); err != nil {
				t.Fatalf("%v\n%s", err, s.Report)
			}
			if s.Name != c.Name || !strings.Contains(s.Report, "== "+c.Name+":") {
				t.Fatalf("the summary is not labelled with the configuration name: %q", s.Name)
			}
		})
	}
}

func TestRegistryContents(t *testing.T) {
	for _, name := range []string{
		"ExportImport_ShippedFailStop", "ExportImport_ShippedNoResync", "ExportImport_LegacyFailStop",
		"ExportImport_LegacyDegrade", "ExportImport_LegacyNoResync", "ExportImport_MutLwwPointer",
		"ExportImport_MutPruneAgeOnly", "ExportImport_MutSilentClamp",
	} {
		if c, ok := Lookup(name); !ok || c.Tier != Default {
			t.Errorf("%s missing or not in the default tier", name)
		}
	}
	for _, name := range []string{"ExportImport_Deep_ShippedFailStop_Rev5", "ExportImport_Deep_Shipped3Exporters", "ExportImport_Deep_Legacy3Exporters"} {
		if c, ok := Lookup(name); !ok || c.Tier != Deep {
			t.Errorf("%s missing or not in the deep tier", name)
		}
	}
	all := All()
	if !slices.IsSortedFunc(all, func(a, b Config) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All() is not sorted by name")
	}
	if len(InTier(Default))+len(InTier(Deep)) != len(all) {
		t.Error("every configuration is in exactly one tier")
	}
}

func TestRegisterRejectsDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering an existing name did not panic")
		}
	}()
	c, _ := Lookup("ExportImport_ShippedFailStop")
	Register(c)
}

func TestParseExpected(t *testing.T) {
	good := "# header\n\nA\tholds\t12\t-\nB\tviolates\t-\tsome property name\n"
	e, err := ParseExpected(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := e.Row("A"); a.Distinct != 12 || a.Verdict != VerdictHolds || a.Line != 3 {
		t.Fatalf("row A = %+v", a)
	}
	if b, _ := e.Row("B"); b.Property != "some property name" || b.Verdict != VerdictViolates {
		t.Fatalf("row B = %+v", b)
	}
	for _, bad := range []string{
		"A holds 12 -\n",                   // spaces, not tabs
		"A\tholds\t-\t-\n",                 // holds without a count
		"A\tholds\t12\tP\n",                // holds naming a property
		"A\tviolates\t12\tP\n",             // violates with a count
		"A\tviolates\t-\t-\n",              // violates without a property
		"A\tpasses\t12\t-\n",               // unknown verdict
		"A\tholds\t1\t-\nA\tholds\t1\t-\n", // duplicate
		"\tholds\t5\t-\n",                  // empty config name
		"A\tholds\t-5\t-\n",                // negative count
		"A\tholds\t5\n",                    // three fields
	} {
		if _, err := ParseExpected(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseExpected accepted %q", bad)
		} else if !strings.Contains(err.Error(), "line") {
			t.Errorf("error %q does not name the line", err)
		}
	}
	// A file saved with CRLF line ends reads the same.
	crlf, err := ParseExpected(strings.NewReader(strings.ReplaceAll(good, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := crlf.Row("B"); b.Property != "some property name" {
		t.Fatalf("CRLF row B = %+v", b)
	}
}

func TestCheckAndUpdate(t *testing.T) {
	holds := Summary{Name: "A", Verdict: VerdictHolds, Distinct: 12}
	fails := Summary{Name: "B", Verdict: VerdictViolates, Violated: []string{"p", "q"}, Failed: []string{"p", "q"}}
	e, _ := ParseExpected(strings.NewReader("# keep me\nA\tholds\t12\t-\nB\tviolates\t-\tq\nW\tviolates\t-\tNeverX\n"))
	a, _ := e.Row("A")
	b, _ := e.Row("B")
	if a.Check(holds) != nil || b.Check(fails) != nil {
		t.Fatal("matching summaries rejected")
	}
	if a.Check(Summary{Name: "A", Verdict: VerdictHolds, Distinct: 13}) == nil {
		t.Error("a different distinct count was accepted")
	}
	if a.Check(fails) == nil || b.Check(holds) == nil {
		t.Error("a different verdict was accepted")
	}
	if b.Check(Summary{Name: "B", Verdict: VerdictViolates, Failed: []string{"p"}}) == nil {
		t.Error("a violation of another property was accepted")
	}
	e.Update([]Summary{{Name: "A", Verdict: VerdictHolds, Distinct: 99}, fails, {Name: "C", Verdict: VerdictHolds, Distinct: 7}})
	want := "# keep me\nA\tholds\t99\t-\nB\tviolates\t-\tq\nW\tviolates\t-\tNeverX\nC\tholds\t7\t-\n"
	if got := string(e.Bytes()); got != want {
		t.Fatalf("updated file:\n%s\nwant:\n%s", got, want)
	}
	if _, err := ParseExpected(strings.NewReader(string(NewExpected().Bytes()))); err != nil {
		t.Fatalf("the generated header does not parse: %v", err)
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
