# The two commands of the README, and the longer jobs beside them.
#   make demo   install what is missing, build optimized, run the main job
#   make test   install what is missing, build with sanitizers, run every test (ctest)
#   make fuzz   build the libFuzzer targets with clang-14 and run each for FUZZ_SECONDS
#   make bench  build optimized and run the benchmarks (median of repetitions)
#   make bench-media   the media cipher against its primitives, a 1 GiB file's peak memory, a 100 MiB blob through the server
#   make bench-server  the server's load benchmark (parley-load against parley-server, with its floor)
#   make soak   the fault test long: parley-load while the server is SIGKILLed 200 times
#   make sim    the adversarial simulation long (SIM_CASES cases, optimized; make test runs 400)

# ccache keys on absolute paths unless told the tree's root: with these a fresh clone, a worktree or
# CI's checkout at another path reuses what any other checkout compiled.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)
FUZZ_SMOKE_SECONDS ?= 10

.PHONY: demo test fuzz bench bench-media bench-server soak sim deps build-release build-asan build-fuzz vectors format clean

deps:
	@./scripts/install-deps.sh

build-release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

build-fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

# The sanitizer tree runs the fuzz targets for a short smoke, so it needs the fuzz tree first.
build-asan: deps build-fuzz
	cmake --preset asan -DPARLEY_FUZZ_BIN_DIR=$(CURDIR)/build/fuzz/bin -DPARLEY_FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS) >/dev/null
	cmake --build --preset asan -j $(JOBS)

demo: build-release
	./scripts/demo.sh

test: build-asan
	ctest --preset asan

fuzz: build-fuzz
	FUZZ_TARGETS="$(FUZZ_TARGETS)" ./scripts/fuzz.sh $(FUZZ_SECONDS)

bench: build-release
	./scripts/bench.sh

# Spec §12: throughput against the sum of the primitives in the same run, then a MEDIA_MIB file
# encrypted and decrypted from disk to disk with the process's peak RSS (JSON on one line), then a
# BLOB_MIB blob up to and down from the real server over loopback against the channel's own
# throughput in the same run (JSON on one line).
MEDIA_MIB ?= 1024
BLOB_MIB ?= 100
bench-media: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS) --target parley-bench-media parley-media-rss parley-blob-loopback parley-server
	BENCH_PROGRAMS=media ./scripts/bench.sh
	./build/release/bin/parley-media-rss --mib $(MEDIA_MIB)
	./build/release/bin/parley-blob-loopback --server ./build/release/bin/parley-server --mib $(BLOB_MIB)

bench-server: build-release
	./scripts/bench-server.py

# The short version of this test runs in `make test`.
SOAK_KILLS ?= 200
soak: build-release
	PARLEY_FAULT_KILLS=$(SOAK_KILLS) PARLEY_FAULT_MESSAGES=$$(( $(SOAK_KILLS) * 1500 )) PARLEY_FAULT_RATE=3000 \
	  PARLEY_FAULT_DEVICES=32 ./build/release/bin/server_fault_test

# The adversarial simulation of spec §9 (client/tests/adversarial_simulation_test.cpp), long. A
# failure prints RC_PARAMS="reproduce=..." to run that very case again.
SIM_CASES ?= 10000
SIM_SEED ?= 1
sim: build-release
	RC_PARAMS="max_success=$(SIM_CASES) seed=$(SIM_SEED)" ./build/release/bin/client_adversarial_sim

# Regenerates the committed vector files from the code (CI's test does the same and diffs).
vectors: build-release
	./scripts/generate-vectors.sh

format:
	git ls-files '*.h' '*.cpp' | xargs clang-format -i

clean:
	rm -rf build
