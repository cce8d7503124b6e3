# The two commands of the README:
#   make run   install dependencies, build (Release), run the main job on the embedded store
#   make test  install dependencies, build, run every test with ctest
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps build test run clean

all: build

deps:
	@bash scripts/install-deps.sh
	@bash scripts/install-npm-tools.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 900

run: build
	@bash scripts/main-job.sh $(BUILD_DIR)/src/cli/encore

clean:
	rm -rf $(BUILD_DIR)
