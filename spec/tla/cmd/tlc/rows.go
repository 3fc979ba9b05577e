package main

import "strings"

// The rows of spec/tla/expected.tsv are parsed by model/expected, the same parser the Go
// checker uses, and a row's tier follows from its name through configs.TierOf, as a Go
// configuration's does, so the two checkers cannot read the file differently.

// baseConfig is the configuration whose MC_<base>.tla module a witness row runs with its own
// MC_<config>.cfg: for "X__W_short" it is "X"; otherwise the configuration itself.
func baseConfig(config string) string {
	if i := strings.Index(config, "__W_"); i > 0 {
		return config[:i]
	}
	return config
}
