package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

var (
	// \* always: "published cursor never regresses"
	wordingRE = regexp.MustCompile(`^\\\*[^"]*: "(.+)"\s*$`)
	// PublishedNeverRegresses == ~regressed
	operatorRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*==`)
)

// ParsePropertyNames reads one TLA+ module and maps each property's original wording, quoted in
// the comment line above its operator (`\* always: "…"`), to the operator's name. The specs
// follow that convention for every property, so a row of expected.tsv may name a violated
// property either by its operator or by the original wording the Go checker prints.
func ParsePropertyNames(rd io.Reader) (map[string]string, error) {
	names := map[string]string{}
	pending := ""
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := wordingRE.FindStringSubmatch(line); m != nil {
			pending = m[1]
			continue
		}
		if strings.HasPrefix(line, `\*`) {
			continue // a further comment line between the wording and the operator
		}
		if m := operatorRE.FindStringSubmatch(line); m != nil && pending != "" {
			if prev, dup := names[pending]; dup && prev != m[1] {
				return nil, fmt.Errorf("property %q is defined by two operators, %s and %s", pending, prev, m[1])
			}
			names[pending] = m[1]
		}
		pending = ""
	}
	return names, sc.Err()
}

// loadPropertyNames reads every non-MC module in dir and returns the wording→operator maps
// keyed by module name (the prefix of a config name before its first '_').
func loadPropertyNames(dir string) (map[string]map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.tla"))
	if err != nil {
		return nil, err
	}
	all := map[string]map[string]string{}
	for _, p := range paths {
		base := strings.TrimSuffix(filepath.Base(p), ".tla")
		if strings.HasPrefix(base, "MC_") {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		names, err := ParsePropertyNames(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		all[base] = names
	}
	return all, nil
}

// moduleOf is the TLA+ module a configuration instantiates: the prefix of its name before the
// first '_' (ExportImport_ShippedFailStop → ExportImport).
func moduleOf(config string) string {
	if i := strings.Index(config, "_"); i > 0 {
		return config[:i]
	}
	return config
}
