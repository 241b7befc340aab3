# GPUSched: the two set-up commands that work on a fresh machine are `make demo` and `make test`.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
HIGHS := .deps/highs/highspy/libhighs.so.1
JSONSCHEMA := .deps/jsonschema/check_jsonschema
KUBERNETES_VALIDATE := .deps/kubernetes-validate/.installed-1.37.0
BIN := .build/release/gpusched

.PHONY: setup schema-validator kubernetes-validator build release demo test examples report-check bench clean

## setup: install HiGHS into .deps/highs (from the highspy wheel on PyPI)
setup: $(HIGHS)

$(HIGHS):
	scripts/install-highs.sh

## schema-validator: install check-jsonschema into .deps/jsonschema (PyPI), for the JSON contract tests
schema-validator: $(JSONSCHEMA)

$(JSONSCHEMA):
	scripts/install-jsonschema.sh

## kubernetes-validator: install kubernetes-validate into .deps/kubernetes-validate (PyPI), for the export deploy tests
kubernetes-validator: $(KUBERNETES_VALIDATE)

$(KUBERNETES_VALIDATE):
	scripts/install-kubernetes-validate.sh

## build: debug build of everything
build: setup
	$(SWIFT) build

## release: optimised build of the gpusched command
release: setup
	$(SWIFT) build -c release --product gpusched

## demo: build and run the main job on built-in data
demo: release
	$(BIN) demo

## test: run every test (installs HiGHS, check-jsonschema and kubernetes-validate first). The live
## serving tests (servers on loopback: the router, mock engines, the load generator, and the built
## binary's processes, some comparing measured latencies with the simulator's) run after the others,
## one at a time: beside the CPU-bound suites they would wait for threads and time out.
LIVE_TESTS := ^(LiveServingTests|RouterTests|MockEngineTests|LoadGeneratorTests)\.
test: setup schema-validator kubernetes-validator
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(LIVE_TESTS)'
	$(SWIFT) test --skip-build --filter '$(LIVE_TESTS)' --no-parallel

## examples: run every example scenario on the release build
examples: release schema-validator
	scripts/run-examples.sh $(BIN)

## report-check: render every example's HTML report (written by `make examples` to .build/reports/)
## in headless Chromium (installed with apt-get when missing) to a PNG beside it, failing on console
## errors, failed loads and blank pages. The checker's own tests run first; `make examples` runs
## first when .build/reports holds no report.
REPORTS := .build/reports
report-check:
	scripts/install-chromium.sh
	python3 scripts/test_png_check.py
	scripts/test-report-check.sh
	@if [ -z "$$(find $(REPORTS) -name '*.html' 2>/dev/null | head -n 1)" ]; then $(MAKE) examples; fi
	scripts/report-check.sh $(REPORTS)

## bench: solver and simulator benchmarks on a release build
bench: release
	$(BIN) bench

clean:
	rm -rf .build
