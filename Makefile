# Slipstream for Go. Every target needs only Go; `make tlc` also needs Java and tla2tools.jar.
GO       ?= go
FUZZTIME ?= 1m
# Minimising a new input costs up to a minute by default; the tar-import target then gets through
# only a few inputs in FUZZTIME, so each minimisation gets one try.
FUZZMINIMIZE ?= 1x
BENCHTIME ?= 3x

.PHONY: test lint bench fuzz model model-deep tlc chaos

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Packages with goroutines of their own run under the race detector; the rest (models, checkers,
# kernels) are single-purpose CPU work, where -race only multiplies the time.
RACE_PKGS = ./impl/... ./internal/...

## chaos: a 3-node NATS cluster under faults, the KV and fold workloads, and every check (about 2 minutes; see chaos/README.md).
chaos:
	$(GO) run ./chaos/cmd/chaos

## test: vet, then every test (short model tiers included). This is what CI runs.
test:
	$(GO) vet ./...
	$(GO) test -count=1 -race -timeout 20m $(RACE_PKGS)
	$(GO) test -count=1 -timeout 20m $$($(GO) list ./... | grep -v -e '/impl/' -e '/internal/')

## lint: fail on unformatted files, vet findings or staticcheck findings (run with go run: nothing to install).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## bench: benchmarks, each reported against a baseline measured in the same run, then the
## million-key runs (hydration, reconciliation, export/import); several minutes.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	$(GO) test -run '^$$' -bench '1M' -benchmem -benchtime $(BENCHTIME) ./impl/applied/ -args -applied.bench1m
	$(GO) test -run '^$$' -bench 'ExportImport' -benchmem -benchtime $(BENCHTIME) ./impl/snapshot/artifact/ -args -artifact.keys 1000000

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg; \
	  done; \
	done

## model: every model at its default tier (seconds).
model:
	$(GO) run ./model/cmd/modelcheck -tier default

## model-deep: the deep tier (minutes; several GiB).
model-deep:
	$(GO) run ./model/cmd/modelcheck -tier deep

## tlc: run TLC on every spec/tla config and compare with spec/tla/expected.tsv.
tlc:
	$(GO) run ./spec/tla/cmd/tlc
