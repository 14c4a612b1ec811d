# Thin wrapper over CMake + Ninja. See README.md.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench format lint clean

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

# Installs, builds and runs every test.
test: deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: deps build
	@scripts/run-bench

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

lint: configure
	@git ls-files 'src/*.cc' | xargs clang-tidy -p $(BUILD) --quiet --warnings-as-errors='*'

clean:
	@rm -rf $(BUILD)
