# Thin wrapper over CMake + Ninja. See README.md.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# Seconds per libFuzzer target, in `make fuzz` and at the end of `make test`.
FUZZ_SECONDS ?= 20

.PHONY: all deps configure build demo test fuzz bench format format-check lint clean
SHELL := /bin/bash

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

configure: $(BUILD)/build.ninja

build: configure
	@ninja -C $(BUILD) -j $(JOBS) $(if $(filter 1,$(VERBOSE)),-v,--quiet)

# Installs, builds, generates the demo shop into an embedded DuckDB file and runs the pipeline.
demo: deps build
	@$(BUILD)/zcdp demo --dir $(or $(DIR),zcdp-demo) $(if $(PROFILES),--profiles $(PROFILES))

# Installs, builds and runs every test, then each fuzz target for FUZZ_SECONDS.
test: deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900
	@JOBS=$(JOBS) scripts/fuzz $(FUZZ_SECONDS)

# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for FUZZ_SECONDS.
fuzz: deps
	@JOBS=$(JOBS) scripts/fuzz $(FUZZ_SECONDS)

bench: deps build
	@scripts/run-bench

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror

lint: configure
	@git ls-files 'src/*.cc' | xargs -P $(JOBS) -n 4 clang-tidy -p $(BUILD) --quiet \
	  --warnings-as-errors='*' 2>&1 | grep -v -E '^[0-9]+ warnings? generated' ; \
	  exit $${PIPESTATUS[1]}

clean:
	@rm -rf $(BUILD) build-fuzz
