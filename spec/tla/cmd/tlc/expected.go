package main

import "strings"

// The rows of spec/tla/expected.tsv are parsed by model/configs (configs.ParseExpected), the
// same parser the Go checker uses, so the two checkers cannot read the file differently.

// isDeep reports whether a configuration belongs to the deep tier (names containing "_Deep_"),
// which the runner skips unless -deep is given.
func isDeep(config string) bool { return strings.Contains(config, "_Deep_") }

// baseConfig is the configuration whose MC_<base>.tla module a witness row runs with its own
// MC_<config>.cfg: for "X__W_short" it is "X"; otherwise the configuration itself.
func baseConfig(config string) string {
	if i := strings.Index(config, "__W_"); i > 0 {
		return config[:i]
	}
	return config
}
