// Package expected reads and writes spec/tla/expected.tsv, the one file of expected
// model-checking results that both checkers are held to: the Go checker (make model, through
// model/configs and model/cmd/modelcheck) and TLC (make tlc, through spec/tla/cmd/tlc).
//
// The file is tab-separated, one row per configuration:
//
//		config  verdict  distinct  property  confirmed
//
//	  - verdict is holds or violates. A holds row carries the exact number of distinct states
//	    in distinct and "-" in property; a violates row has "-" in distinct and names the
//	    property that must be violated (its wording in the Go model, or its TLA+ operator).
//	  - confirmed says which checker has reproduced the row: go (the Go checker), tlc (TLC),
//	    both, or "-" (neither yet: a TLC-only row that TLC has not been run on). The Go checker
//	    sets go on the rows it writes; the TLC runner, run with -record, adds tlc when TLC
//	    agrees with a row and keeps TLC's summary line in spec/tla/tlc-summary.tsv.
//
// Blank lines and lines starting with # are comments, and an update rewrites only the rows it
// changes, so the comments stay where they are.
package expected
