# GPUSched: the two set-up commands that work on a fresh machine are `make demo` and `make test`.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
HIGHS := .deps/highs/highspy/libhighs.so.1
BIN := .build/release/gpusched

.PHONY: setup build release demo test examples bench clean

## setup: install HiGHS into .deps/highs (from the highspy wheel on PyPI)
setup: $(HIGHS)

$(HIGHS):
	scripts/install-highs.sh

## build: debug build of everything
build: setup
	$(SWIFT) build

## release: optimised build of the gpusched command
release: setup
	$(SWIFT) build -c release --product gpusched

## demo: build and run the main job on built-in data
demo: release
	$(BIN) demo

## test: run every test (installs HiGHS first)
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## examples: run every example scenario on the release build
examples: release
	scripts/run-examples.sh $(BIN)

## bench: solver and simulator benchmarks on a release build
bench: release
	$(BIN) bench

clean:
	rm -rf .build
