# Thin wrapper over CMake and ctest; the real build is CMakeLists.txt.
#
#   make deps          install missing build/test packages (Debian/Ubuntu)
#   make build         RelWithDebInfo build in build/
#   make test          deps, then ctest in build/ (static, RelWithDebInfo),
#                      build-asan/ (shared, Debug, ASan+UBSan, the
#                      portable readdir() path) and, when
#                      fuzz/fuzz_*.c exist, a short libFuzzer run in
#                      build-fuzz/ (clang), and the parser and
#                      evaluation unit tests once more under valgrind
#   make demo          deps + build, then scripts/demo.sh
#   make bench         deps, Release build in build-bench/, run bench_*
#   make format        clang-format -i the project's C sources
#   make format-check  fail if clang-format would change anything
#   make clean         remove the build trees
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.NOTPARALLEL:

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake
CTEST ?= ctest
CLANG ?= clang
CLANG_FORMAT ?= clang-format
LCMP_OSCAL_DIR ?= $(abspath $(CURDIR)/../shared/anchors/oscal)

CTEST_FLAGS := --output-on-failure --no-tests=error -j $(JOBS)
COMMON_CMAKE_FLAGS := -DLCMP_OSCAL_DIR=$(LCMP_OSCAL_DIR)
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

FORMAT_DIRS := include libcompliance tools tests fuzz bench
FORMAT_FILES = $(shell find $(wildcard $(FORMAT_DIRS)) -type f \
	\( -name '*.c' -o -name '*.h' -o -name '*.cpp' \) \
	-not -path 'tests/data/*' -not -path 'fuzz/corpus/*' | LC_ALL=C sort)

.PHONY: all deps build test test-default test-asan test-fuzz test-valgrind demo bench \
	clean format format-check

all: build

deps:
	@bash scripts/install-deps.sh

build:
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(COMMON_CMAKE_FLAGS)
	$(CMAKE) --build build -j $(JOBS)

test: deps
	@$(MAKE) --no-print-directory test-default test-asan test-fuzz test-valgrind

test-default: build
	cd build && $(CTEST) $(CTEST_FLAGS)

test-asan:
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
		-DLCMP_SANITIZE=address,undefined -DBUILD_SHARED_LIBS=ON \
		-DLCMP_PORTABLE_READDIR=ON -DLCMP_BUILD_BENCH=OFF $(COMMON_CMAKE_FLAGS)
	$(CMAKE) --build build-asan -j $(JOBS)
	cd build-asan && $(SANITIZER_ENV) $(CTEST) $(CTEST_FLAGS)

test-fuzz:
	@if ! compgen -G 'fuzz/fuzz_*.c' >/dev/null; then \
		echo "make test: no fuzz/fuzz_*.c yet, fuzz run skipped"; \
	elif ! printf '%s\n' \
		'#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		| $(CLANG) -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then \
		echo "make test: $(CLANG) cannot link -fsanitize=fuzzer" \
		     "(install libclang-rt-14-dev), fuzz run skipped"; \
	else \
		set -x; \
		$(CMAKE) -S . -B build-fuzz -DCMAKE_C_COMPILER=$(CLANG) \
			-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLCMP_FUZZ=ON \
			-DBUILD_TESTING=OFF -DLCMP_BUILD_BENCH=OFF $(COMMON_CMAKE_FLAGS); \
		$(CMAKE) --build build-fuzz -j $(JOBS) --target lcmp_fuzz_targets; \
		cd build-fuzz && $(CTEST) $(CTEST_FLAGS) -L fuzz; \
	fi

# The unit tests of the parsers, crypto and evaluation once under valgrind
# (STYLE 35): it sees uninitialised reads that ASan does not. Two at a time.
VALGRIND_TESTS := util json declaration baseline profile evaluate result \
	template evidence tag signers sshkey sshsig dsse jscan statement keys \
	verify diff report config state oscal

test-valgrind: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	printf '%s\n' $(VALGRIND_TESTS) | xargs -P $(JOBS) -I{} bash -c '\
		cd tests && mkdir -p "'"$$tmp"'/{}" && \
		LCMP_SOURCE_DIR=$(CURDIR) LCMP_BUILD_DIR=$(CURDIR)/build \
		LCMP_OSCAL_DIR=$(LCMP_OSCAL_DIR) LCMP_TMPDIR="'"$$tmp"'/{}" \
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			../build/tests/test_{} >"'"$$tmp"'/{}.log" 2>&1 \
		&& echo "valgrind: test_{}: clean" \
		|| { echo "valgrind: test_{}: FAILED"; tail -n 40 "'"$$tmp"'/{}.log"; exit 255; }'; \
	echo "valgrind: $(words $(VALGRIND_TESTS)) unit test programs clean"

demo: deps build
	bash scripts/demo.sh

bench: deps
	$(CMAKE) -S . -B build-bench -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_TESTING=OFF -DLCMP_BUILD_BENCH=ON $(COMMON_CMAKE_FLAGS)
	$(CMAKE) --build build-bench -j $(JOBS)
	@found=0; missed=""; \
	for b in build-bench/bench/bench_*; do \
		[ -f "$$b" ] && [ -x "$$b" ] || continue; \
		found=1; \
		echo "== $$b"; \
		LCMP_SOURCE_DIR=$(CURDIR) LCMP_BUILD_DIR=$(CURDIR)/build-bench \
		LCMP_OSCAL_DIR=$(LCMP_OSCAL_DIR) "$$b" || missed="$$missed $${b##*/}"; \
	done; \
	if [ "$$found" = 0 ]; then echo "make bench: no bench/bench_*.c yet"; fi; \
	if [ -n "$$missed" ]; then echo "make bench: target missed by:$$missed"; exit 1; fi

format:
	@files="$(FORMAT_FILES)"; [ -z "$$files" ] || \
		$(CLANG_FORMAT) -i $$files

format-check:
	@files="$(FORMAT_FILES)"; [ -z "$$files" ] || \
		$(CLANG_FORMAT) --dry-run -Werror $$files

clean:
	rm -rf build build-asan build-fuzz build-bench
